import Domain
import RPC
import ServiceKit

/// GetCampaignAnalytics: the campaign's daily metrics summed, per day, and the progress towards each goal. Zeros
/// until campaign-analytics records events; nothing is estimated.
extension CampaignService {
    /// Metrics where lower is better: progress is target / value.
    static let lowerIsBetter: Set<String> = [
        "unsubscribed", "bounced", "unsubscribe_rate", "bounce_rate", "cost_per_conversion",
    ]

    func registerAnalytics(in services: inout ServiceRegistry) {
        services.unary(
            CampaignManagerAPI.getCampaignAnalytics,
            validate: { request, issues in
                if let range = request.timeRange, let start = range.start, let end = range.end, start >= end {
                    issues.add("time_range.end", "must be after time_range.start")
                }
            }
        ) { request, _ in
            let id = request.campaignID
            let campaign = try await store.get(id)
            let daily = try await store.metrics.daily(id, from: request.timeRange?.start, until: request.timeRange?.end)
            var totals = CampaignMetrics(campaignID: id, start: request.timeRange?.start, end: request.timeRange?.end)
            for day in daily { totals.add(day) }
            return Only(
                CampaignAnalytics(
                    campaignID: id, totals: totals, daily: daily,
                    goalProgress: Self.goalProgress(campaign.definition.goals, totals)))
        }
    }

    /// Progress 0-1 towards each goal; a goal's metric is only measured once something was sent.
    static func goalProgress(_ goals: [CampaignGoal], _ totals: CampaignMetrics) -> [String: Double] {
        var progress: [String: Double] = [:]
        for goal in goals {
            guard totals.sent > 0, goal.target > 0, let value = totals.value(of: goal.metric) else {
                progress[goal.metric] = 0
                continue
            }
            let ratio =
                lowerIsBetter.contains(goal.metric) ? (value == 0 ? 1 : goal.target / value) : value / goal.target
            progress[goal.metric] = min(1, max(0, ratio))
        }
        return progress
    }
}
