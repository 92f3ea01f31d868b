import Codec
import Domain
import Foundation
import Postgres
import RPC
import Synthetic
import TestSupport
import Testing

@testable import UserDirectory

/// ImportUsers, ExportUsers and LookupUsers: many users at once.
@Suite("user-directory bulk paths")
struct BulkTests {
    /// The kinds of bad row planted in an import, each at the field path it must be reported at.
    static let badRows: [(field: String, damage: @Sendable (inout ImportRow) -> Void)] = [
        ("user.email", { $0.user.email = "no-at-sign" }),
        ("user.phone", { $0.user.phone = "call me" }),
        ("user.external_id", { $0.user.externalID = "" }),
        ("user.timezone", { $0.user.timezone = "Nowhere/City" }),
        ("user.attributes[\"age\"]", { $0.user.attributes = .object([("age", .string("thirty"))]) }),
    ]

    @Test(
        "an import of 100,000 synthetic users with 1 % bad rows stores exactly the good ones and reports each bad one")
    func importWithBadRows() async throws {
        try await Harness.with { h in
            let population = SyntheticPopulation(seed: 7, count: 100_000)
            var planted: [Int64: String] = [:]
            let rows = (0..<population.count).lazy.map { i -> ImportRow in
                var row = population.user(i).importRow
                if i % 100 == 37 {
                    let bad = Self.badRows[(i / 100) % Self.badRows.count]
                    bad.damage(&row)
                    planted[Int64(i + 1)] = bad.field
                }
                return row
            }
            let result = try await h.users.importUsers(Array(rows), chunk: 2000, timeout: .seconds(600))
            #expect(result.rows == 100_000)
            #expect(result.created == 99_000 && result.updated == 0)
            #expect(result.rejected == 1000)
            #expect(result.errors.count == 1000)
            for error in result.errors {
                #expect(planted[error.row] == error.field, "row \(error.row): \(error.field): \(error.description)")
            }
            #expect(try await h.count("users.users WHERE external_id LIKE 'synthetic-%'") == 99_000)
            #expect(try await h.count("users.consent_history") == 99_000 * 4)
            // A good row is stored as the generator made it (normalized), sealed, and found by its blind index.
            let sample = population.user(12_345)
            let stored = try await h.pool.query(
                "SELECT id FROM users.users WHERE external_id = $1", [sample.profile.externalID])
            let profile = try await h.users.profile(of: try stored[0].decode("id"))
            #expect(profile.email == sample.profile.email && profile.attributes == sample.profile.attributes)
            #expect(profile.timezone == sample.profile.timezone && profile.phone == sample.profile.phone)

            // Again with changes: users are updated by external id, attributes merged name by name.
            let again = (0..<10).map { i -> ImportRow in
                var row = ImportRow(user: UserProfile(externalID: "synthetic-\(i)"))
                row.user.attributes = .object([("plan", .string("enterprise"))])
                return row
            }
            let second = try await h.users.importUsers(again)
            #expect(second.updated == 10 && second.created == 0)
            let merged = try await h.users.profile(
                of: try (try await h.pool.query("SELECT id FROM users.users WHERE external_id = 'synthetic-0'"))[0]
                    .decode("id"))
            #expect(merged.attributes?["plan"].string == "enterprise")
            #expect(merged.attributes?["country"] == population.user(0).profile.attributes?["country"])
            #expect(merged.email == population.user(0).profile.email)
        }
    }

    @Test("an external id named twice in one import is one user, as its last row says, across chunks too")
    func repeatedRows() async throws {
        try await Harness.with { h in
            let rows = [
                ImportRow(user: UserProfile(externalID: "twice", email: "first@example.com", displayName: "First")),
                ImportRow(user: UserProfile(externalID: "once", email: "once@example.com")),
                ImportRow(user: UserProfile(externalID: "twice", email: "second@example.com")),
            ]
            let result = try await h.users.importUsers(rows, chunk: 2)
            #expect(result.created == 2 && result.rows == 3 && result.rejected == 0, "\(result)")
            let id = try await h.pool.query("SELECT id FROM users.users WHERE external_id = 'twice'")[0].decode(
                "id", as: UUID.self)
            let twice = try await h.users.profile(of: id)
            #expect(twice.email == "second@example.com" && twice.displayName == "First")
            #expect(try await h.count("users.users WHERE external_id IN ('twice', 'once')") == 2)
        }
    }

    @Test("an import the client abandons mid-stream leaves nothing behind")
    func abandonedImport() async throws {
        try await Harness.with { h in
            let method = UserDirectoryAPI.importUsers
            let call = h.users.client.stream(method.path, timeout: .seconds(30))
            let population = SyntheticPopulation(seed: 8, count: 2000)
            for chunk in 0..<2 {
                call.send(
                    try method.encodeRequest(
                        ImportChunk(population.users(chunk * 1000..<(chunk + 1) * 1000).map(\.importRow))))
            }
            try await Task.sleep(for: .milliseconds(300))
            call.cancel()
            do {
                for try await _ in call.responses {}
                Issue.record("a cancelled import answered")
            } catch {}
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await h.count("users.users") == 1)
            #expect(try await h.count("users.consent") == 0)
        }
    }

    @Test(
        "ExportUsers streams every user the filter selects, oldest first, in batches; LookupUsers answers in the order asked"
    )
    func exportAndLookup() async throws {
        try await Harness.with { h in
            let population = SyntheticPopulation(seed: 9, count: 1200)
            _ = try await h.users.importUsers(population.users(0..<1200).map(\.importRow))
            var exported: [String] = []
            var batches = 0
            for try await batch in try h.users.export(UserFilter(externalIDPrefix: "synthetic-")) {
                exported += batch.values.map(\.externalID)
                batches += 1
            }
            #expect(exported.count == 1200 && Set(exported).count == 1200)
            #expect(batches >= 3)
            let pro = population.users(0..<1200).filter { $0.profile.attributes?["plan"].string == "pro" }.count
            var proExported = 0
            for try await batch in try h.users.export(UserFilter(attributes: .object([("plan", .string("pro"))]))) {
                proExported += batch.values.count
            }
            #expect(proExported == pro)

            let ids = try await h.pool.query("SELECT id FROM users.users WHERE external_id LIKE 'synthetic-%' LIMIT 50")
                .map { try $0.decode("id", as: UUID.self) }
            let asked = ids.reversed() + [UUID()] + [ids[0]]
            let contacts = try await h.users.lookup(Array(asked))
            #expect(contacts.map(\.userID) == Array(ids.reversed()))  // unknown left out, repeats once
            #expect(contacts.allSatisfy { !$0.email.isEmpty && !$0.timezone.isEmpty })
            let tooMany = try await h.failure(
                "LookupUsers",
                "{\"userIds\": [\(Array(repeating: "\"\(UUID().uuidString)\"", count: 10_001).joined(separator: ","))]}"
            )
            #expect(tooMany.message.contains("user_ids: 10001 ids; at most 10000 a call"))
        }
    }
}
