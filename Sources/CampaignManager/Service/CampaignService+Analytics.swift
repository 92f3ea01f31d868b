import Codec
import Domain
import Foundation

/// GetCampaignAnalytics: the campaign's rows of analytics.campaign_metrics summed, per day, and the progress
/// towards each goal. Zeros until campaign-analytics writes events; nothing is estimated.
extension CampaignService {
    /// Metrics where lower is better: progress is target / value.
    static let lowerIsBetter: Set<String> = ["unsubscribed", "bounced", "unsubscribe_rate", "bounce_rate", "cost_per_conversion"]

    func registerAnalytics(_ method: Method) {
        method("GetCampaignAnalytics") { m in
            var issues = FieldIssues()
            let id = Self.uuid(m.string(1), "campaign_id", &issues)
            let from = m.message(2)?.date(1)
            let until = m.message(2)?.date(2)
            if let from, let until, from >= until { issues.add("time_range.end", "must be after time_range.start") }
            try issues.throwIfAny()
            return Request {
                let campaign = try await store.get(id!)
                let daily = try await store.dailyMetrics(id!, from: from, until: until)
                var totals = CampaignMetrics(campaignID: id!, start: from, end: until)
                for day in daily { totals.add(day) }
                let progress = Self.goalProgress(campaign.definition.goals, totals)
                return { b in
                    b.message(1) { a in
                        a.set(1, id: id)
                        a.set(2, totals)
                        a.set(3, each: daily)
                        a.set(4, dictionary: progress) { $1.set(2, $0) }
                    }
                }
            }
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
            let ratio = lowerIsBetter.contains(goal.metric) ? (value == 0 ? 1 : goal.target / value) : value / goal.target
            progress[goal.metric] = min(1, max(0, ratio))
        }
        return progress
    }
}
