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
    case notEquals = "not_equals"
    case startsWith = "starts_with"
    case endsWith = "ends_with"
    case matches, between, exists
    case isEmpty = "is_empty"
    case withinLastDays = "within_last_days"
    case moreThanDaysAgo = "more_than_days_ago"
    case before, after

    /// Operators that take no value.
    public var takesNoValue: Bool { self == .exists || self == .isEmpty }
}

public enum LogicalOperator: String, WireEnum {
    public static let wirePrefix = "LOGICAL_OPERATOR_"
    case and, or, not
}

/// One rule of a segment, joined to the rule before it by `logicalOperator` (see segments.proto for the grammar):
/// a leaf (`field` `operator` `value`), a nested `group`, or an `activity` rule.
public struct SegmentCondition: Codable, Equatable, Sendable {
    /// A field path, e.g. "attributes.plan", "consent.marketing", "segment" (empty for groups and activity rules).
    public var field: String
    /// nil only in a request that left it unspecified (validation reports it).
    public var `operator`: ConditionOperator?
    public var value: JSONValue?
    /// How this condition joins the ones before it (AND when unspecified).
    public var logicalOperator: LogicalOperator?
    /// A nested group, combined as a list of conditions is.
    public var group: [SegmentCondition]
    public var activity: ActivityCondition?

    public init(
        field: String, operator: ConditionOperator?, value: JSONValue? = nil, logicalOperator: LogicalOperator? = nil
    ) {
        self.field = field
        self.operator = `operator`
        self.value = value
        self.logicalOperator = logicalOperator
        group = []
        activity = nil
    }

    /// A nested group.
    public init(group: [SegmentCondition], logicalOperator: LogicalOperator? = nil) {
        self.init(field: "", operator: nil, logicalOperator: logicalOperator)
        self.group = group
    }

    /// An activity rule.
    public init(activity: ActivityCondition, logicalOperator: LogicalOperator? = nil) {
        self.init(field: "", operator: nil, logicalOperator: logicalOperator)
        self.activity = activity
    }

    enum CodingKeys: String, CodingKey { case field, `operator`, value, logicalOperator, group, activity }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        field = try c.decodeIfPresent(String.self, forKey: .field) ?? ""
        `operator` = try c.decodeIfPresent(ConditionOperator.self, forKey: .operator)
        value = try c.decodeIfPresent(JSONValue.self, forKey: .value)
        logicalOperator = try c.decodeIfPresent(LogicalOperator.self, forKey: .logicalOperator)
        group = try c.decodeIfPresent([SegmentCondition].self, forKey: .group) ?? []
        activity = try c.decodeIfPresent(ActivityCondition.self, forKey: .activity)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if !field.isEmpty { try c.encode(field, forKey: .field) }
        try c.encodeIfPresent(`operator`, forKey: .operator)
        try c.encodeIfPresent(value, forKey: .value)
        try c.encodeIfPresent(logicalOperator, forKey: .logicalOperator)
        if !group.isEmpty { try c.encode(group, forKey: .group) }
        try c.encodeIfPresent(activity, forKey: .activity)
    }
}

/// "Performed `event` between `atLeast` and `atMost` times within the last `withinDays` days", or did not.
public struct ActivityCondition: Codable, Equatable, Sendable {
    public var event: String
    public var atLeast: Int64
    /// 0: no upper bound.
    public var atMost: Int64
    public var didNotPerform: Bool
    /// 0: all the activity kept.
    public var withinDays: Int64
    /// Leaf conditions over the event's properties (field: the property name).
    public var properties: [SegmentCondition]

    public init(
        event: String, atLeast: Int64 = 0, atMost: Int64 = 0, didNotPerform: Bool = false, withinDays: Int64 = 0,
        properties: [SegmentCondition] = []
    ) {
        self.event = event
        self.atLeast = atLeast
        self.atMost = atMost
        self.didNotPerform = didNotPerform
        self.withinDays = withinDays
        self.properties = properties
    }

    /// The counts that match: at least `lower`, at most `upper` (nil: unbounded).
    public var bounds: (lower: Int64, upper: Int64?) {
        if didNotPerform { return (0, 0) }
        return (atLeast == 0 && atMost == 0 ? 1 : atLeast, atMost == 0 ? nil : atMost)
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
    /// The members of a static segment, by Herald user id and by external id.
    public var userIDs: [UUID]
    public var externalIDs: [String]

    public init(
        name: String, description: String = "", type: SegmentType?, conditions: [SegmentCondition] = [],
        tags: [String] = [],
        userIDs: [UUID] = [], externalIDs: [String] = []
    ) {
        self.name = name
        self.description = description
        self.type = type
        self.conditions = conditions
        self.tags = tags
        self.userIDs = userIDs
        self.externalIDs = externalIDs
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
    /// Who created it, when the request said.
    public var createdBy: UUID?
    /// The segment a lookalike segment was modelled on, and how similar its members must be (0-1).
    public var sourceSegmentID: UUID?
    public var similarity: Double

    public init(
        id: UUID, name: String, description: String = "", type: SegmentType, conditions: [SegmentCondition] = [],
        size: Int64 = 0,
        lastUpdated: Date? = nil, performance: SegmentPerformance? = nil, tags: [String] = [], createdAt: Date,
        createdBy: UUID?,
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

/// Users in all of `segmentIDs` at once (for a pair, with their Jaccard index).
public struct SegmentOverlap: Equatable, Sendable {
    public var segmentIDs: [UUID]
    public var size: Int64
    public var jaccard: Double

    public init(segmentIDs: [UUID], size: Int64, jaccard: Double = 0) {
        self.segmentIDs = segmentIDs
        self.size = size
        self.jaccard = jaccard
    }
}

/// Users in exactly `segmentIDs` of the segments analysed, and in none of the others: one Venn region.
public struct SegmentRegion: Equatable, Sendable {
    public var segmentIDs: [UUID]
    public var size: Int64

    public init(segmentIDs: [UUID], size: Int64) {
        self.segmentIDs = segmentIDs
        self.size = size
    }
}

/// How a set of segments overlap: each one's size, the size of each intersection, of their union, and every
/// non-empty Venn region.
public struct SegmentOverlapAnalysis: Equatable, Sendable {
    public var sizes: [UUID: Int64]
    public var overlaps: [SegmentOverlap]
    public var unionSize: Int64
    public var regions: [SegmentRegion]

    public init(sizes: [UUID: Int64], overlaps: [SegmentOverlap], unionSize: Int64, regions: [SegmentRegion] = []) {
        self.sizes = sizes
        self.overlaps = overlaps
        self.unionSize = unionSize
        self.regions = regions
    }
}
