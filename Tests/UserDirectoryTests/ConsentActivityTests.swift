import Codec
import Domain
import Foundation
import Postgres
import RPC
import ServiceKit
import TestSupport
import Testing

@testable import UserDirectory

/// Preferences, consent with its history, activity and what segmentation reads.
@Suite("user-directory consent and activity")
struct ConsentActivityTests {
    @Test("preferences round trip; quiet hours and limits are checked")
    func preferences() async throws {
        try await Harness.with { h in
            let id = try #require(try await h.create(#""externalId": "p""#)["id"].string)
            let preferences =
                #"{"preferredChannels": ["NOTIFICATION_CHANNEL_EMAIL", "NOTIFICATION_CHANNEL_PUSH"], "language": "fr", "topics": ["news"], "maxMessagesPerDay": 3, "quietHours": "22:00-07:00", "unsubscribedTopics": ["promo"]}"#
            try await h.call("UpdateUserPreferences", "{\"userId\": \"\(id)\", \"preferences\": \(preferences)}")
            let read = try await h.call("GetUserPreferences", "{\"userId\": \"\(id)\"}")["preferences"]
            #expect(read.value == (try JSONValue.parse(preferences)))
            let bad = try await h.failure(
                "UpdateUserPreferences",
                "{\"userId\": \"\(id)\", \"preferences\": {\"quietHours\": \"25:00-07:00\", \"maxMessagesPerDay\": 5000, \"topics\": [\"\"]}}"
            )
            #expect(bad.message.contains("preferences.quiet_hours: expected HH:MM-HH:MM"))
            #expect(bad.message.contains("preferences.max_messages_per_day: 0 (no limit) to 1000"))
            #expect(bad.message.contains("preferences.topics[0]: a topic has 1 to 64 characters"))
            #expect(try await h.call("GetUserPreferences", "{\"userId\": \"\(id)\"}")["preferences"] == read)
        }
    }

    @Test(
        "consent per channel and purpose with source and legal basis; every change kept; marketing withdrawn shows at once"
    )
    func consent() async throws {
        try await Harness.with { h in
            let id = try #require(try await h.create(#""externalId": "c", "email": "c@example.com""#)["id"].string)
            try await h.call(
                "UpdateUserConsent",
                """
                {"userId": "\(id)", "consent": {"source": "signup_form", "legalBasis": "consent", "marketing": true,
                 "channels": [{"channel": "NOTIFICATION_CHANNEL_EMAIL", "granted": true}],
                 "purposes": [{"purpose": "CONSENT_PURPOSE_PERSONALIZATION", "granted": true, "legalBasis": "legitimate_interest"}]}}
                """)
            try await h.call(
                "UpdateUserConsent",
                "{\"userId\": \"\(id)\", \"consent\": {\"source\": \"unsubscribe_link\", \"marketing\": false}}")
            let status = try await h.call("GetUserConsent", "{\"userId\": \"\(id)\", \"includeHistory\": true}")[
                "consent"]
            let purposes = Dictionary(
                uniqueKeysWithValues: status["purposes"].items.map {
                    ($0["purpose"].string ?? "", ($0["granted"].bool ?? false, $0["source"].string ?? ""))
                })
            #expect(purposes["CONSENT_PURPOSE_MARKETING"]! == (false, "unsubscribe_link"))
            #expect(purposes["CONSENT_PURPOSE_PERSONALIZATION"]! == (true, "signup_form"))
            #expect(status["channels"][0]["granted"].bool == true)
            #expect(status["history"].count == 4)
            #expect(status["history"][3]["source"].string == "unsubscribe_link")
            // What the send pipeline reads for this user says so too.
            let contact = try #require(try await h.users.lookup([UUID(uuidString: id)!]).first)
            #expect(contact.consent.purposes.first { $0.purpose == .marketing }?.granted == false)
            let empty = try await h.failure("UpdateUserConsent", "{\"userId\": \"\(id)\", \"consent\": {}}")
            #expect(empty.message.contains("consent.source: required"))
            #expect(empty.message.contains("consent: nothing to change"))
        }
    }

    @Test("activity: stored once per id, in its month's partition; unknown users and times out of range refused")
    func activity() async throws {
        try await Harness.with { h in
            let id = try #require(try await h.create(#""externalId": "act""#)["id"].string)
            let track = { (json: String) in
                _ = try await h.call("TrackUserActivity", "{\"userId\": \"\(id)\", \"activity\": \(json)}")
            }
            try await track(#"{"id": "e1", "type": "purchase", "properties": {"revenue": 12.5, "category": "audio"}}"#)
            try await track(#"{"id": "e1", "type": "purchase", "properties": {"revenue": 12.5, "category": "audio"}}"#)
            let stored = try await h.call(
                "TrackUserActivities",
                """
                {"activities": [{"userId": "\(id)", "activity": {"id": "e2", "type": "view"}},
                 {"userId": "\(id)", "activity": {"id": "e2", "type": "view"}},
                 {"userId": "\(UUID().uuidString)", "activity": {"id": "e3", "type": "view"}}]}
                """)
            #expect(stored["stored"].number == 1)
            #expect(try await h.count("users.activity") == 2)
            let unknown = try await h.failure(
                "TrackUserActivity",
                "{\"userId\": \"\(UUID().uuidString)\", \"activity\": {\"id\": \"x\", \"type\": \"view\"}}")
            #expect(unknown.code == .notFound)
            let old = try await h.failure(
                "TrackUserActivity",
                "{\"userId\": \"\(id)\", \"activity\": {\"id\": \"x\", \"type\": \"view\", \"at\": \"2001-01-01T00:00:00Z\"}}"
            )
            #expect(old.message.contains("activity.at: must be within the last 730 days"))
            let missing = try await h.failure("TrackUserActivity", "{\"userId\": \"\(id)\", \"activity\": {}}")
            #expect(
                missing.message.contains("activity.id: required") && missing.message.contains("activity.type: required")
            )
            let data = try await h.call("GetUserSegmentData", "{\"userId\": \"\(id)\"}")["data"]
            #expect(data["lifetimeValue"].number == 12.5)
            #expect(data["eventCounts"]["purchase"].string == "1" && data["eventCounts"]["view"].string == "1")
            #expect(data["lastActiveAt"].string != nil)
        }
    }

    @Test("analytics consent withdrawn: that user's activity is no longer stored")
    func analyticsWithdrawn() async throws {
        try await Harness.with { h in
            let id = try #require(try await h.create(#""externalId": "private""#)["id"].string)
            try await h.call(
                "UpdateUserConsent",
                "{\"userId\": \"\(id)\", \"consent\": {\"source\": \"settings\", \"analytics\": false}}")
            try await h.call(
                "TrackUserActivity", "{\"userId\": \"\(id)\", \"activity\": {\"id\": \"e\", \"type\": \"view\"}}")
            #expect(try await h.count("users.activity") == 0)
        }
    }

    @Test("partition upkeep: months ahead exist, months past retention are dropped whole")
    func partitions() async throws {
        try await Harness.with(retentionDays: 60) { h in
            let now = Date()
            let old = MonthlyPartitions.firstDay(MonthlyPartitions.month(now) - 6)
            try await h.pool.query("SELECT users.create_activity_partitions($1::date, 1)", [PostgresDate(old)])
            // The upkeep the service started may get there first: either way the old month is gone.
            _ = try await h.service.store.partitions.maintain(
                pool: h.pool, retention: h.service.store.activityRetention, now: now)
            func present(_ month: Date) async throws -> Bool {
                let index = MonthlyPartitions.month(month)
                let name = "users.activity_" + String(format: "%04d_%02d", index / 12, index % 12 + 1)
                return try await h.pool.query("SELECT to_regclass($1) IS NOT NULL AS present", [name])[0].decode(
                    "present", as: Bool.self)
            }
            #expect(try await !present(old))
            #expect(try await present(MonthlyPartitions.firstDay(MonthlyPartitions.month(now) + 2)))
            #expect(try await present(now))
        }
    }
}
