import Codec
import Foundation
import HeraldCore

/// `herald.segments.v1.SegmentationEngine`: each method with its request and response types, shared by the
/// segmentation-engine and `SegmentationEngineClient`.
public enum SegmentationEngineAPI {
    public static let service = "herald.segments.v1.SegmentationEngine"

    public static let createSegment = RPCMethod<CreateSegmentRequest, Only<Segment>>(service, "CreateSegment")
    public static let updateSegment = RPCMethod<UpdateSegmentRequest, Only<Segment>>(service, "UpdateSegment")
    public static let getSegment = RPCMethod<GetSegmentRequest, SegmentWithPlan>(service, "GetSegment")
    public static let listSegments = RPCMethod<ListSegmentsRequest, Page<Segment>>(service, "ListSegments")
    public static let deleteSegment = RPCMethod<ByID, NoContent>(service, "DeleteSegment")
    public static let evaluateUserSegments = RPCMethod<ByID, SegmentIDs>(service, "EvaluateUserSegments")
    public static let getSegmentMembers = RPCMethod<GetSegmentMembersRequest, Page<SegmentMember>>(
        service, "GetSegmentMembers")
    public static let createLookalikeSegment = RPCMethod<CreateLookalikeSegmentRequest, LookalikeResult>(
        service, "CreateLookalikeSegment")
    public static let analyzeSegmentOverlap = RPCMethod<SegmentIDs, Only<SegmentOverlapAnalysis>>(
        service, "AnalyzeSegmentOverlap")
    public static let previewSegment = RPCMethod<PreviewSegmentRequest, SegmentPreview>(service, "PreviewSegment")
    public static let streamSegmentMembers = RPCMethod<StreamSegmentMembersRequest, MemberBatch>(
        service, "StreamSegmentMembers")
    public static let refreshSegment = RPCMethod<ByID, SegmentRefresh>(service, "RefreshSegment")

    /// Most segments AnalyzeSegmentOverlap takes (2⁸ − 1 Venn regions).
    public static let maxOverlapSegments = 8
    /// Most members of a static segment given in one definition.
    public static let maxStaticMembers = 100_000
}

/// CreateSegmentRequest.
public struct CreateSegmentRequest: WireMapped, Sendable, Equatable {
    public var definition: SegmentDefinition
    public var createdBy: UUID?

    public init(_ definition: SegmentDefinition, createdBy: UUID?) {
        self.definition = definition
        self.createdBy = createdBy
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        definition = m.requiredMessage(1, at: path.field("segment"), &issues)
        createdBy = issues.optionalUUID(m.string(2), at: path.field("created_by"))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, definition)
        b.set(2, id: createdBy)
    }
}

/// UpdateSegmentRequest: the new definition, replacing the old one whole.
public struct UpdateSegmentRequest: WireMapped, Sendable, Equatable {
    public var id: UUID
    public var definition: SegmentDefinition

    public init(_ id: UUID, _ definition: SegmentDefinition) {
        self.id = id
        self.definition = definition
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        id = issues.requiredUUID(m.string(1), at: path.field("segment_id"))
        definition = m.requiredMessage(2, at: path.field("segment"), &issues)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: id)
        b.set(2, definition)
    }
}

/// GetSegmentRequest.
public struct GetSegmentRequest: WireMapped, Sendable, Equatable {
    public var id: UUID
    public var explain: Bool

    public init(_ id: UUID, explain: Bool = false) {
        self.id = id
        self.explain = explain
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        id = issues.requiredUUID(m.string(1), at: path.field("segment_id"))
        explain = m.bool(2)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: id)
        b.set(2, explain)
    }
}

/// GetSegmentResponse: the segment and, when asked, PostgreSQL's plan of its compiled statement.
public struct SegmentWithPlan: WireMapped, Sendable, Equatable {
    public var segment: Segment
    public var queryPlan: String

    public init(_ segment: Segment, queryPlan: String = "") {
        self.segment = segment
        self.queryPlan = queryPlan
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        segment = m.requiredMessage(1, at: path.field("segment"), &issues)
        queryPlan = m.string(2)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, segment)
        b.set(2, queryPlan)
    }
}

/// ListSegmentsRequest.
public struct ListSegmentsRequest: WireMapped, Sendable, Equatable {
    public var type: SegmentType?
    public var page: PageRequest

    public init(type: SegmentType? = nil, page: PageRequest = PageRequest()) {
        self.type = type
        self.page = page
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        type = SegmentType.read(m.enumValue(1), path.field("type"), &issues, required: false)
        page = PageRequest(wire: m.message(2), at: path.field("page"), &issues)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, enum: type)
        b.set(2, page)
    }
}

/// Segment ids in repeated field 1 (EvaluateUserSegmentsResponse, AnalyzeSegmentOverlapRequest).
public struct SegmentIDs: WireMapped, Sendable, Equatable {
    public var ids: [UUID]

    public init(_ ids: [UUID]) { self.ids = ids }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        ids = issues.uuids(m.strings(1), at: path.field("segment_ids"))
    }

    public func write(to b: MessageBuilder) { b.set(1, ids: ids) }
}

/// GetSegmentMembersRequest.
public struct GetSegmentMembersRequest: WireMapped, Sendable, Equatable {
    public var id: UUID
    public var page: PageRequest

    public init(_ id: UUID, page: PageRequest = PageRequest()) {
        self.id = id
        self.page = page
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        id = issues.requiredUUID(m.string(1), at: path.field("segment_id"))
        page = PageRequest(wire: m.message(2), at: path.field("page"), &issues)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: id)
        b.set(2, page)
    }
}

/// CreateLookalikeSegmentRequest.
public struct CreateLookalikeSegmentRequest: WireMapped, Sendable, Equatable {
    public var sourceID: UUID
    public var similarity: Double
    public var name: String
    public var createdBy: UUID?

    public init(sourceID: UUID, similarity: Double, name: String, createdBy: UUID?) {
        self.sourceID = sourceID
        self.similarity = similarity
        self.name = name
        self.createdBy = createdBy
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        sourceID = issues.requiredUUID(m.string(1), at: path.field("source_segment_id"))
        similarity = m.double(2)
        name = m.string(3)
        createdBy = issues.optionalUUID(m.string(4), at: path.field("created_by"))
        issues.check(
            similarity.isFinite && similarity >= 0 && similarity <= 1, path.field("similarity"),
            "must be between 0 and 1")
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: sourceID)
        b.set(2, similarity)
        b.set(3, name)
        b.set(4, id: createdBy)
    }
}

/// CreateLookalikeSegmentResponse: the segment and how well its model tells source members from other users.
public struct LookalikeResult: WireMapped, Sendable, Equatable {
    public var segment: Segment
    /// Held-out area under the ROC curve.
    public var auc: Double
    public var model: String

    public init(_ segment: Segment, auc: Double, model: String) {
        self.segment = segment
        self.auc = auc
        self.model = model
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        segment = m.requiredMessage(1, at: path.field("segment"), &issues)
        auc = m.double(2)
        model = m.string(3)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, segment)
        b.set(2, auc)
        b.set(3, model)
    }
}

/// PreviewSegmentRequest.
public struct PreviewSegmentRequest: WireMapped, Sendable, Equatable {
    public var definition: SegmentDefinition
    public var sampleSize: Int

    public init(_ definition: SegmentDefinition, sampleSize: Int = 0) {
        self.definition = definition
        self.sampleSize = sampleSize
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        definition = m.requiredMessage(1, at: path.field("segment"), &issues)
        sampleSize = Int(m.int32(2))
        issues.check(sampleSize >= 0 && sampleSize <= 100, path.field("sample_size"), "must be 0 to 100")
        if sampleSize == 0 { sampleSize = 10 }
    }

    public func write(to b: MessageBuilder) {
        b.set(1, definition)
        b.set(2, Int32(sampleSize))
    }
}

/// PreviewSegmentResponse.
public struct SegmentPreview: WireMapped, Sendable, Equatable {
    public var size: Int64
    public var sample: [UUID]

    public init(size: Int64, sample: [UUID]) {
        self.size = size
        self.sample = sample
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        size = m.int64(1)
        sample = issues.uuids(m.strings(2), at: path.field("sample_user_ids"))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, size)
        b.set(2, ids: sample)
    }
}

/// StreamSegmentMembersRequest.
public struct StreamSegmentMembersRequest: WireMapped, Sendable, Equatable {
    public var id: UUID
    public var batchSize: Int

    public init(_ id: UUID, batchSize: Int = 0) {
        self.id = id
        self.batchSize = batchSize
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        id = issues.requiredUUID(m.string(1), at: path.field("segment_id"))
        batchSize = Int(m.int32(2))
        issues.check(batchSize >= 0 && batchSize <= 100_000, path.field("batch_size"), "must be 0 to 100,000")
        if batchSize == 0 { batchSize = 10_000 }
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: id)
        b.set(2, Int32(batchSize))
    }
}

/// StreamSegmentMembersResponse: member ids, ascending across the stream.
public struct MemberBatch: WireMapped, Sendable, Equatable {
    public var userIDs: [UUID]

    public init(_ userIDs: [UUID]) { self.userIDs = userIDs }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        userIDs = issues.uuids(m.strings(1), at: path.field("user_ids"))
    }

    public func write(to b: MessageBuilder) { b.set(1, ids: userIDs) }
}

/// RefreshSegmentResponse.
public struct SegmentRefresh: WireMapped, Sendable, Equatable {
    public var segment: Segment
    public var entered: Int64
    public var left: Int64

    public init(_ segment: Segment, entered: Int64, left: Int64) {
        self.segment = segment
        self.entered = entered
        self.left = left
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        segment = m.requiredMessage(1, at: path.field("segment"), &issues)
        entered = m.int64(2)
        left = m.int64(3)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, segment)
        b.set(2, entered)
        b.set(3, left)
    }
}
