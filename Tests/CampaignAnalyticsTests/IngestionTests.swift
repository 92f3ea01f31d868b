import Domain
import Foundation
import HeraldCore
import Postgres
import RPC
import TestSupport
import Testing

@testable import CampaignAnalytics

/// Events counted once, and every metric equal to a count made independently from the events themselves.
@Suite("campaign-analytics: ingestion and metrics")
struct IngestionTests {
    /// A campaign's events with what analytics must cope with: repeats (the same id again, in one call and in
    /// another), late and out-of-order events, events either side of a month boundary, two channels, two variants.
    struct Events {
        var unique: [CampaignEvent] = []
        var sent: [CampaignEvent] = []
    }

    static func generate(_ campaign: UUID, users: Int, seed: UInt64 = 3, now: Date = Date()) -> Events {
        var random = SeededRandom(seed: seed)
        var events = Events()
        // Within the last 40 days, so that some fall in the previous month (a month boundary in between).
        let start = now.addingTimeInterval(-40 * 86_400)
        for u in 0..<users {
            let user = UUID(uuid: withUnsafeBytes(of: (random.next(), random.next())) { $0.load(as: uuid_t.self) })
            let channel: NotificationChannel = u % 5 == 0 ? .sms : .email
            let variant = u % 2 == 0 ? "a" : "b"
            var at = start.addingTimeInterval(Double.random(in: 0..<(39 * 86_400), using: &random))
            func add(_ type: EventType, value: Double = 0) {
                events.unique.append(
                    CampaignEvent(
                        id: UUID(
                            uuid: withUnsafeBytes(of: (random.next(), random.next())) { $0.load(as: uuid_t.self) }),
                        campaignID: campaign, userID: user, eventType: type, timestamp: at, channel: channel,
                        value: value, variantID: variant, nodeID: "welcome"))
                at.addTimeInterval(Double.random(in: 60...7200, using: &random))
            }
            add(.sent)
            guard Double.random(in: 0..<1, using: &random) < 0.9 else {
                add(.bounced)
                continue
            }
            add(.delivered)
            guard Double.random(in: 0..<1, using: &random) < (variant == "b" ? 0.5 : 0.35) else { continue }
            add(.opened)
            if Double.random(in: 0..<1, using: &random) < 0.3 { add(.opened) }  // opened again: not unique
            guard Double.random(in: 0..<1, using: &random) < 0.4 else { continue }
            add(.clicked)
            if Double.random(in: 0..<1, using: &random) < 0.2 { add(.clicked) }
            if Double.random(in: 0..<1, using: &random) < 0.3 {
                add(.converted, value: Double(Int.random(in: 5...200, using: &random)))
            }
            if Double.random(in: 0..<1, using: &random) < 0.05 { add(.unsubscribed) }
        }
        // Sent out of order, with every tenth event repeated (in the same call or a later one).
        var sent = events.unique.shuffled(using: &random)
        for i in stride(from: 0, to: events.unique.count, by: 10) { sent.append(events.unique[i]) }
        events.sent = sent
        return events
    }

    /// The metrics counted from the unique events, as a ground truth.
    static func truth(_ events: [CampaignEvent], campaign: UUID, costs: [NotificationChannel: Double])
        -> CampaignMetrics
    {
        var m = CampaignMetrics(campaignID: campaign)
        var opened = Set<UUID>()
        var clicked = Set<UUID>()
        for e in events {
            switch e.eventType! {
            case .sent:
                m.sent += 1
                m.cost += costs[e.channel!] ?? 0
            case .delivered: m.delivered += 1
            case .bounced: m.bounced += 1
            case .opened:
                m.opened += 1
                opened.insert(e.userID)
            case .clicked:
                m.clicked += 1
                clicked.insert(e.userID)
            case .converted:
                m.converted += 1
                m.revenue += e.value
            case .unsubscribed: m.unsubscribed += 1
            }
        }
        m.uniqueOpened = Int64(opened.count)
        m.uniqueClicked = Int64(clicked.count)
        return m
    }

    static func expectSame(_ got: CampaignMetrics, _ want: CampaignMetrics, _ label: String) {
        #expect(
            [
                got.sent, got.delivered, got.bounced, got.opened, got.uniqueOpened, got.clicked, got.uniqueClicked,
                got.converted, got.unsubscribed,
            ]
                == [
                    want.sent, want.delivered, want.bounced, want.opened, want.uniqueOpened, want.clicked,
                    want.uniqueClicked, want.converted, want.unsubscribed,
                ], "\(label)")
        #expect(abs(got.revenue - want.revenue) < 1e-6, "\(label): revenue \(got.revenue) vs \(want.revenue)")
        #expect(abs(got.cost - want.cost) < 1e-6, "\(label): cost \(got.cost) vs \(want.cost)")
    }

    @Test(
        "repeats counted once, late and out-of-order events in their month, every count exact before and after aggregation"
    )
    func exactCounts() async throws {
        try await Harness.with { h in
            let events = Self.generate(h.campaign, users: 3_000)
            let tracked = try await h.track(events.sent)
            #expect(tracked.stored == Int64(events.unique.count))
            #expect(tracked.duplicates == Int64(events.sent.count - events.unique.count))
            let want = Self.truth(events.unique, campaign: h.campaign, costs: [.email: 0.001, .sms: 0.05])
            Self.expectSame(try await h.analytics.metrics(of: h.campaign), want, "before aggregation")
            // Stored once each, in the partition of its own month.
            #expect(try await h.count("analytics.campaign_events") == events.unique.count)
            let misplaced = try await h.pool.query(
                """
                SELECT count(*)::int8 AS n FROM analytics.campaign_events e JOIN pg_class c ON c.oid = e.tableoid
                WHERE c.relname <> 'campaign_events_' || to_char(e.timestamp AT TIME ZONE 'UTC', 'YYYY_MM')
                """)
            #expect(try misplaced[0].decode("n", as: Int.self) == 0)
            let folded = try await h.service.store.aggregate()
            #expect(folded > 0)
            #expect(try await h.count("analytics.rollup_deltas") == 0)
            Self.expectSame(try await h.analytics.metrics(of: h.campaign), want, "after aggregation")
            // The spec's daily table holds the same totals.
            let daily = try await h.pool.query(
                "SELECT sum(sent)::int8 AS sent, sum(opened)::int8 AS opened FROM analytics.campaign_metrics WHERE campaign_id = $1",
                [h.campaign])
            #expect(try daily[0].decode("sent", as: Int64.self) == want.sent)
            #expect(try daily[0].decode("opened", as: Int64.self) == want.opened)
            // The same events again, after aggregation: nothing changes.
            let again = try await h.track(Array(events.unique.prefix(500)))
            #expect(again.stored == 0 && again.duplicates == 500)
            Self.expectSame(try await h.analytics.metrics(of: h.campaign), want, "after repeats")
            // A time range counts the hours it covers.
            let cutoff = Date().addingTimeInterval(-10 * 86_400)
            let hour = Date(timeIntervalSince1970: (cutoff.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
            let recent = Self.truth(
                events.unique.filter { $0.timestamp! >= hour }, campaign: h.campaign,
                costs: [.email: 0.001, .sms: 0.05])
            let ranged = try await h.analytics.metrics(of: h.campaign, in: TimeRange(start: hour, end: nil))
            #expect(ranged.sent == recent.sent && ranged.converted == recent.converted)
            let roi = try await h.analytics.roi(of: h.campaign)
            #expect(abs(roi.cost - want.cost) < 1e-6 && abs(roi.revenue - want.revenue) < 1e-6)
            #expect(abs(roi.roi - (want.revenue - want.cost) / want.cost) < 1e-9)
            #expect(Set(roi.revenueByChannel.keys).isSubset(of: ["email", "sms"]))
        }
    }

    @Test("bad events are INVALID_ARGUMENT naming each at its index, and none of the batch is stored")
    func validation() async throws {
        try await Harness.with { h in
            let future = Date().addingTimeInterval(86_400).ISO8601Format()
            let error = try await h.failure(
                "TrackCampaignEvents",
                """
                {"events": [
                  {"id": "\(UUID())", "campaignId": "\(h.campaign)", "userId": "\(UUID())", "eventType": "EVENT_TYPE_SENT",
                   "channel": "NOTIFICATION_CHANNEL_EMAIL"},
                  {"id": "\(UUID())", "campaignId": "\(h.campaign)", "userId": "\(UUID())", "timestamp": "\(future)"},
                  {"id": "\(UUID())", "campaignId": "\(UUID())", "userId": "\(UUID())", "eventType": "EVENT_TYPE_OPENED",
                   "channel": "NOTIFICATION_CHANNEL_SMS"}]}
                """)
            #expect(error.code == .invalidArgument)
            for fragment in [
                "events[1].event_type: required", "events[1].channel: required", "events[1].timestamp: in the future",
            ] {
                #expect(error.message.contains(fragment), "\(fragment) not in \(error.message)")
            }
            let unknown = try await h.failure(
                "TrackCampaignEvent",
                #"{"event": {"id": "\#(UUID())", "campaignId": "\#(UUID())", "userId": "\#(UUID())", "eventType": "EVENT_TYPE_OPENED", "channel": "NOTIFICATION_CHANNEL_SMS"}}"#
            )
            #expect(unknown.message.contains("event.campaign_id: no campaign"))
            #expect(try await h.count("analytics.campaign_events") == 0)
            let missing = try await h.failure("GetCampaignMetrics", #"{"campaignId": "\#(UUID())"}"#)
            #expect(missing.code == .notFound)
        }
    }

    @Test(
        "a burst beyond the queue is refused with RESOURCE_EXHAUSTED and a retry pushback; what was acknowledged is stored"
    )
    func backpressure() async throws {
        try await Harness.with(batchSize: 2) { h in
            let calls = 40
            let outcomes = try await withThrowingTaskGroup(of: (Int64, RPCError?).self) { group in
                for i in 0..<calls {
                    group.addTask {
                        let events = (0..<5).map { j in
                            CampaignEvent(
                                id: UUID(), campaignID: h.campaign, userID: UUID(), eventType: .sent, timestamp: nil,
                                channel: .email, nodeID: "n\(i)-\(j)")
                        }
                        do {
                            return (try await h.analytics.track(events).stored, nil)
                        } catch let error as RPCError {
                            return (0, error)
                        }
                    }
                }
                var all: [(Int64, RPCError?)] = []
                for try await outcome in group { all.append(outcome) }
                return all
            }
            let refused = outcomes.compactMap(\.1)
            #expect(!refused.isEmpty, "no call was refused")
            #expect(refused.allSatisfy { $0.code == .resourceExhausted })
            #expect(refused.allSatisfy { $0.trailer("grpc-retry-pushback-ms") == "250" })
            let acknowledged = outcomes.reduce(0) { $0 + $1.0 }
            #expect(acknowledged > 0)
            #expect(try await h.count("analytics.campaign_events") == Int(acknowledged))
        }
    }
}
