import Domain
import Foundation
import RPC
import ServiceKit

/// GetCampaignMetrics, WatchCampaignMetrics, AnalyzeFunnel, CalculateROI and AnalyzeAttribution.
extension CampaignAnalyticsService {
    func registerMetrics(in services: inout ServiceRegistry) {
        let api = CampaignAnalyticsAPI.self
        services.unary(api.getCampaignMetrics) { request, _ in
            Only(try await metrics(request.campaignID, in: request.timeRange))
        }
        services.watch(
            api.watchCampaignMetrics, hub: hub, channel: EventStore.metricsChannel, resync: .seconds(5),
            key: { $0.id.lowercased }
        ) { request in Only(try await metrics(request.id, in: nil)) }
        services.unary(api.analyzeFunnel) { request, _ in
            _ = try await store.costPerMessage(request.campaignID)  // NOT_FOUND for an unknown campaign
            return Only(try await store.funnel(request.campaignID, in: request.timeRange, window: Self.funnelWindow))
        }
        services.unary(
            api.analyzeAttribution,
            validate: { request, issues in
                if request.windowDays == 0 { request.windowDays = 30 }
                if request.halfLifeDays == 0 { request.halfLifeDays = 7 }
                issues.check(
                    (1...90).contains(request.windowDays), "window_days", "1 to 90 days, got \(request.windowDays)")
                issues.check(
                    request.halfLifeDays.isFinite && request.halfLifeDays > 0, "half_life_days",
                    "a positive number of days")
                issues.check(request.campaignIDs.count <= 1000, "campaign_ids", "at most 1,000 campaigns")
            }
        ) { request, _ in Only(try await store.attribution(request)) }
        services.unary(api.calculateROI) { request, _ in
            let byChannel = try await store.countsByChannel(request.id, in: nil)
            let costs = try await store.costPerMessage(request.id)
            let total = Self.total(request.id, byChannel, costs: costs)
            return Only(
                ROIAnalysis(
                    campaignID: request.id, revenue: total.revenue, cost: total.cost, roi: total.roi,
                    costPerConversion: total.costPerConversion,
                    revenuePerMessage: total.sent == 0 ? 0 : total.revenue / Double(total.sent),
                    revenueByChannel: byChannel.mapValues(\.revenue)))
        }
    }

    /// The campaign's metrics in `range` (all time when nil), with cost from its budget's per-message costs.
    func metrics(_ campaign: UUID, in range: TimeRange?) async throws -> CampaignMetrics {
        let costs = try await store.costPerMessage(campaign)
        var total = Self.total(campaign, try await store.countsByChannel(campaign, in: range), costs: costs)
        total.start = range?.start
        total.end = range?.end
        total.customMetrics = try await store.customMetrics(campaign, in: range)
        return total
    }

    /// Channels summed, each channel's messages costed at its price (keys as channel names: "email", "sms", ...).
    static func total(_ campaign: UUID, _ byChannel: [String: CampaignMetrics], costs: [String: Double])
        -> CampaignMetrics
    {
        var total = CampaignMetrics(campaignID: campaign)
        for (channel, m) in byChannel {
            total.add(m)
            total.uniqueOpened += m.uniqueOpened
            total.uniqueClicked += m.uniqueClicked
            total.cost += Double(m.sent) * (costs[channel] ?? costs[channel.uppercased()] ?? 0)
        }
        return total
    }
}
