import Domain
import Foundation
import Postgres
import ServiceKit

/// The spec's Analytics Service Integration besides events: conversions, custom metrics and a user's behaviour.
extension EventStore {
    /// What a conversion of `campaign` is stored with: the campaign's first channel and its budget's currency.
    func conversionContext(_ campaign: UUID) async throws -> (channel: NotificationChannel, currency: String?) {
        let result = try await pool.query(
            """
            SELECT channels[1]::text AS channel, budget ->> 'currency' AS currency FROM campaigns.campaigns WHERE id = $1
            """, [campaign])
        guard let row = result.first else { throw ServiceError.notFound("no campaign \(campaign.lowercased)") }
        let channel = try row.decode("channel", as: String?.self).flatMap(NotificationChannel.init(rawValue:))
        return (channel ?? .email, try row.decode("currency", as: String?.self))
    }

    /// Stores `metric` unless its id was stored before; whether it was new.
    func record(_ metric: CustomMetric, at time: Date) async throws -> Bool {
        try await ConstraintPaths.translating(
            { $0.sqlState == "23503" ? ("metric.campaign_id", "no campaign \(metric.campaignID.lowercased)") : nil }
        ) {
            try await pool.query(
                """
                INSERT INTO analytics.custom_metrics (id, campaign_id, name, value, at, dimensions)
                VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING
                """,
                [
                    metric.id, metric.campaignID, metric.name, metric.value, time,
                    try PostgresJSON(encoding: metric.dimensions),
                ]
            ).affectedRows == 1
        }
    }

    /// The campaign's custom metrics in `range`, summed by name.
    func customMetrics(_ campaign: UUID, in range: TimeRange?) async throws -> [String: Double] {
        let result = try await pool.query(
            """
            SELECT name, sum(value) AS total FROM analytics.custom_metrics
            WHERE campaign_id = $1 AND at >= $2 AND at < $3 GROUP BY name
            """, [campaign, range?.start ?? Date.distantPast, range?.end ?? Date.distantFuture])
        var out: [String: Double] = [:]
        for row in result { out[try row.decode("name")] = try row.decode("total") }
        return out
    }

    /// `user`'s events across campaigns in `range`: counts by type, reach, conversions, rates, the busiest hour.
    func behavior(_ user: UUID, in range: TimeRange?) async throws -> BehaviorAnalysis {
        let parameters: [any PostgresEncodable] = [
            user, range?.start ?? Date.distantPast, range?.end ?? Date.distantFuture,
        ]
        let scope = "user_id = $1 AND timestamp >= $2 AND timestamp < $3"
        let types = try await pool.query(
            """
            SELECT event_type::text AS type, count(*)::int8 AS n, min(timestamp) AS first, max(timestamp) AS last,
                sum(value) AS value
            FROM analytics.campaign_events WHERE \(scope) GROUP BY event_type
            """, parameters)
        var b = BehaviorAnalysis(userID: user)
        for row in types {
            let type: String = try row.decode("type")
            b.eventsByType[type] = try row.decode("n")
            let first: Date = try row.decode("first")
            let last: Date = try row.decode("last")
            b.firstEventAt = min(b.firstEventAt ?? first, first)
            b.lastEventAt = max(b.lastEventAt ?? last, last)
            if type == EventType.converted.rawValue { b.revenue = try row.decode("value") }
        }
        b.conversions = b.eventsByType[EventType.converted.rawValue] ?? 0
        let reached = b.eventsByType[EventType.delivered.rawValue] ?? b.eventsByType[EventType.sent.rawValue] ?? 0
        if reached > 0 {
            b.openRate = Double(b.eventsByType[EventType.opened.rawValue] ?? 0) / Double(reached)
            b.clickRate = Double(b.eventsByType[EventType.clicked.rawValue] ?? 0) / Double(reached)
        }
        let reach = try await pool.query(
            "SELECT count(DISTINCT campaign_id)::int8 AS n FROM analytics.campaign_events WHERE \(scope)", parameters)
        b.campaigns = try reach[0].decode("n")
        let hour = try await pool.query(
            """
            SELECT extract(hour FROM timestamp AT TIME ZONE 'UTC')::int AS hour FROM analytics.campaign_events
            WHERE \(scope) AND event_type IN ('opened', 'clicked') GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1
            """, parameters)
        b.mostActiveHourUTC = try hour.first?.decode("hour") ?? -1
        return b
    }
}
