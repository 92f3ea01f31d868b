import Domain
import Foundation
import ServiceClients

/// `herald.segments.v1.SegmentationEngine` for other services: domain values in and out through
/// `SegmentationEngineAPI`'s mappers, every call through a `ServiceClient`. Errors are the call's `RPCError`.
public struct SegmentationEngineClient: Sendable {
    public var client: ServiceClient { calls.client }
    let calls: ServiceCalls
    private typealias API = SegmentationEngineAPI

    public init(_ client: ServiceClient) {
        calls = ServiceCalls(client, package: "herald.segments.v1", service: "SegmentationEngine")
    }

    public func create(_ definition: SegmentDefinition, by user: UUID? = nil) async throws -> Segment {
        try await calls.call(API.createSegment, CreateSegmentRequest(definition, createdBy: user)).value
    }

    public func update(_ id: UUID, to definition: SegmentDefinition) async throws -> Segment {
        try await calls.call(API.updateSegment, UpdateSegmentRequest(id, definition)).value
    }

    public func get(_ id: UUID) async throws -> Segment {
        try await calls.call(API.getSegment, GetSegmentRequest(id)).segment
    }

    /// The segment and PostgreSQL's plan (EXPLAIN) of its compiled statement.
    public func explain(_ id: UUID) async throws -> SegmentWithPlan {
        try await calls.call(API.getSegment, GetSegmentRequest(id, explain: true))
    }

    /// Segments of one type (all when nil), newest first.
    public func list(type: SegmentType? = nil, page: PageRequest = PageRequest()) async throws -> Page<Segment> {
        try await calls.call(API.listSegments, ListSegmentsRequest(type: type, page: page))
    }

    public func delete(_ id: UUID) async throws { _ = try await calls.call(API.deleteSegment, ByID(id)) }

    /// The segments `user` belongs to now.
    public func segments(of user: UUID) async throws -> [UUID] {
        try await calls.call(API.evaluateUserSegments, ByID(user)).ids
    }

    public func members(of segment: UUID, page: PageRequest = PageRequest()) async throws -> Page<SegmentMember> {
        try await calls.call(API.getSegmentMembers, GetSegmentMembersRequest(segment, page: page))
    }

    /// Every member id, `batchSize` a message, ascending.
    public func streamMembers(of segment: UUID, batchSize: Int = 0, timeout: Duration? = nil) throws
        -> AsyncThrowingStream<MemberBatch, any Error>
    {
        try calls.watch(
            API.streamSegmentMembers, StreamSegmentMembersRequest(segment, batchSize: batchSize), timeout: timeout)
    }

    /// A definition's size and `sampleSize` of its members, nothing saved.
    public func preview(_ definition: SegmentDefinition, sampleSize: Int = 0) async throws -> SegmentPreview {
        try await calls.call(API.previewSegment, PreviewSegmentRequest(definition, sampleSize: sampleSize))
    }

    /// Evaluates a segment against every user now.
    public func refresh(_ id: UUID) async throws -> SegmentRefresh {
        try await calls.call(API.refreshSegment, ByID(id))
    }

    /// A segment of users like those of `source`, `similarity` 0-1 (higher: fewer, closer users), with its
    /// model's held-out AUC.
    public func createLookalike(of source: UUID, similarity: Double, name: String, by user: UUID? = nil) async throws
        -> LookalikeResult
    {
        try await calls.call(
            API.createLookalikeSegment,
            CreateLookalikeSegmentRequest(sourceID: source, similarity: similarity, name: name, createdBy: user))
    }

    public func overlap(of segments: [UUID]) async throws -> SegmentOverlapAnalysis {
        try await calls.call(API.analyzeSegmentOverlap, SegmentIDs(segments)).value
    }
}
