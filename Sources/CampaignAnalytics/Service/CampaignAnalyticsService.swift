import Domain
import Foundation
import HeraldCore
import Logging
import Postgres
import RPC
import ServiceKit

/// `herald.analytics.v1.CampaignAnalytics`: events ingested once by id through the `Ingestor` (group commit,
/// bounded), counted into hourly rollups as they are stored; metrics, funnels, ROI, reports and dashboards read
/// back. In the background: the deltas folded into the rollups every `analytics.aggregationInterval`, monthly
/// partitions made ahead and dropped past `analytics.retentionDays`.
public struct CampaignAnalyticsService: Sendable {
    public static let name = CampaignAnalyticsAPI.service

    let store: EventStore
    let dashboards: DashboardStore
    let ingestor: Ingestor
    let hub: NotificationHub
    let retention: Duration
    let partitions = MonthlyPartitions(
        table: "analytics.campaign_events", create: "analytics.create_campaign_event_partitions",
        prefix: "campaign_events_")
    let aggregation: BackgroundWork
    let upkeep: BackgroundWork
    /// How long after a user's first send the later steps of a funnel count.
    static let funnelWindow: Duration = .seconds(7 * 86_400)

    public init(pool: PostgresPool, config: HeraldConfig.Analytics) throws {
        let store = EventStore(pool: pool)
        self.store = store
        dashboards = DashboardStore(pool: pool)
        ingestor = Ingestor(store: store, batchSize: config.batchSize, capacity: 8 * config.batchSize)
        hub = try NotificationHub(channels: [EventStore.metricsChannel], configuration: pool.configuration.connection)
        let retention = Duration.seconds(config.retentionDays * 86_400)
        self.retention = retention
        let logger = Logger(label: "herald.campaign-analytics")
        aggregation = BackgroundWork(
            "rollup aggregation", every: .seconds(config.aggregationIntervalSeconds), logger: logger
        ) { try await store.aggregate() > 0 }
        let partitions = self.partitions
        upkeep = BackgroundWork("event partition upkeep", every: .seconds(6 * 3600), logger: logger) {
            let dropped = try await partitions.maintain(pool: pool, retention: retention)
            if !dropped.isEmpty {
                try await pool.query(
                    "DELETE FROM analytics.event_ids WHERE at < $1", [Date().addingTimeInterval(-retention.seconds)])
                logger.info("event partitions past retention dropped", metadata: ["partitions": "\(dropped)"])
            }
            return false
        }
    }

    public func whenReady() async throws { for work in [upkeep, aggregation] { work.start() } }

    public func shutdown() {
        for work in [aggregation, upkeep] { work.stop() }
        hub.stop()
    }

    public func register(in services: inout ServiceRegistry) {
        registerIngestion(in: &services)
        registerMetrics(in: &services)
        registerReports(in: &services)
        registerIntegration(in: &services)
    }
}
