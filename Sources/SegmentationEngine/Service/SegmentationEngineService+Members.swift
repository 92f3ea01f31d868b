import Domain
import Foundation
import RPC
import ServiceKit

/// EvaluateUserSegments, GetSegmentMembers, StreamSegmentMembers, AnalyzeSegmentOverlap and CreateLookalikeSegment.
extension SegmentationEngineService {
    func registerMembers(in services: inout ServiceRegistry) {
        let api = SegmentationEngineAPI.self
        services.unary(api.evaluateUserSegments) { request, _ in SegmentIDs(try await store.segments(of: request.id)) }
        services.unary(api.getSegmentMembers) { request, _ in try await store.members(request) }
        services.serverStreaming(api.streamSegmentMembers) { request, responses, _ in
            _ = try await store.segment(request.id)
            try await store.streamMemberIDs(of: request.id, batch: request.batchSize) { ids in
                try await responses.send(MemberBatch(ids))
            }
        }
        services.unary(
            api.analyzeSegmentOverlap,
            validate: { request, issues in
                let max = SegmentationEngineAPI.maxOverlapSegments
                issues.check(
                    (2...max).contains(request.ids.count), "segment_ids",
                    "\(request.ids.count) segment ids; expected 2 to \(max)")
                issues.check(Set(request.ids).count == request.ids.count, "segment_ids", "a segment id repeats")
            }
        ) { request, _ in Only(try await store.overlap(request.ids)) }
        services.unary(api.createLookalikeSegment) { request, _ in
            try await LookalikeBuilder(store: store).create(request)
        }
    }
}
