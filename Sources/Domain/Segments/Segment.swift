import Codec
import Foundation

/// The spec's segment types (`herald.segments.v1.SegmentType`, `segments.segment_type`).
public enum SegmentType: String, WireEnum {
    public static let wirePrefix = "SEGMENT_TYPE_"
    case `static`, dynamic, lookalike, behavioral
}

public enum ConditionOperator: String, WireEnum {
    public static let wirePrefix = "CONDITION_OPERATOR_"
    case equals, contains
    case greaterThan = "greater_than"
    case lessThan = "less_than"
    case `in`
    case notIn = "not_in"
}

public enum LogicalOperator: String, WireEnum {
    public static let wirePrefix = "LOGICAL_OPERATOR_"
    case and, or, not
}

/// One rule of a segment: a user attribute compared with a value, joined to the rule before it.
public struct SegmentCondition: Codable, Equatable, Sendable {
    /// A user attribute path, e.g. "attributes.plan" or "events.purchase.count".
    public var field: String
    /// nil only in a request that left it unspecified (validation reports it).
    public var `operator`: ConditionOperator?
    public var value: JSONValue?
    /// How this condition joins the ones before it (AND when unspecified).
    public var logicalOperator: LogicalOperator?

    public init(
        field: String, operator: ConditionOperator?, value: JSONValue? = nil, logicalOperator: LogicalOperator? = nil
    ) {
        self.field = field
        self.operator = `operator`
        self.value = value
        self.logicalOperator = logicalOperator
    }
}

/// How a segment's members behave, maintained by the segmentation engine.
public struct SegmentPerformance: Codable, Equatable, Sendable {
    public var engagementRate: Double
    public var conversionRate: Double
    public var averageOrderValue: Double
    public var lifetimeValue: Double
    public var churnRate: Double
    public var growthRate: Double

    public init(
        engagementRate: Double = 0, conversionRate: Double = 0, averageOrderValue: Double = 0,
        lifetimeValue: Double = 0,
        churnRate: Double = 0, growthRate: Double = 0
    ) {
        self.engagementRate = engagementRate
        self.conversionRate = conversionRate
        self.averageOrderValue = averageOrderValue
        self.lifetimeValue = lifetimeValue
        self.churnRate = churnRate
        self.growthRate = growthRate
    }
}

/// What a client defines to create or replace a segment.
public struct SegmentDefinition: Equatable, Sendable {
    public var name: String
    public var description: String
    /// nil only in a request that left it unspecified (validation reports it).
    public var type: SegmentType?
    public var conditions: [SegmentCondition]
    public var tags: [String]
    /// The members of a static segment.
    public var userIDs: [UUID]

    public init(
        name: String, description: String = "", type: SegmentType?, conditions: [SegmentCondition] = [],
        tags: [String] = [],
        userIDs: [UUID] = []
    ) {
        self.name = name
        self.description = description
        self.type = type
        self.conditions = conditions
        self.tags = tags
        self.userIDs = userIDs
    }
}

/// A stored segment (the spec's Segment).
public struct Segment: Equatable, Sendable {
    public var id: UUID
    public var name: String
    public var description: String
    public var type: SegmentType
    public var conditions: [SegmentCondition]
    /// Members at `lastUpdated`.
    public var size: Int64
    public var lastUpdated: Date?
    public var performance: SegmentPerformance?
    public var tags: [String]
    public var createdAt: Date
    public var createdBy: UUID
    /// The segment a lookalike segment was modelled on, and how similar its members must be (0-1).
    public var sourceSegmentID: UUID?
    public var similarity: Double

    public init(
        id: UUID, name: String, description: String = "", type: SegmentType, conditions: [SegmentCondition] = [],
        size: Int64 = 0,
        lastUpdated: Date? = nil, performance: SegmentPerformance? = nil, tags: [String] = [], createdAt: Date,
        createdBy: UUID,
        sourceSegmentID: UUID? = nil, similarity: Double = 0
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.type = type
        self.conditions = conditions
        self.size = size
        self.lastUpdated = lastUpdated
        self.performance = performance
        self.tags = tags
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.sourceSegmentID = sourceSegmentID
        self.similarity = similarity
    }
}

public struct SegmentMember: Equatable, Sendable {
    public var userID: UUID
    public var addedAt: Date?

    public init(userID: UUID, addedAt: Date?) {
        self.userID = userID
        self.addedAt = addedAt
    }
}

/// Users in all of `segmentIDs` at once.
public struct SegmentOverlap: Equatable, Sendable {
    public var segmentIDs: [UUID]
    public var size: Int64

    public init(segmentIDs: [UUID], size: Int64) {
        self.segmentIDs = segmentIDs
        self.size = size
    }
}

/// How a set of segments overlap: each one's size, the size of each intersection, and of their union.
public struct SegmentOverlapAnalysis: Equatable, Sendable {
    public var sizes: [UUID: Int64]
    public var overlaps: [SegmentOverlap]
    public var unionSize: Int64

    public init(sizes: [UUID: Int64], overlaps: [SegmentOverlap], unionSize: Int64) {
        self.sizes = sizes
        self.overlaps = overlaps
        self.unionSize = unionSize
    }
}
