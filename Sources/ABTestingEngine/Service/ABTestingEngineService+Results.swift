import Domain
import Foundation
import RPC
import ServiceKit

/// AnalyzeTestResults, WatchTestResults, SelectWinner and OptimizeCampaign.
extension ABTestingEngineService {
    func registerResults(in services: inout ServiceRegistry) {
        let api = ABTestingEngineAPI.self
        services.unary(api.analyzeTestResults) { request, _ in Only(try await analysis(request.id)) }
        services.watch(
            api.watchTestResults, hub: hub, channel: TestStore.resultsChannel, key: { $0.id.lowercased }
        ) { request in Only(try await analysis(request.id)) }
        services.unary(api.selectWinner) { request, context in
            let stored = try await store.test(request.testID)
            let analysis = analyzer.analyze(stored, try await store.totals(request.testID))
            let (winner, reason) = try Self.winner(request, stored.test, analysis)
            let decided = try await store.decide(
                request.testID, winner: winner, reason: reason, by: context.actor, analysis: analysis)
            guard let variant = decided.test.variants.first(where: { $0.id == winner }) else {
                throw ServiceError(.internal, "winner \(winner) vanished from test \(request.testID.lowercased)")
            }
            return Only(variant)
        }
        services.unary(api.optimizeCampaign) { request, _ in
            Many(Optimizer.recommendations(try await store.decided(campaign: request.id)))
        }
    }

    /// The variant SelectWinner would select, or FAILED_PRECONDITION saying why not (unless forced).
    static func winner(_ request: SelectWinnerRequest, _ test: ABTest, _ analysis: TestAnalysis) throws -> (
        String, TestStore.DecisionReason
    ) {
        let significance = analysis.significance ?? StatisticalSignificance(engine: nil)
        if !request.variantID.isEmpty, !test.variants.contains(where: { $0.id == request.variantID }) {
            throw ValidationError(
                "variant_id",
                "no variant \"\(request.variantID.prefix(64))\" in the test; expected one of "
                    + test.variants.map(\.id).joined(separator: ", "))
        }
        if significance.significant, request.variantID.isEmpty || request.variantID == significance.leadingVariant {
            return (significance.leadingVariant, .significant)
        }
        guard request.force else {
            let why =
                significance.sampleRatioMismatch
                ? String(format: "the sample-ratio check failed (p = %.2g)", significance.srmPValue)
                : significance.significant
                    ? "\(request.variantID) is not the significant winner (\(significance.leadingVariant) is)"
                    : "no variant is significantly better yet: \(analysis.recommendation)"
            throw ServiceError.failedPrecondition("cannot select a winner: \(why); pass force to select anyway")
        }
        if !request.variantID.isEmpty { return (request.variantID, .forced) }
        let best = analysis.results?.variants.max { $0.mean < $1.mean }?.variantID
        return (best ?? test.variants[0].id, .forced)
    }
}
