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
            // Read in large pages (one query per 100,000 ids at least), sent in the batches asked for.
            let page = max(request.batchSize, 100_000 / request.batchSize * request.batchSize)
            var after: UUID?
            while true {
                let ids = try await store.memberIDs(of: request.id, after: after, limit: page)
                var start = 0
                while start < ids.count {
                    let end = min(start + request.batchSize, ids.count)
                    try await responses.send(MemberBatch(Array(ids[start..<end])))
                    start = end
                }
                guard ids.count == page else { return }
                after = ids.last
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
