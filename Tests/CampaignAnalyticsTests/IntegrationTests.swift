import Codec
import Domain
import Foundation
import HeraldCore
import Postgres
import RPC
import TestSupport
import Testing

@testable import CampaignAnalytics

/// The spec's Analytics Service Integration: conversions with their currency, custom metrics, a user's behaviour.
@Suite("campaign-analytics: conversions, custom metrics, user behaviour")
struct IntegrationTests {
    @Test("a conversion is a converted event once, in the budget's currency; another currency is refused")
    func conversions() async throws {
        try await Harness.with { h in
            let user = UUID()
            let conversion = ConversionEvent(
                id: UUID(), type: "purchase", value: 80, currency: "EUR", properties: .object([("sku", .string("A-1"))])
            )
            #expect(try await h.analytics.trackConversion(conversion, of: user, for: h.campaign))
            #expect(!(try await h.analytics.trackConversion(conversion, of: user, for: h.campaign)))
            let metrics = try await h.analytics.metrics(of: h.campaign)
            #expect(metrics.converted == 1 && metrics.revenue == 80)
            let stored = try await h.pool.query(
                "SELECT channel::text AS channel, metadata ->> 'currency' AS currency FROM analytics.campaign_events")
            #expect(try stored[0].decode("channel", as: String.self) == "email")
            #expect(try stored[0].decode("currency", as: String.self) == "EUR")
            let dollars = try await h.failure(
                "TrackConversion",
                #"{"userId": "\#(user)", "campaignId": "\#(h.campaign)", "conversion": {"id": "\#(UUID())", "type": "purchase", "value": 5, "currency": "USD"}}"#
            )
            #expect(dollars.message.contains("conversion.currency: the campaign's budget is in EUR; got USD"))
            let bad = try await h.failure(
                "TrackConversion",
                #"{"userId": "\#(user)", "campaignId": "\#(h.campaign)", "conversion": {"id": "x", "value": -1, "currency": "euro"}}"#
            )
            for fragment in [
                "conversion.id", "conversion.type: required", "conversion.value", "conversion.currency: an ISO 4217",
            ] {
                #expect(bad.message.contains(fragment), "\(fragment) not in \(bad.message)")
            }
        }
    }

    @Test("custom metrics are stored once by id and summed by name in the campaign's metrics")
    func customMetrics() async throws {
        try await Harness.with { h in
            let first = CustomMetric(
                id: UUID(), campaignID: h.campaign, name: "installs", value: 3, dimensions: ["store": "play"])
            #expect(try await h.analytics.record(first))
            #expect(!(try await h.analytics.record(first)))
            #expect(
                try await h.analytics.record(
                    CustomMetric(id: UUID(), campaignID: h.campaign, name: "installs", value: 4)))
            #expect(
                try await h.analytics.record(CustomMetric(id: UUID(), campaignID: h.campaign, name: "nps", value: 42)))
            #expect(try await h.analytics.metrics(of: h.campaign).customMetrics == ["installs": 7, "nps": 42])
            let unknown = try await h.failure(
                "RecordCustomMetric",
                #"{"metric": {"id": "\#(UUID())", "campaignId": "\#(UUID())", "name": "x", "value": 1}}"#)
            #expect(unknown.message.contains("metric.campaign_id: no campaign"))
        }
    }

    @Test("a user's behaviour across campaigns agrees with their events")
    func behavior() async throws {
        try await Harness.with { h in
            let events = IngestionTests.generate(h.campaign, users: 300, seed: 12)
            _ = try await h.track(events.sent)
            let user = try #require(events.unique.first { $0.eventType == .clicked }?.userID)
            let mine = events.unique.filter { $0.userID == user }
            let b = try await h.analytics.behavior(of: user)
            var counts: [String: Int64] = [:]
            for e in mine { counts[e.eventType!.rawValue, default: 0] += 1 }
            #expect(b.eventsByType == counts)
            #expect(b.campaigns == 1)
            let first = mine.compactMap(\.timestamp).min()!
            #expect(abs(b.firstEventAt!.timeIntervalSince(first)) < 1e-3)
            var revenue = 0.0
            var byHour: [Int: Int] = [:]
            for e in mine {
                if e.eventType == .converted { revenue += e.value }
                if e.eventType == .opened || e.eventType == .clicked {
                    byHour[Int(e.timestamp!.timeIntervalSince1970 / 3600) % 24, default: 0] += 1
                }
            }
            #expect(abs(b.revenue - revenue) < 1e-9)
            var busiest = -1
            for hour in byHour.keys.sorted() where busiest < 0 || byHour[hour]! > byHour[busiest]! { busiest = hour }
            #expect(b.mostActiveHourUTC == busiest)
            #expect(try await h.analytics.behavior(of: UUID()).eventsByType.isEmpty)
        }
    }
}
