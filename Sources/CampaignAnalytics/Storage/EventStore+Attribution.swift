import Domain
import Foundation
import Postgres
import Statistics

/// AnalyzeAttribution: conversions credited to the campaign touches (sends, opens, clicks) before them, and a
/// test's treated users against its holdout group.
extension EventStore {
    func attribution(_ r: AttributionRequest) async throws -> AttributionAnalysis {
        let model = r.model ?? .lastTouch
        let rows = try await pool.query(
            """
            WITH conversions AS (
                SELECT id, user_id, timestamp AS at, value FROM analytics.campaign_events
                WHERE event_type = 'converted' AND timestamp >= $1 AND timestamp < $2)
            SELECT c.id, c.at, c.value, t.campaign_id, t.timestamp AS touched
            FROM conversions c
            LEFT JOIN analytics.campaign_events t ON t.user_id = c.user_id
                AND t.event_type IN ('sent', 'opened', 'clicked') AND t.timestamp <= c.at
                AND t.timestamp >= c.at - $3 * interval '1 day'
                AND (cardinality($4::uuid[]) = 0 OR t.campaign_id = ANY($4::uuid[]))
            ORDER BY c.id, t.timestamp, t.campaign_id
            """,
            [
                r.timeRange?.start ?? Date.distantPast, r.timeRange?.end ?? Date.distantFuture, r.windowDays,
                r.campaignIDs,
            ])
        var credit: [UUID: CampaignAttribution] = [:]
        var conversions: Int64 = 0
        var revenue = 0.0
        var unattributed: Int64 = 0
        var current: (id: UUID, at: Date, value: Double, touches: [(UUID, Date)])?
        func settle() {
            guard let c = current else { return }
            conversions += 1
            revenue += c.value
            guard !c.touches.isEmpty else {
                unattributed += 1
                return
            }
            let shares = Credit.shares(
                c.touches.map(\.1), conversionAt: c.at, model: model, halfLifeDays: r.halfLifeDays)
            for ((campaign, _), share) in zip(c.touches, shares) {
                credit[campaign, default: CampaignAttribution(campaignID: campaign)].conversions += share
                credit[campaign, default: CampaignAttribution(campaignID: campaign)].revenue += share * c.value
                credit[campaign, default: CampaignAttribution(campaignID: campaign)].touches += 1
            }
        }
        for row in rows {
            let id: UUID = try row.decode("id")
            if current?.id != id {
                settle()
                current = (id, try row.decode("at"), try row.decode("value"), [])
            }
            if let campaign = try row.decode("campaign_id", as: UUID?.self) {
                current?.touches.append((campaign, try row.decode("touched")))
            }
        }
        settle()
        var analysis = AttributionAnalysis(
            model: model,
            campaigns: credit.values.sorted {
                ($0.conversions, $0.campaignID.lowercased) > ($1.conversions, $1.campaignID.lowercased)
            },
            conversions: conversions, revenue: revenue, unattributed: unattributed)
        if let test = r.holdoutTestID {
            analysis.incrementality = try await incrementality(test, windowDays: r.windowDays)
        }
        return analysis
    }

    /// The test's participants against its holdout group: who converted (the test's primary metric, as the
    /// experiments service recorded it) within the window after being assigned. This reads the experiments
    /// service's tables directly, the one place analytics does: the seam a call to ab-testing-engine will replace.
    func incrementality(_ test: UUID, windowDays: Int) async throws -> Incrementality {
        let result = try await pool.query(
            """
            SELECT (e.variant = -1) AS holdout, count(*)::int8 AS users,
                count(*) FILTER (WHERE EXISTS (
                    SELECT 1 FROM experiments.conversions c
                    WHERE c.test_id = e.test_id AND c.user_id = e.user_id AND c.metric = t.success_metrics -> 0 ->> 'name'
                        AND c.occurred_at <= e.exposed_at + $2 * interval '1 day'))::int8 AS converted
            FROM experiments.exposures e JOIN experiments.ab_tests t ON t.id = e.test_id
            WHERE e.test_id = $1 GROUP BY 1
            """, [test, windowDays])
        guard !result.isEmpty else { throw ServiceError.notFound("no test \(test.lowercased) with participants") }
        var counts: [Bool: (Int64, Int64)] = [:]
        for row in result {
            counts[try row.decode("holdout")] = (try row.decode("users"), try row.decode("converted"))
        }
        let (tn, tx) = counts[false] ?? (0, 0)
        let (hn, hx) = counts[true] ?? (0, 0)
        var out = Incrementality(
            testID: test, treatedUsers: tn, treatedConverted: tx, holdoutUsers: hn, holdoutConverted: hx)
        if tn > 0, hn > 0, hx > 0 {
            let (lift, interval) = Frequentist.relativeLift(
                .proportion(Double(tx), of: Double(tn)), over: .proportion(Double(hx), of: Double(hn)), confidence: 0.95
            )
            out.lift = lift
            out.liftCILower = interval.lower
            out.liftCIUpper = interval.upper
            out.pValue = Frequentist.twoProportionZTest(Double(tx), Double(tn), Double(hx), Double(hn)).pValue
        }
        return out
    }
}
