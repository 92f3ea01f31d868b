import Codec
import Domain
import Foundation
import Postgres
import RPC
import TestSupport
import Testing

@testable import UserDirectory

/// Profiles over real gRPC and PostgreSQL: normalization, every bad field at once, versions and masks, the
/// attribute schema, deletion, lists and devices.
@Suite("user-directory profiles")
struct ProfileTests {
    @Test("a profile is stored normalized (IDNA email, E.164 phone, BCP 47 locale) and read back the same")
    func normalized() async throws {
        try await Harness.with { h in
            let created = try await h.create(
                #""externalId": "ada", "email": " Ada.Lovelace@Bücher.Example ", "phone": "+44 (20) 7946-0958", "displayName": "Ada", "locale": "en_gb", "timezone": "Europe/London", "attributes": {"plan": "pro", "age": 36}"#
            )
            #expect(created["email"].string == "ada.lovelace@xn--bcher-kva.example")
            #expect(created["phone"].string == "+442079460958")
            #expect(created["locale"].string == "en-GB")
            #expect(created["version"].string == "1")
            let id = try #require(created["id"].string)
            #expect(try await h.call("GetUserProfile", "{\"userId\": \"\(id)\"}")["user"] == created)
            // As another service reads it.
            let profile = try await h.users.profile(of: try #require(UUID(uuidString: id)))
            #expect(
                profile.email == "ada.lovelace@xn--bcher-kva.example" && profile.attributes?["plan"].string == "pro")
        }
    }

    @Test("every bad field is named at once, and nothing is stored")
    func badFields() async throws {
        try await Harness.with { h in
            let error = try await h.failure(
                "CreateUser",
                #"{"user": {"email": "not-an-address", "phone": "12", "timezone": "Mars/Olympus", "locale": "!!", "attributes": {"9lives": 1}}}"#
            )
            #expect(error.code == .invalidArgument)
            for fragment in [
                "user.email: expected an address", "user.phone:",
                "user.timezone: unknown IANA time zone \"Mars/Olympus\"",
                "user.locale: expected a BCP 47 tag", "user.attributes[\"9lives\"]: an attribute name",
            ] {
                #expect(error.message.contains(fragment), "\(fragment) not in \(error.message)")
            }
            #expect(try await h.count("users.users") == 1)  // the harness's own user
            let unknown = try await h.failure("GetUserProfile", "{\"userId\": \"\(UUID().uuidString)\"}")
            #expect(unknown.code == .notFound)
            let badID = try await h.failure("GetUserProfile", #"{"userId": "ada"}"#)
            #expect(badID.code == .invalidArgument && badID.message.contains("user_id: expected a UUID"))
        }
    }

    @Test("a second user with the same external id is ALREADY_EXISTS; so is a given id already taken")
    func conflicts() async throws {
        try await Harness.with { h in
            let first = try await h.create(#""externalId": "crm-1""#)
            let again = try await h.failure("CreateUser", #"{"user": {"externalId": "crm-1"}}"#)
            #expect(again.code == .alreadyExists && again.message.contains("external_id"))
            let sameID = try await h.failure("CreateUser", "{\"user\": {\"id\": \"\(first["id"].string ?? "")\"}}")
            #expect(sameID.code == .alreadyExists)
        }
    }

    @Test(
        "updates: a mask changes only its fields, attributes one by one; a stale version is ABORTED; a type change is refused naming the attribute"
    )
    func updates() async throws {
        try await Harness.with { h in
            let created = try await h.create(
                #""externalId": "u1", "email": "u1@example.com", "displayName": "One", "attributes": {"plan": "free", "age": 30}"#
            )
            let id = try #require(created["id"].string)
            let updated = try await h.call(
                "UpdateUserProfile",
                """
                {"user": {"id": "\(id)", "displayName": "ignored", "attributes": {"plan": "pro"}},
                 "updateMask": "attributes.plan,attributes.age", "expectedVersion": 1}
                """)["user"]
            #expect(updated["version"].string == "2")
            #expect(updated["displayName"].string == "One")
            #expect(updated["attributes"].value == .object([("plan", .string("pro"))]))  // age removed: absent in user
            let stale = try await h.failure(
                "UpdateUserProfile",
                "{\"user\": {\"id\": \"\(id)\", \"displayName\": \"Two\"}, \"updateMask\": \"display_name\", \"expectedVersion\": 1}"
            )
            #expect(stale.code == .aborted && stale.message.contains("is at version 2, not 1"))
            let retyped = try await h.failure(
                "UpdateUserProfile",
                "{\"user\": {\"id\": \"\(id)\", \"attributes\": {\"plan\": 3}}, \"updateMask\": \"attributes.plan\"}")
            #expect(retyped.code == .invalidArgument)
            #expect(retyped.message.contains("user.attributes[\"plan\"]"), "\(retyped.message)")
            let badMask = try await h.failure(
                "UpdateUserProfile", "{\"user\": {\"id\": \"\(id)\"}, \"updateMask\": \"version,email,email\"}")
            #expect(badMask.message.contains("update_mask.paths[0]: \"version\" cannot be updated"))
            #expect(badMask.message.contains("update_mask.paths[2]: \"email\" is named twice"))
            // Rectification is audited: who, what fields, which version; no personal data in the trail.
            let audit = try await h.pool.query(
                "SELECT action, detail::text AS detail FROM users.audit WHERE user_id = $1 ORDER BY id",
                [UUID(uuidString: id)!])
            #expect(try audit.map { try $0.decode("action", as: String.self) } == ["create", "update"])
            #expect(try audit.allSatisfy { !(try $0.decode("detail", as: String.self)).contains("u1@example.com") })
        }
    }

    @Test("a deleted user is not found, listed or looked up; DeleteUser with erase records an erasure")
    func deletion() async throws {
        try await Harness.with { h in
            let id = try #require(
                try await h.create(#""externalId": "gone", "email": "gone@example.com""#)["id"].string)
            try await h.call("DeleteUser", "{\"userId\": \"\(id)\"}")
            #expect(try await h.failure("GetUserProfile", "{\"userId\": \"\(id)\"}").code == .notFound)
            #expect(try await h.failure("DeleteUser", "{\"userId\": \"\(id)\"}").code == .notFound)
            #expect(try await h.users.lookup([UUID(uuidString: id)!]).isEmpty)
            let other = try #require(try await h.create(#""externalId": "erase-me""#)["id"].string)
            try await h.call("DeleteUser", "{\"userId\": \"\(other)\", \"erase\": true}")
            let requests = try await h.pool.query(
                "SELECT kind FROM users.data_subject_requests WHERE user_id = $1", [UUID(uuidString: other)!])
            #expect(try requests.map { try $0.decode("kind", as: String.self) } == ["erasure"])
        }
    }

    @Test("ListUsers filters by attributes, creation time, consent, reachability and external id prefix, page by page")
    func lists() async throws {
        try await Harness.with { h in
            var ids: [String] = []
            for i in 0..<5 {
                let email = i < 3 ? "\"email\": \"l\(i)@example.com\", " : ""
                ids.append(
                    try #require(
                        try await h.create(
                            "\(email)\"externalId\": \"list-\(i)\", \"attributes\": {\"plan\": \"\(i % 2 == 0 ? "pro" : "free")\"}"
                        )["id"].string))
            }
            func list(_ filter: String, pageSize: Int = 10, token: String = "") async throws -> ([String], String) {
                let page = try await h.call(
                    "ListUsers",
                    "{\"filter\": \(filter), \"page\": {\"pageSize\": \(pageSize), \"pageToken\": \"\(token)\"}}")
                return (page["users"].items.compactMap { $0["id"].string }, page["page"]["nextPageToken"].string ?? "")
            }
            #expect(Set(try await list(#"{"attributes": {"plan": "pro"}}"#).0) == [ids[0], ids[2], ids[4]])
            #expect(Set(try await list(#"{"reachableOn": "NOTIFICATION_CHANNEL_EMAIL"}"#).0) == Set(ids.prefix(3)))
            #expect(Set(try await list(#"{"externalIdPrefix": "list-"}"#).0) == Set(ids))
            #expect(try await list(#"{"externalIdPrefix": "list_"}"#).0.isEmpty)  // '_' is no wildcard
            // Email consent withdrawn: no longer reachable by email.
            try await h.call(
                "UpdateUserConsent",
                "{\"userId\": \"\(ids[0])\", \"consent\": {\"source\": \"unsubscribe_link\", \"channels\": [{\"channel\": \"NOTIFICATION_CHANNEL_EMAIL\", \"granted\": false}]}}"
            )
            #expect(Set(try await list(#"{"reachableOn": "NOTIFICATION_CHANNEL_EMAIL"}"#).0) == [ids[1], ids[2]])
            try await h.call(
                "UpdateUserConsent",
                "{\"userId\": \"\(ids[3])\", \"consent\": {\"source\": \"signup\", \"marketing\": true}}")
            #expect(try await list(#"{"consentedTo": "CONSENT_PURPOSE_MARKETING"}"#).0 == [ids[3]])
            // Pages of two: every user once, newest first, then no token.
            var seen: [String] = []
            var token = ""
            repeat {
                let (page, next) = try await list(#"{"externalIdPrefix": "list-"}"#, pageSize: 2, token: token)
                seen += page
                token = next
            } while !token.isEmpty
            #expect(seen == ids.reversed())
            let range = try await h.failure(
                "ListUsers",
                #"{"filter": {"created": {"start": "2026-01-02T00:00:00Z", "end": "2026-01-01T00:00:00Z"}}}"#)
            #expect(range.message.contains("filter.created.end: must be later than the start"))
        }
    }

    @Test("a push token belongs to one user: registering it for another moves it; unregistering removes it")
    func devices() async throws {
        try await Harness.with { h in
            let a = try #require(try await h.create(#""externalId": "a""#)["id"].string)
            let b = try #require(try await h.create(#""externalId": "b""#)["id"].string)
            let device = #"{"token": "apns-token-1", "platform": "DEVICE_PLATFORM_APNS", "appId": "com.example"}"#
            let onA = try await h.call("RegisterDevice", "{\"userId\": \"\(a)\", \"device\": \(device)}")["user"]
            #expect(onA["devices"].count == 1 && onA["deviceTokens"][0].string == "apns-token-1")
            let onB = try await h.call("RegisterDevice", "{\"userId\": \"\(b)\", \"device\": \(device)}")["user"]
            #expect(onB["devices"][0]["platform"].string == "DEVICE_PLATFORM_APNS")
            #expect(try await h.call("GetUserProfile", "{\"userId\": \"\(a)\"}")["user"]["devices"].count == 0)
            let missing = try await h.failure(
                "RegisterDevice", "{\"userId\": \"\(a)\", \"device\": {\"token\": \"t\"}}")
            #expect(missing.message.contains("device.platform: required"))
            try await h.call("UnregisterDevice", #"{"token": "apns-token-1"}"#)
            #expect(try await h.call("GetUserProfile", "{\"userId\": \"\(b)\"}")["user"]["devices"].count == 0)
            try await h.call("UnregisterDevice", #"{"token": "apns-token-1"}"#)  // again: no error
            // Tokens are stored sealed, found by their blind index.
            let plain = try await h.pool.query(
                "SELECT count(*)::int8 AS n FROM users.devices WHERE position('apns-token'::bytea IN token_enc) > 0")
            #expect(try plain[0].decode("n", as: Int.self) == 0)
        }
    }
}

/// The validators' fast paths agree with the full rules.
@Suite("user-directory validation")
struct ValidationTests {
    @Test("ASCII emails: the fast path gives what the IDNA path gives, or leaves the address to it")
    func asciiEmails() {
        for address in [
            "Ada@Example.COM", "a.b-c_d+e@mail.example.co.uk", "x@y.z", "a..b@example.com", ".a@example.com",
            "a.@example.com", "a@-example.com", "a@example", "a@1.2", "a@b@c.d", "a b@example.com", "a@exa_mple.com",
            "\(String(repeating: "a", count: 65))@example.com", "a@\(String(repeating: "b", count: 64)).com",
        ] {
            let full = ContactAddress.email(address)
            if let fast = ContactAddress.asciiEmail(address) {
                #expect((try? full.get()) == fast, "\(address): fast \(fast), full \(full)")
            }
        }
        #expect(ContactAddress.asciiEmail("Ada@Example.COM") == "ada@example.com")
    }

    @Test("RFC 3339 timestamps are told from other strings")
    func timestamps() {
        for text in [
            "2026-12-06T10:00:00Z", "2026-12-06t10:00:00z", "2024-02-29T23:59:60.123456789+05:30",
            "0001-01-01T00:00:00-00:00",
        ] {
            #expect(AttributeSchema.isTimestamp(text), "\(text)")
        }
        for text in [
            "2026-12-06", "2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z", "2026-12-06T24:00:00Z", "2026-12-06T10:00:00",
            "2026-12-06T10:00:00.Z", "2026-12-06T10:00:00+0530", "2026-12-06 10:00:00Z",
            "later than 2026-12-06T10:00:00Z",
        ] {
            #expect(!AttributeSchema.isTimestamp(text), "\(text)")
        }
    }
}
