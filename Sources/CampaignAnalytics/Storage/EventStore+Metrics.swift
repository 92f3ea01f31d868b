import Domain
import Foundation
import Postgres

/// Counts read back: a campaign's metrics from the rollups plus the deltas not folded into them yet.
extension EventStore {
    /// The columns every count query sums, in the order `counts(_:)` reads them.
    static let countColumns = [
        "sent", "delivered", "bounced", "opened", "unique_opened", "clicked", "unique_clicked", "converted",
        "unsubscribed", "revenue",
    ]

    /// The campaign's counts by channel, for the whole hours that `range` touches (all time when nil).
    func countsByChannel(_ campaign: UUID, in range: TimeRange?) async throws -> [String: CampaignMetrics] {
        let sums = Self.countColumns.map { "sum(\($0))::float8 AS \($0)" }.joined(separator: ", ")
        let columns = Self.countColumns.joined(separator: ", ")
        let result = try await pool.query(
            """
            SELECT channel::text AS channel, \(sums) FROM (
                SELECT channel, \(columns) FROM analytics.rollups
                WHERE campaign_id = $1 AND hour >= date_trunc('hour', $2::timestamptz) AND hour < $3
                UNION ALL
                SELECT channel, \(columns) FROM analytics.rollup_deltas
                WHERE campaign_id = $1 AND hour >= date_trunc('hour', $2::timestamptz) AND hour < $3) x
            GROUP BY channel
            """, [campaign, range?.start ?? Date.distantPast, range?.end ?? Date.distantFuture])
        var out: [String: CampaignMetrics] = [:]
        for row in result {
            var m = CampaignMetrics(campaignID: campaign, start: range?.start, end: range?.end)
            func count(_ column: String) throws -> Int64 { Int64(try row.decode(column, as: Double.self)) }
            m.sent = try count("sent")
            m.delivered = try count("delivered")
            m.bounced = try count("bounced")
            m.opened = try count("opened")
            m.uniqueOpened = try count("unique_opened")
            m.clicked = try count("clicked")
            m.uniqueClicked = try count("unique_clicked")
            m.converted = try count("converted")
            m.unsubscribed = try count("unsubscribed")
            m.revenue = try row.decode("revenue")
            out[try row.decode("channel")] = m
        }
        return out
    }

    /// What one message costs on each channel: the campaign budget's `costPerMessage` (by channel name).
    func costPerMessage(_ campaign: UUID) async throws -> [String: Double] {
        let result = try await pool.query(
            "SELECT budget -> 'costPerMessage' AS costs FROM campaigns.campaigns WHERE id = $1", [campaign])
        guard let row = result.first else { throw ServiceError.notFound("no campaign \(campaign.lowercased)") }
        return try row.json("costs", as: [String: Double].self) ?? [:]
    }

    /// Folds up to `limit` of the oldest deltas into the hourly rollups and the spec's daily `campaign_metrics`, in
    /// one statement (a reader sees the counts before or after, never both or neither); how many were folded.
    func aggregate(limit: Int = 100_000) async throws -> Int {
        let columns = Self.countColumns
        let sums = columns.map { "sum(\($0))" }.joined(separator: ", ")
        let adds = columns.map { "\($0) = r.\($0) + excluded.\($0)" }.joined(separator: ", ")
        let daily = ["sent", "delivered", "opened", "clicked", "converted", "unsubscribed", "bounced", "revenue"]
        let result = try await pool.query(
            """
            WITH moved AS (
                DELETE FROM analytics.rollup_deltas
                WHERE seq IN (SELECT seq FROM analytics.rollup_deltas ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED)
                RETURNING *),
            rolled AS (
                INSERT INTO analytics.rollups AS r (campaign_id, variant_id, channel, node_id, hour, \(columns.joined(separator: ", ")))
                SELECT campaign_id, variant_id, channel, node_id, hour, \(sums) FROM moved
                GROUP BY campaign_id, variant_id, channel, node_id, hour
                ON CONFLICT (campaign_id, hour, variant_id, channel, node_id) DO UPDATE SET \(adds)),
            days AS (
                INSERT INTO analytics.campaign_metrics AS r (campaign_id, date, \(daily.joined(separator: ", ")))
                SELECT campaign_id, (hour AT TIME ZONE 'UTC')::date, \(daily.map { "sum(\($0))" }.joined(separator: ", "))
                FROM moved GROUP BY campaign_id, (hour AT TIME ZONE 'UTC')::date
                ON CONFLICT (campaign_id, date) DO UPDATE SET
                    \(daily.map { "\($0) = r.\($0) + excluded.\($0)" }.joined(separator: ", ")))
            SELECT count(*)::int8 AS n FROM moved
            """, [limit])
        return try result[0].decode("n")
    }
}
