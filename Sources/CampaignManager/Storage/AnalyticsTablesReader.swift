import Domain
import Foundation
import Postgres

/// Where campaign-manager gets a campaign's delivery figures: campaign-analytics owns them.
protocol CampaignMetricsSource: Sendable {
    /// The campaign's figures per UTC day in `[from, until)`, oldest first.
    func daily(_ campaign: UUID, from: Date?, until: Date?) async throws -> [CampaignMetrics]
}

/// The seam between campaign-manager and another service's data: reads `analytics.campaign_metrics` directly, the
/// one place this service touches a schema it does not own. Once campaign-analytics runs, its typed client
/// (`CampaignAnalyticsClient.metrics`) takes this place and the direct read goes.
struct AnalyticsTablesReader: CampaignMetricsSource {
    let pool: PostgresPool

    func daily(_ campaign: UUID, from: Date?, until: Date?) async throws -> [CampaignMetrics] {
        let result = try await pool.query(
            """
            SELECT date::timestamptz AS day, sent, delivered, opened, clicked, converted, unsubscribed, bounced,
                revenue::float8 AS revenue, cost::float8 AS cost
            FROM analytics.campaign_metrics
            WHERE campaign_id = $1 AND date >= ($2::timestamptz AT TIME ZONE 'UTC')::date AND date < ($3::timestamptz AT TIME ZONE 'UTC')::date
            ORDER BY date
            """, [campaign, from ?? Date.distantPast, until ?? Date.distantFuture])
        return try result.map { row in
            let day: Date = try row.decode("day")
            var metrics = CampaignMetrics(campaignID: campaign, start: day, end: day.addingTimeInterval(86_400))
            metrics.sent = Int64(try row.decode("sent", as: Int32?.self) ?? 0)
            metrics.delivered = Int64(try row.decode("delivered", as: Int32?.self) ?? 0)
            metrics.opened = Int64(try row.decode("opened", as: Int32?.self) ?? 0)
            metrics.clicked = Int64(try row.decode("clicked", as: Int32?.self) ?? 0)
            metrics.converted = Int64(try row.decode("converted", as: Int32?.self) ?? 0)
            metrics.unsubscribed = Int64(try row.decode("unsubscribed", as: Int32?.self) ?? 0)
            metrics.bounced = Int64(try row.decode("bounced", as: Int32?.self) ?? 0)
            metrics.revenue = try row.decode("revenue", as: Double?.self) ?? 0
            metrics.cost = try row.decode("cost", as: Double?.self) ?? 0
            return metrics
        }
    }
}
