// campaign-analytics: herald.analytics.v1.CampaignAnalytics on its port (8085 by default), see ServiceHost. Settings
// under `analytics:` (ANALYTICS_BATCH_SIZE, ANALYTICS_AGGREGATION_INTERVAL, ANALYTICS_RETENTION_DAYS).
import CampaignAnalytics
import HeraldCore
import RPC
import ServiceRuntime

ServiceHost.run("campaign-analytics") { context in
    var services = ServiceRegistry()
    let analytics = try CampaignAnalyticsService(pool: context.pool, config: context.config.analytics)
    analytics.register(in: &services)
    return .init(services, shutdown: { analytics.shutdown() }, whenReady: { try await analytics.whenReady() })
}
