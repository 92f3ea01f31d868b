import Domain
import Foundation
import Postgres

/// Winners (`experiments.decisions`): the test completed with its winner, and the decision with the analysis it
/// rests on and who made it, in one transaction.
extension TestStore {
    /// Why a winner was selected, as the decision row records it.
    enum DecisionReason: String {
        case significant, forced
        case deadlineBest = "deadline-best"
        case deadlineControl = "deadline-control"
        case stopped
    }

    /// Completes `testID` with `winner` (empty when stopped without one), provided it is still running or paused.
    func decide(
        _ testID: UUID, winner: String, reason: DecisionReason, by actor: String, analysis: TestAnalysis
    ) async throws -> StoredTest {
        try await pool.withTransaction { db in
            let current = try await Self.lock(db, testID, update: true)
            guard current.test.status == .running || current.test.status == .paused else {
                throw ServiceError.failedPrecondition(
                    "test \(testID.lowercased) is \(current.test.status.rawValue)"
                        + (current.test.winner.isEmpty ? "" : " with winner \(current.test.winner)")
                        + "; only a running or paused test can be decided")
            }
            let confidence = min(max(analysis.results?.confidence ?? 0, 0), 0.9999)
            let result = try await db.query(
                """
                UPDATE experiments.ab_tests t SET status = 'completed', winner = nullif($2, ''), confidence = $3,
                    results = $4, statistical_significance = $5, end_date = now(), updated_at = now()
                WHERE t.id = $1 RETURNING \(Self.columns)
                """,
                [
                    testID, winner, confidence, try analysis.results.map { try PostgresJSON(encoding: $0) },
                    try analysis.significance.map { try PostgresJSON(encoding: $0) },
                ])
            try await db.query(
                """
                INSERT INTO experiments.decisions (test_id, winner, reason, decided_by, analysis)
                VALUES ($1, $2, $3, $4, $5)
                """,
                [testID, winner, reason.rawValue, actor, try PostgresJSON(encoding: AnalysisRecord(analysis))])
            try await Self.notify(db, testID)
            return try Self.stored(result[0])
        }
    }

    /// Completed tests of a campaign (all campaigns' when nil) with their stored results, newest first.
    func decided(campaign: UUID?) async throws -> [(ABTest, reason: String)] {
        let result = try await pool.query(
            """
            SELECT \(Self.columns), coalesce(d.reason, '') AS reason FROM experiments.ab_tests t
            LEFT JOIN LATERAL (SELECT reason FROM experiments.decisions WHERE test_id = t.id
                ORDER BY decided_at DESC LIMIT 1) d ON true
            WHERE t.status = 'completed' AND ($1::uuid IS NULL OR t.campaign_id = $1)
            ORDER BY t.end_date DESC NULLS LAST LIMIT 200
            """, [campaign])
        return try result.map { (try Self.stored($0).test, try $0.decode("reason")) }
    }
}

/// The analysis as a decision row stores it.
struct AnalysisRecord: Encodable {
    let results: TestResults?
    let significance: StatisticalSignificance?
    let recommendation: String

    init(_ a: TestAnalysis) {
        results = a.results
        significance = a.significance
        recommendation = a.recommendation
    }
}
