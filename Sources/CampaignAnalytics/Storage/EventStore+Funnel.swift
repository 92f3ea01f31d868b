import Domain
import Foundation
import Postgres

/// AnalyzeFunnel: per user, each step counts when it follows the step before within the conversion window.
extension EventStore {
    static let funnelSteps: [EventType] = [.sent, .delivered, .opened, .clicked, .converted]

    /// Users of `campaign` who reached each step of sent → delivered → opened → clicked → converted in order, each
    /// step at or after the previous one's first time and within `window` of the user's first send.
    func funnel(_ campaign: UUID, in range: TimeRange?, window: Duration) async throws -> FunnelAnalysis {
        let firsts = Self.funnelSteps.map {
            "min(timestamp) FILTER (WHERE event_type = '\($0.rawValue)') AS \($0.rawValue)"
        }.joined(separator: ", ")
        // One group per user: a million users' first times fit in memory with room (the default work_mem would send
        // the aggregation to disk).
        let result = try await pool.withTransaction { db in
            try await db.query("SET LOCAL work_mem = '256MB'")
            return try await db.query(
                """
                WITH per_user AS (
                    SELECT \(firsts) FROM analytics.campaign_events
                    WHERE campaign_id = $1 AND timestamp >= $2 AND timestamp < $3 GROUP BY user_id),
                steps AS (
                    SELECT sent IS NOT NULL AS s1,
                        delivered >= sent AND delivered <= sent + $4 * interval '1 second' AS s2,
                        opened >= delivered AND opened <= sent + $4 * interval '1 second' AS s3,
                        clicked >= opened AND clicked <= sent + $4 * interval '1 second' AS s4,
                        converted >= clicked AND converted <= sent + $4 * interval '1 second' AS s5
                    FROM per_user)
                SELECT count(*) FILTER (WHERE s1)::int8 AS s1,
                    count(*) FILTER (WHERE s1 AND s2)::int8 AS s2,
                    count(*) FILTER (WHERE s1 AND s2 AND s3)::int8 AS s3,
                    count(*) FILTER (WHERE s1 AND s2 AND s3 AND s4)::int8 AS s4,
                    count(*) FILTER (WHERE s1 AND s2 AND s3 AND s4 AND s5)::int8 AS s5
                FROM steps
                """,
                [campaign, range?.start ?? Date.distantPast, range?.end ?? Date.distantFuture, window.seconds])
        }
        let counts = try (1...5).map { try result[0].decode("s\($0)", as: Int64.self) }
        let stages = Self.funnelSteps.enumerated().map { i, type in
            FunnelStage(
                eventType: type, users: counts[i],
                conversionFromPrevious: i == 0 ? 1 : counts[i - 1] == 0 ? 0 : Double(counts[i]) / Double(counts[i - 1]),
                conversionFromStart: counts[0] == 0 ? 0 : Double(counts[i]) / Double(counts[0]))
        }
        return FunnelAnalysis(campaignID: campaign, stages: stages)
    }
}
