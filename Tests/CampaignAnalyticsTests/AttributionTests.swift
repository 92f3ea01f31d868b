import Domain
import Foundation
import HeraldCore
import Postgres
import RPC
import Statistics
import TestSupport
import Testing

@testable import CampaignAnalytics

/// Multi-touch attribution against hand-worked examples, and incrementality against a holdout group.
@Suite("campaign-analytics: attribution")
struct AttributionTests {
    /// Three campaigns A, B, C. User 1 is touched by A (sent, 10 days before converting for 100), B (opened, 5
    /// days before) and C (clicked, 1 day before); user 2 by A 40 days before (outside the 30-day window) and B 2
    /// days before, converting for 50; user 3 converts for 20 untouched.
    struct Example {
        let campaigns: [UUID]
        let events: [CampaignEvent]
    }

    static func example(_ h: Harness) async throws -> Example {
        var campaigns = [h.campaign]
        for name in ["B", "C"] {
            campaigns.append(
                try await h.pool.query(
                    """
                    INSERT INTO campaigns.campaigns (name, type, channels, target_segments, workflow, created_by)
                    VALUES ($1, 'one_time', '{email}', '{}', '{}', $2) RETURNING id
                    """, [name, UUID(canonical: h.user)!])[0].decode("id", as: UUID.self))
        }
        let now = Date().addingTimeInterval(-3600)
        let (u1, u2, u3) = (UUID(), UUID(), UUID())
        func event(_ campaign: Int, _ user: UUID, _ type: EventType, daysBefore: Double, value: Double = 0)
            -> CampaignEvent
        {
            CampaignEvent(
                id: UUID(), campaignID: campaigns[campaign], userID: user, eventType: type,
                timestamp: now.addingTimeInterval(-daysBefore * 86_400), channel: .email, value: value)
        }
        return Example(
            campaigns: campaigns,
            events: [
                event(0, u1, .sent, daysBefore: 10), event(1, u1, .opened, daysBefore: 5),
                event(2, u1, .clicked, daysBefore: 1), event(2, u1, .converted, daysBefore: 0, value: 100),
                event(0, u2, .sent, daysBefore: 40), event(1, u2, .sent, daysBefore: 2),
                event(1, u2, .converted, daysBefore: 0, value: 50), event(0, u3, .converted, daysBefore: 0, value: 20),
            ])
    }

    @Test(
        "first touch, last touch, linear, time decay and position based share each conversion as worked out by hand",
        arguments: [
            (AttributionModel.firstTouch, [1.0, 1.0, 0.0]), (.lastTouch, [0, 1, 1]),
            (.linear, [1.0 / 3, 4.0 / 3, 1.0 / 3]),
            (.positionBased, [0.4, 1.2, 0.4]),
            (
                .timeDecay,
                {
                    let w = [10.0, 5, 1].map { pow(0.5, $0 / 7) }
                    let total = w.reduce(0, +)
                    return [w[0] / total, w[1] / total + 1, w[2] / total]
                }()
            ),
        ])
    func models(model: AttributionModel, expected: [Double]) async throws {
        try await Harness.with { h in
            let example = try await Self.example(h)
            _ = try await h.analytics.track(example.events)
            let analysis = try await h.call(
                "AnalyzeAttribution", #"{"model": "\#(model.wireName)", "windowDays": 30}"#)["analysis"]
            #expect(analysis["conversions"].number == 3)
            #expect(analysis["unattributed"].number == 1)
            #expect(analysis["revenue"].number == 170)
            var credit: [String: Double] = [:]
            for c in analysis["campaigns"].items { credit[c["campaignId"].string ?? ""] = c["conversions"].number ?? 0 }
            for (campaign, want) in zip(example.campaigns, expected) {
                #expect(abs((credit[campaign.lowercased] ?? 0) - want) < 1e-9, "\(model) \(campaign): \(credit)")
            }
            let total = analysis["campaigns"].items.reduce(0.0) { $0 + ($1["conversions"].number ?? 0) }
            #expect(abs(total - 2) < 1e-9)  // two attributed conversions, fully shared out
        }
    }

    @Test("a touch outside the window earns nothing; bad requests name the field")
    func windowAndValidation() async throws {
        try await Harness.with { h in
            let example = try await Self.example(h)
            _ = try await h.analytics.track(example.events)
            let narrow = try await h.call(
                "AnalyzeAttribution", #"{"model": "ATTRIBUTION_MODEL_LINEAR", "windowDays": 3}"#)[
                    "analysis"]
            // Only C's click (user 1) and B's send (user 2) are within 3 days.
            #expect(narrow["unattributed"].number == 1)
            let credit = Dictionary(
                uniqueKeysWithValues: narrow["campaigns"].items.map {
                    ($0["campaignId"].string ?? "", $0["conversions"].number ?? 0)
                })
            #expect(credit[example.campaigns[2].lowercased] == 1 && credit[example.campaigns[1].lowercased] == 1)
            #expect(credit[example.campaigns[0].lowercased] == nil)
            let bad = try await h.failure("AnalyzeAttribution", #"{"windowDays": 120, "halfLifeDays": -1}"#)
            #expect(bad.code == .invalidArgument)
            for fragment in ["model: required", "window_days: 1 to 90 days, got 120", "half_life_days: a positive"] {
                #expect(bad.message.contains(fragment), "\(fragment) not in \(bad.message)")
            }
        }
    }

    @Test("incrementality: a test's participants against its holdout group, with the lift's interval and p-value")
    func incrementality() async throws {
        try await Harness.with { h in
            let test = try await h.pool.query(
                """
                INSERT INTO experiments.ab_tests (campaign_id, name, type, variants, traffic_allocation, success_metrics)
                VALUES ($1, 'holdout', 'content', '[]', '{}', '[{"name": "purchase", "primary": true}]') RETURNING id
                """, [h.campaign])[0].decode("id", as: UUID.self)
            // 1,000 participants (100 convert) and 200 held out (10 convert); 5 more convert after the window.
            try await h.pool.query(
                """
                INSERT INTO experiments.exposures (test_id, user_id, variant, exposed_at)
                SELECT $1, md5('u' || g)::uuid, CASE WHEN g <= 200 THEN -1 ELSE g % 2 END, now() - interval '40 days'
                FROM generate_series(1, 1200) g
                """, [test])
            try await h.pool.query(
                """
                INSERT INTO experiments.conversions (test_id, user_id, metric, conversion_id, value, occurred_at)
                SELECT $1, md5('u' || g)::uuid, 'purchase', '', 1, now() - interval '35 days'
                FROM generate_series(1, 1200) g WHERE (g <= 200 AND g % 20 = 0) OR (g > 200 AND g % 10 = 0)
                """, [test])
            try await h.pool.query(
                """
                INSERT INTO experiments.conversions (test_id, user_id, metric, conversion_id, value, occurred_at)
                SELECT $1, md5('u' || g)::uuid, 'purchase', 'late', 1, now() FROM generate_series(1, 5) g
                """, [test])
            let analysis = try await h.call(
                "AnalyzeAttribution",
                #"{"model": "ATTRIBUTION_MODEL_LAST_TOUCH", "windowDays": 30, "holdoutTestId": "\#(test.lowercased)"}"#)[
                    "analysis"]
            let inc = analysis["incrementality"]
            #expect(inc["treatedUsers"].number == 1000 && inc["treatedConverted"].number == 100)
            #expect(inc["holdoutUsers"].number == 200 && inc["holdoutConverted"].number == 10)
            #expect(abs((inc["lift"].number ?? 0) - 1.0) < 1e-12)
            let (_, interval) = Frequentist.relativeLift(
                .proportion(100, of: 1000), over: .proportion(10, of: 200), confidence: 0.95)
            #expect(abs((inc["liftCiLower"].number ?? 0) - interval.lower) < 1e-12)
            let p = Frequentist.twoProportionZTest(100, 1000, 10, 200).pValue
            #expect(abs((inc["pValue"].number ?? 0) - p) < 1e-12)
        }
    }
}
