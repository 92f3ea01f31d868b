import Domain
import Foundation
import HeraldCore
import Postgres
import ServiceKit

/// `analytics.*`: events stored once by id (into the month's partition of `campaign_events`), counted in the same
/// statement into `rollup_deltas` (and unique opens and clicks through `first_events`); the aggregation folds the
/// deltas into `rollups` and the spec's daily `campaign_metrics`.
struct EventStore: Sendable {
    let pool: PostgresPool
    /// NOTIFY channel of a campaign's counts changing; the payload is the campaign id.
    static let metricsChannel = "campaign_metrics"

    /// Stores the events whose ids are new (the first of repeats within the batch); the ids stored.
    func store(_ events: [CampaignEvent], receivedAt: Date) async throws -> Set<UUID> {
        guard !events.isEmpty else { return [] }
        let result = try await pool.query(
            """
            WITH input AS (
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::timestamptz[], $6::text[],
                    $7::text[], $8::jsonb[], $9::jsonb[], $10::float8[], $11::text[], $12::text[], $13::int[])
                    AS e(id, campaign_id, user_id, event_type, ts, channel, device_type, location, metadata, value,
                        variant_id, node_id, position)),
            fresh AS (
                INSERT INTO analytics.event_ids (id, at)
                SELECT DISTINCT ON (id) id, ts FROM input ORDER BY id, position
                ON CONFLICT DO NOTHING RETURNING id),
            stored AS (
                INSERT INTO analytics.campaign_events (id, campaign_id, user_id, event_type, timestamp, channel,
                    device_type, location, metadata, value, variant_id, node_id)
                SELECT DISTINCT ON (i.id) i.id, i.campaign_id, i.user_id, i.event_type::analytics.event_type, i.ts,
                    i.channel::common.notification_channel, nullif(i.device_type, ''), i.location, i.metadata, i.value,
                    i.variant_id, i.node_id
                FROM input i JOIN fresh USING (id) ORDER BY i.id, i.position
                RETURNING id, campaign_id, user_id, event_type, timestamp, channel, value, variant_id, node_id),
            firsts AS (
                INSERT INTO analytics.first_events (campaign_id, user_id, event_type, at, variant_id, channel, node_id)
                SELECT DISTINCT ON (campaign_id, event_type, user_id) campaign_id, user_id, event_type, timestamp,
                    variant_id, channel, node_id
                FROM stored WHERE event_type IN ('opened', 'clicked')
                ORDER BY campaign_id, event_type, user_id, timestamp
                ON CONFLICT DO NOTHING RETURNING campaign_id, event_type, at, variant_id, channel, node_id),
            counted AS (
                INSERT INTO analytics.rollup_deltas (campaign_id, variant_id, channel, node_id, hour, sent, delivered,
                    bounced, opened, unique_opened, clicked, unique_clicked, converted, unsubscribed, revenue)
                SELECT campaign_id, variant_id, channel, node_id, hour, sum(sent), sum(delivered), sum(bounced),
                    sum(opened), sum(unique_opened), sum(clicked), sum(unique_clicked), sum(converted),
                    sum(unsubscribed), sum(revenue)
                FROM (
                    SELECT campaign_id, variant_id, channel, node_id, date_trunc('hour', timestamp) AS hour,
                        (event_type = 'sent')::int AS sent, (event_type = 'delivered')::int AS delivered,
                        (event_type = 'bounced')::int AS bounced, (event_type = 'opened')::int AS opened,
                        0 AS unique_opened, (event_type = 'clicked')::int AS clicked, 0 AS unique_clicked,
                        (event_type = 'converted')::int AS converted, (event_type = 'unsubscribed')::int AS unsubscribed,
                        CASE WHEN event_type = 'converted' THEN value ELSE 0 END AS revenue
                    FROM stored
                    UNION ALL
                    SELECT campaign_id, variant_id, channel, node_id, date_trunc('hour', at), 0, 0, 0, 0,
                        (event_type = 'opened')::int, 0, (event_type = 'clicked')::int, 0, 0, 0
                    FROM firsts) x
                GROUP BY campaign_id, variant_id, channel, node_id, hour
                RETURNING campaign_id),
            notified AS (
                SELECT pg_notify('\(Self.metricsChannel)', c::text) FROM (SELECT DISTINCT campaign_id AS c FROM counted) n)
            SELECT id FROM fresh, (SELECT count(*) FROM notified) n
            """,
            [
                events.map(\.id), events.map(\.campaignID), events.map(\.userID),
                events.map { $0.eventType?.rawValue ?? "" }, events.map { $0.timestamp ?? receivedAt },
                events.map { $0.channel?.rawValue ?? "" }, events.map(\.deviceType),
                try events.map { try $0.location.map { try PostgresJSON(encoding: $0) } },
                events.map { $0.metadata.map { PostgresJSON(text: $0.text()) } }, events.map(\.value),
                events.map(\.variantID), events.map(\.nodeID), Array(events.indices),
            ])
        return Set(try result.map { try $0.decode("id", as: UUID.self) })
    }

    /// Of `ids`, the campaigns that exist (events of others are refused).
    func existingCampaigns(_ ids: [UUID]) async throws -> Set<UUID> {
        let result = try await pool.query("SELECT id FROM campaigns.campaigns WHERE id = ANY($1::uuid[])", [ids])
        return Set(try result.map { try $0.decode("id", as: UUID.self) })
    }
}
