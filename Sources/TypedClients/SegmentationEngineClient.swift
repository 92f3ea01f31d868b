import Domain
import Foundation
import ServiceClients

/// `herald.segments.v1.SegmentationEngine` for other services: domain values in and out, every call through a
/// `ServiceClient`. Errors are the call's `RPCError`.
public struct SegmentationEngineClient: Sendable {
    public var client: ServiceClient { calls.client }
    let calls: ServiceCalls

    public init(_ client: ServiceClient) {
        calls = ServiceCalls(client, package: "herald.segments.v1", service: "SegmentationEngine")
    }

    public func create(_ definition: SegmentDefinition, by user: UUID) async throws -> Segment {
        try await calls.unary("CreateSegment", returning: "segment") { b in
            b.set(1, definition)
            b.set(2, id: user)
        }
    }

    public func update(_ id: UUID, to definition: SegmentDefinition) async throws -> Segment {
        try await calls.unary("UpdateSegment", returning: "segment") { b in
            b.set(1, id: id)
            b.set(2, definition)
        }
    }

    public func get(_ id: UUID) async throws -> Segment {
        try await calls.unary("GetSegment", returning: "segment") { $0.set(1, id: id) }
    }

    /// Segments of one type (all when nil), `pageSize` at a time (the service's default when 0).
    public func list(type: SegmentType? = nil, pageSize: Int = 0, pageToken: String = "") async throws -> Page<Segment>
    {
        try await calls.list("ListSegments", items: "segments") { b in
            b.set(1, enum: type)
            b.set(2, pageSize: pageSize, token: pageToken)
        }
    }

    public func delete(_ id: UUID) async throws {
        try await calls.unary("DeleteSegment") { $0.set(1, id: id) }
    }

    /// The segments `user` belongs to now.
    public func segments(of user: UUID) async throws -> [UUID] {
        try await calls.unary("EvaluateUserSegments", { $0.set(1, id: user) }) { m in
            var issues = FieldIssues()
            let ids = issues.uuids(m.strings(1), at: "segment_ids")
            try issues.throwIfAny()
            return ids
        }
    }

    public func members(of segment: UUID, pageSize: Int = 0, pageToken: String = "") async throws -> Page<SegmentMember>
    {
        try await calls.list("GetSegmentMembers", items: "members") { b in
            b.set(1, id: segment)
            b.set(2, pageSize: pageSize, token: pageToken)
        }
    }

    /// A segment of users like those of `source`, `similarity` 0-1 (higher: fewer, closer users).
    public func createLookalike(of source: UUID, similarity: Double, name: String, by user: UUID) async throws
        -> Segment
    {
        try await calls.unary("CreateLookalikeSegment", returning: "segment") { b in
            b.set(1, id: source)
            b.set(2, similarity)
            b.set(3, name)
            b.set(4, id: user)
        }
    }

    public func overlap(of segments: [UUID]) async throws -> SegmentOverlapAnalysis {
        try await calls.unary("AnalyzeSegmentOverlap", returning: "analysis") { $0.set(1, ids: segments) }
    }
}
