import Codec
import Domain
import Foundation
import HeraldCore
import Postgres
import RPC
import Synchronization
import TestSupport
import Testing

@testable import UserDirectory

/// Personal data at rest and GDPR data-subject requests.
@Suite("user-directory privacy")
struct PrivacyTests {
    @Test("personal data is stored only sealed: no plaintext email, phone or name in any column (checked in SQL)")
    func noPlaintext() async throws {
        try await Harness.with { h in
            _ = try await h.create(
                #""externalId": "secret", "email": "grace.hopper@example.com", "phone": "+12025550123", "displayName": "Grace Hopper""#
            )
            for needle in ["grace.hopper", "2025550123", "Grace Hopper"] {
                let rows = try await h.pool.query(
                    """
                    SELECT count(*)::int8 AS n FROM users.users u
                    WHERE position(convert_to($1, 'UTF8') IN COALESCE(u.email_enc, '') || COALESCE(u.phone_enc, '')
                        || COALESCE(u.display_name_enc, '') || COALESCE(u.email_index, '') || COALESCE(u.phone_index, '')) > 0
                        OR row_to_json(u)::text LIKE '%' || $1 || '%'
                    """, [needle])
                #expect(try rows[0].decode("n", as: Int.self) == 0, "\(needle) found in plaintext")
            }
            let sealed = try await h.pool.query(
                "SELECT key_id, length(email_enc) AS n FROM users.users WHERE external_id = 'secret'")
            #expect(try sealed[0].decode("key_id", as: String.self) == "k1")
            #expect(try sealed[0].decode("n", as: Int.self) > "grace.hopper@example.com".utf8.count)
        }
    }

    @Test("ExportUserData: one JSON document of everything held on the user, recorded as a completed access request")
    func access() async throws {
        try await Harness.with { h in
            let id = try #require(
                try await h.create(
                    #""externalId": "dsar", "email": "dsar@example.com", "attributes": {"plan": "pro"}"#)["id"]
                    .string)
            try await h.call(
                "TrackUserActivity", "{\"userId\": \"\(id)\", \"activity\": {\"id\": \"a\", \"type\": \"login\"}}")
            let response = try await h.call(
                "ExportUserData", "{\"userId\": \"\(id)\", \"requestedBy\": \"privacy@example.com\"}")
            let own = response["data"].value.members.first { $0.0 == "user-directory" }?.1
            #expect(own?["profile"]["email"] == .string("dsar@example.com"))
            #expect(own?["activity"].items.count == 1)
            #expect(response["request"]["state"].string == "DATA_SUBJECT_REQUEST_STATE_COMPLETED")
            #expect(response["request"]["kind"].string == "DATA_SUBJECT_REQUEST_KIND_ACCESS")
            let missing = try await h.failure("ExportUserData", "{\"userId\": \"\(id)\"}")
            #expect(missing.message.contains("requested_by: required"))
        }
    }

    @Test(
        "EraseUser: personal data removed, the request reports each service's progress, a failing step is retried until done"
    )
    func erasure() async throws {
        let failures = Failures(remaining: 2)
        let flaky = DataSubjectParticipant(
            service: "flaky-service", export: { _ in .object([]) },
            erase: { _, _ in if failures.take() { throw ServiceError(.unavailable, "flaky-service is down") } })
        try await Harness.with(participants: [flaky]) { h in
            let id = try #require(
                try await h.create(#""externalId": "bye", "email": "bye@example.com", "phone": "+12025550199""#)["id"]
                    .string)
            try await h.call(
                "RegisterDevice",
                "{\"userId\": \"\(id)\", \"device\": {\"token\": \"t-bye\", \"platform\": \"DEVICE_PLATFORM_FCM\"}}")
            let request = try await h.call(
                "EraseUser", "{\"userId\": \"\(id)\", \"requestedBy\": \"privacy@example.com\"}")["request"]
            let requestID = try #require(request["id"].string)
            var status = request
            for _ in 0..<100 where status["state"].string != "DATA_SUBJECT_REQUEST_STATE_COMPLETED" {
                try await Task.sleep(for: .milliseconds(200))
                status = try await h.call("GetDataSubjectRequest", "{\"requestId\": \"\(requestID)\"}")["request"]
            }
            #expect(status["state"].string == "DATA_SUBJECT_REQUEST_STATE_COMPLETED", "\(status)")
            let steps = Dictionary(uniqueKeysWithValues: status["steps"].items.map { ($0["service"].string ?? "", $0) })
            #expect(steps["user-directory"]?["done"].bool == true)
            #expect(steps["flaky-service"]?["attempts"].number == 3)
            #expect(try await h.failure("GetUserProfile", "{\"userId\": \"\(id)\"}").code == .notFound)
            let row = try await h.pool.query(
                "SELECT external_id, email_enc, phone_enc, erased_at IS NOT NULL AS erased FROM users.users WHERE id = $1",
                [UUID(uuidString: id)!])
            #expect(try row[0].decode("external_id", as: String?.self) == nil)
            #expect(try row[0].decode("email_enc", as: Data?.self) == nil && row[0].decode("erased", as: Bool.self))
            #expect(try await h.count("users.devices") == 0)
            let actions = try await h.pool.query(
                "SELECT action FROM users.audit WHERE user_id = $1 ORDER BY id", [UUID(uuidString: id)!]
            ).map { try $0.decode("action", as: String.self) }
            #expect(actions.suffix(3) == ["gdpr.erasure", "erase", "gdpr.erasure.completed"], "\(actions)")
        }
    }

    @Test("a request claimed by a process that died is taken over once its lease expires")
    func abandonedClaim() async throws {
        try await Harness.with { h in
            let id = try #require(
                try await h.create(#""externalId": "claimed", "email": "c@example.com""#)["id"].string)
            // Recorded and claimed by "another process" that then died: its lease runs out in a second.
            let request = try await h.service.store.record(
                .erasure, of: UUID(uuidString: id)!, by: "test", steps: [DataSubjectStep(service: "user-directory")],
                completed: false, delay: .seconds(3600))
            try await h.pool.query(
                "UPDATE users.data_subject_requests SET state = 'running', due_at = now(), claimed_until = now() + interval '1 second' WHERE id = $1",
                [request.id])
            var state = ""
            for _ in 0..<50 where state != "completed" {
                try await Task.sleep(for: .milliseconds(200))
                state = try await h.pool.query(
                    "SELECT state FROM users.data_subject_requests WHERE id = $1", [request.id])[0]
                    .decode("state")
            }
            #expect(state == "completed")
        }
    }

    @Test(
        "keys: a wrong key or a missing previous key refuses to start; rotation re-seals every value with the new key")
    func keys() async throws {
        try await Harness.with { h in
            _ = try await h.create(#""externalId": "k", "email": "k@example.com", "displayName": "K""#)
            let id = try #require(try await h.create(#""externalId": "k2", "phone": "+12025550100""#)["id"].string)
            try await h.call(
                "RegisterDevice",
                "{\"userId\": \"\(id)\", \"device\": {\"token\": \"t-k\", \"platform\": \"DEVICE_PLATFORM_APNS\"}}")
            let newKey = (0..<32).map { _ in UInt8.random(in: 0...255) }
            let original = Harness.ring.keys["k1"]!
            func refusal(_ ring: KeyRing) async throws -> String? {
                do {
                    try await KeyCheck.verify(UserStore(pool: h.pool, ring: ring))
                    return nil
                } catch let error as ConfigError {
                    return error.description
                }
            }
            let wrong = try await refusal(try KeyRing(current: ("k1", newKey)))
            #expect(wrong?.contains("does not open users.users") == true, "\(wrong ?? "accepted")")
            let lost = try await refusal(try KeyRing(current: ("k2", newKey)))
            #expect(lost?.contains("sealed with key \"k1\"") == true, "\(lost ?? "accepted")")
            let wrongIndex = try await refusal(try KeyRing(current: ("k2", newKey), previous: ["k1": original]))
            #expect(wrongIndex?.contains("ENCRYPTION_INDEX_KEY_ID") == true, "\(wrongIndex ?? "accepted")")

            let rotated = try KeyRing(current: ("k2", newKey), previous: ["k1": original], indexKeyID: "k1")
            #expect(try await refusal(rotated) == nil)
            let store = UserStore(pool: h.pool, ring: rotated)
            while try await store.reseal(batch: 1) > 0 {}
            #expect(try await h.count("users.users WHERE key_id = 'k1'") == 0)
            #expect(try await h.count("users.devices WHERE key_id = 'k1'") == 0)
            // Without the old key (kept only for the blind index) everything still opens.
            let onlyNew = try KeyRing(current: ("k2", newKey), previous: ["idx": original], indexKeyID: "idx")
            #expect(try await refusal(onlyNew) == nil)
            let profile = try await UserStore(pool: h.pool, ring: onlyNew).get(UUID(uuidString: id)!)
            #expect(profile.phone == "+12025550100" && profile.devices.first?.token == "t-k")
        }
    }
}

/// A participant's step that fails a number of times first.
final class Failures: Sendable {
    private let remaining: Mutex<Int>
    init(remaining: Int) { self.remaining = Mutex(remaining) }
    /// Whether this attempt fails.
    func take() -> Bool {
        remaining.withLock {
            guard $0 > 0 else { return false }
            $0 -= 1
            return true
        }
    }
}
