import Domain
import Foundation
import Logging
import Statistics

/// The background side of winners: for each running test that needs it, select the winner its policy calls for
/// (significant after the minimum participants and hours; the fallback at the deadline), end tests past their
/// end date, and recompute bandit tests' weights by Thompson sampling (each variant's probability of being best,
/// with a floor so that no arm starves).
struct Promotion: Sendable {
    let store: TestStore
    let analyzer: TestAnalyzer
    /// How often a bandit test's weights are recomputed.
    static let banditInterval: TimeInterval = 600
    /// No arm of a bandit gets less than this share of its equal share.
    static let banditFloor = 0.1
    let logger = Logger(label: "herald.ab-testing-engine.promotion")

    func step() async throws -> Bool {
        for (stored, reweightedAt) in try await store.due(banditInterval: Self.banditInterval) {
            do {
                try await evaluate(stored, reweightedAt: reweightedAt, now: Date())
            } catch {
                logger.error(
                    "evaluating a test failed", metadata: ["test": "\(stored.test.id)", "error": "\(error)"])
            }
        }
        return false
    }

    func evaluate(_ stored: StoredTest, reweightedAt: Date?, now: Date) async throws {
        let test = stored.test
        let analysis = analyzer.analyze(stored, try await store.totals(test.id))
        let significance = analysis.significance ?? StatisticalSignificance(engine: nil)
        let hours = now.timeIntervalSince(test.startDate ?? test.createdAt) / 3600
        let participants = analysis.results?.variants.map(\.participants) ?? []
        if let policy = test.winnerPolicy, policy.automatic {
            if significance.significant, (participants.min() ?? 0) >= policy.minParticipantsPerVariant,
                hours >= policy.evaluateAfterHours
            {
                try await decide(stored, significance.leadingVariant, .significant, analysis)
                return
            }
            if policy.deadlineHours > 0, hours >= policy.deadlineHours {
                try await fallback(stored, policy, analysis)
                return
            }
        }
        if let end = test.endDate, end <= now {
            if let policy = test.winnerPolicy, policy.automatic {
                try await fallback(stored, policy, analysis)
            } else {
                try await decide(stored, "", .stopped, analysis)
            }
            return
        }
        if test.trafficAllocation?.bandit == true,
            reweightedAt.map({ now.timeIntervalSince($0) >= Self.banditInterval }) ?? true
        {
            let best = analysis.results?.variants.map(\.probabilityToBeBest) ?? []
            guard best.count == test.variants.count, best.allSatisfy(\.isFinite) else { return }
            _ = try await store.reweight(test.id, weights: Self.banditWeights(best), bandit: true)
        }
    }

    /// Thompson sampling's allocation: each arm's probability of being best, after every arm gets its floor
    /// (`banditFloor` of an equal share), in percent.
    static func banditWeights(_ best: [Double]) -> [Double] {
        let floor = banditFloor / Double(best.count)
        let total = best.reduce(0, +)
        return best.map { (floor + (1 - banditFloor) * $0 / total) * 100 }
    }

    func fallback(_ stored: StoredTest, _ policy: WinnerPolicy, _ analysis: TestAnalysis) async throws {
        if policy.fallback == .control {
            try await decide(stored, stored.test.variants[stored.controlIndex].id, .deadlineControl, analysis)
        } else {
            let best = analysis.results?.variants.max { $0.mean < $1.mean }?.variantID
            try await decide(stored, best ?? stored.test.variants[stored.controlIndex].id, .deadlineBest, analysis)
        }
    }

    func decide(_ stored: StoredTest, _ winner: String, _ reason: TestStore.DecisionReason, _ analysis: TestAnalysis)
        async throws
    {
        _ = try await store.decide(stored.test.id, winner: winner, reason: reason, by: "policy", analysis: analysis)
        logger.info(
            "test decided",
            metadata: ["test": "\(stored.test.id)", "winner": "\(winner)", "reason": "\(reason.rawValue)"])
    }
}

extension TestStore {
    /// Running tests the promotion must look at: automatic policies, tests past their end date, bandits due.
    func due(banditInterval: TimeInterval) async throws -> [(StoredTest, reweightedAt: Date?)] {
        let result = try await pool.query(
            """
            SELECT \(Self.columns), t.reweighted_at FROM experiments.ab_tests t
            WHERE t.status = 'running' AND (
                (t.winner_policy->>'automatic')::boolean
                OR t.end_date <= now()
                OR ((t.traffic_allocation->>'bandit')::boolean
                    AND (t.reweighted_at IS NULL OR t.reweighted_at <= now() - make_interval(secs => $1))))
            ORDER BY t.id LIMIT 500
            """, [banditInterval])
        return try result.map { (try Self.stored($0), try $0.decode("reweighted_at")) }
    }
}
