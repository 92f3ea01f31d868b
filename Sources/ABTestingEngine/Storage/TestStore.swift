import Domain
import Foundation
import HeraldCore
import Postgres
import ServiceKit

/// A stored test and what assigning needs beside it: which variant owns which buckets.
struct StoredTest: Sendable {
    var test: ABTest
    var ranges: BucketRanges
    var updatedAt: Date

    var controlIndex: Int { test.variants.firstIndex(where: \.isControl) ?? 0 }
    var winnerIndex: Int? { test.winner.isEmpty ? nil : test.variants.firstIndex { $0.id == test.winner } }
}

/// `experiments.ab_tests`: tests and their lifecycle. Exposures, conversions, totals and decisions are in the
/// `TestStore+…` extensions.
struct TestStore: Sendable {
    let pool: PostgresPool
    /// NOTIFY channel of a test's results or state changing; the payload is the test id.
    static let resultsChannel = "experiment_results"

    static let columns = """
        t.id, t.campaign_id, t.name, coalesce(t.description, '') AS description, t.type::text AS type, t.variants,
        t.traffic_allocation, t.success_metrics, t.status::text AS status, t.start_date, t.end_date, t.results,
        t.statistical_significance, coalesce(t.winner, '') AS winner, coalesce(t.confidence, 0)::float8 AS confidence,
        t.created_at, t.engine, t.winner_policy, t.factors, t.bucket_ranges, t.updated_at
        """

    static func stored(_ row: PostgresRow) throws -> StoredTest {
        let test = ABTest(
            id: try row.decode("id"), campaignID: try row.decode("campaign_id"), name: try row.decode("name"),
            description: try row.decode("description"), type: try row.enumeration("type"),
            variants: try row.json("variants", as: [TestVariant].self) ?? [],
            trafficAllocation: try row.json("traffic_allocation", as: TrafficAllocation.self),
            successMetrics: try row.json("success_metrics", as: [SuccessMetric].self) ?? [],
            status: try row.enumeration("status"), startDate: try row.decode("start_date"),
            endDate: try row.decode("end_date"), results: try row.json("results", as: TestResults.self),
            statisticalSignificance: try row.json("statistical_significance", as: StatisticalSignificance.self),
            winner: try row.decode("winner"), confidence: try row.decode("confidence"),
            createdAt: try row.decode("created_at"), engine: try row.enumeration("engine"),
            winnerPolicy: try row.json("winner_policy", as: WinnerPolicy.self),
            factors: try row.json("factors", as: [Factor].self) ?? [])
        return StoredTest(
            test: test, ranges: try row.json("bucket_ranges", as: BucketRanges.self) ?? BucketRanges(ranges: []),
            updatedAt: try row.decode("updated_at"))
    }

    /// Stores a validated definition as a DRAFT; an unknown campaign is INVALID_ARGUMENT at `test.campaign_id`.
    func create(_ d: ABTestDefinition, engine: StatisticalEngine) async throws -> StoredTest {
        let id = UUID.timeOrdered()
        var traffic = d.trafficAllocation ?? TrafficAllocation(percentage: 100)
        if traffic.seed.isEmpty { traffic.seed = id.lowercased }
        let ranges = BucketRanges(weights: d.variants.map(\.allocation))
        return try await ConstraintPaths.translating(
            { error in
                error.sqlState == "23503" && error.constraint == "fk_ab_tests_campaign"
                    ? ("test.campaign_id", "no campaign \(d.campaignID.lowercased)") : nil
            }
        ) {
            let result = try await pool.query(
                """
                INSERT INTO experiments.ab_tests AS t (id, campaign_id, name, description, type, variants,
                    traffic_allocation, success_metrics, start_date, end_date, engine, winner_policy, factors,
                    bucket_ranges)
                VALUES ($1, $2, $3, $4, $5::experiments.test_type, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                RETURNING \(Self.columns)
                """,
                [
                    id, d.campaignID, d.name, d.description, (d.type ?? .content).rawValue,
                    try PostgresJSON(encoding: d.variants), try PostgresJSON(encoding: traffic),
                    try PostgresJSON(encoding: d.successMetrics), d.startDate, d.endDate, engine.rawValue,
                    try d.winnerPolicy.map { try PostgresJSON(encoding: $0) }, try PostgresJSON(encoding: d.factors),
                    try PostgresJSON(encoding: ranges),
                ])
            return try Self.stored(result[0])
        }
    }

    func test(_ id: UUID) async throws -> StoredTest {
        let result = try await pool.query("SELECT \(Self.columns) FROM experiments.ab_tests t WHERE t.id = $1", [id])
        guard let row = result.first else { throw ServiceError.notFound("no test \(id.lowercased)") }
        return try Self.stored(row)
    }

    /// Reads a test and locks it: `update` for changes of its state, share for assignments (which must not
    /// interleave with a state change, so that nothing is exposed once a test is completed).
    static func lock(_ db: PostgresConnection, _ id: UUID, update: Bool) async throws -> StoredTest {
        let result = try await db.query(
            "SELECT \(columns) FROM experiments.ab_tests t WHERE t.id = $1 FOR \(update ? "UPDATE" : "SHARE")", [id])
        guard let row = result.first else { throw ServiceError.notFound("no test \(id.lowercased)") }
        return try stored(row)
    }

    /// Newest first, one campaign's or all, one status or all.
    func list(_ request: ListTestsRequest) async throws -> Page<ABTest> {
        var conditions = QueryConditions()
        if let campaign = request.campaignID { conditions.add(campaign) { "t.campaign_id = \($0)" } }
        if let status = request.status {
            conditions.add(status.rawValue) { "t.status = \($0)::experiments.test_status" }
        }
        conditions.after(request.page.cursor, createdAt: "t.created_at", id: "t.id")
        let limit = conditions.limit(request.page)
        let result = try await pool.query(
            """
            SELECT \(Self.columns) FROM experiments.ab_tests t \(conditions.whereClause)
            ORDER BY t.created_at DESC, t.id DESC \(limit)
            """, conditions.parameters)
        let tests = try result.map { try Self.stored($0).test }
        return Page(items: tests, size: request.page.size) { PageCursor(createdAt: $0.createdAt, id: $0.id) }
    }

    /// Moves a test to `status` if it is in one of `from` (FAILED_PRECONDITION naming both otherwise); starting
    /// stamps the start date, completing the end date.
    func transition(_ id: UUID, to status: TestStatus, from: Set<TestStatus>) async throws -> StoredTest {
        try await pool.withTransaction { db in
            let current = try await Self.lock(db, id, update: true)
            guard from.contains(current.test.status) else {
                throw ServiceError.failedPrecondition(
                    "test \(id.lowercased) is \(current.test.status.rawValue); only a test that is "
                        + from.map(\.rawValue).sorted().joined(separator: " or ") + " can become \(status.rawValue)")
            }
            let result = try await db.query(
                """
                UPDATE experiments.ab_tests t SET status = $2::experiments.test_status, updated_at = now(),
                    start_date = CASE WHEN $2 = 'running' THEN coalesce(t.start_date, now()) ELSE t.start_date END,
                    end_date = CASE WHEN $2 = 'completed' THEN now() ELSE t.end_date END
                WHERE t.id = $1 RETURNING \(Self.columns)
                """, [id, status.rawValue])
            try await Self.notify(db, id)
            return try Self.stored(result[0])
        }
    }

    /// New traffic weights (by variant index): the buckets re-split with the fewest changing hands.
    func reweight(_ id: UUID, weights: [Double], bandit: Bool = false) async throws -> StoredTest {
        try await pool.withTransaction { db in
            let current = try await Self.lock(db, id, update: true)
            guard current.test.status == .running || current.test.status == .paused || current.test.status == .draft
            else {
                throw ServiceError.failedPrecondition(
                    "test \(id.lowercased) is \(current.test.status.rawValue); its traffic can no longer change")
            }
            var variants = current.test.variants
            let total = weights.reduce(0, +)
            for i in variants.indices { variants[i].allocation = weights[i] / total * 100 }
            let ranges = current.ranges.rebalanced(to: weights)
            let result = try await db.query(
                """
                UPDATE experiments.ab_tests t SET variants = $2, bucket_ranges = $3, updated_at = now(),
                    reweighted_at = CASE WHEN $4 THEN now() ELSE t.reweighted_at END
                WHERE t.id = $1 RETURNING \(Self.columns)
                """, [id, try PostgresJSON(encoding: variants), try PostgresJSON(encoding: ranges), bandit])
            try await Self.notify(db, id)
            return try Self.stored(result[0])
        }
    }

    static func notify(_ db: PostgresConnection, _ id: UUID) async throws {
        try await db.query("SELECT pg_notify('\(resultsChannel)', $1)", [id.lowercased])
    }
}
