import ArgumentParser
import Codec
import Domain
import Foundation
import HeraldCore
import Synthetic

extension UsersCommand {
    /// `heraldctl users generate`: the synthetic population (`SyntheticPopulation`) as an import file, so that the
    /// demo, the benchmarks and anyone trying Herald load the same seeded users.
    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print seeded synthetic users as an import file (CSV or JSON lines), or as COPY rows of users.users or users.activity.",
            discussion: """
                The same seed gives the same users. --format copy prints PostgreSQL COPY text rows of users.users \
                (external_id, email_enc, phone_enc, display_name_enc, locale, timezone, attributes) with the personal \
                fields unencrypted: a baseline for load benchmarks, not for a real directory. --format ids prints each \
                user's benchmark id (SyntheticPopulation.id) and lifetime value, tab-separated, for benchmarks that \
                address users without importing them. --with-ids puts that id first in each copy row (COPY into id, \
                external_id, ...). --format activity prints COPY rows of users.activity (user_id, id, at, type, \
                properties) of those ids: --days days of each user's activity, ending now.
                """)
        @Option(help: "How many users.") var count = 1000
        @Option(help: "The population's seed.") var seed: UInt64 = 42
        @Option(help: "The first user's number.") var first = 0
        @Option(help: "csv, jsonl, copy, ids or activity.") var format = "csv"
        @Flag(help: "Leave consent out (profiles and attributes only).") var withoutConsent = false
        @Flag(name: .customLong("with-ids"), help: "With --format copy: each user's benchmark id first.") var withIDs =
            false
        @Option(help: "With --format activity: days of activity per user, ending now.") var days = 30

        static let attributeNames = [
            "age", "country", "interests", "last_order_at", "lifetime_value", "newsletter", "plan", "score",
            "signup_days",
            "vip",
        ]

        func run() async throws {
            guard ["csv", "jsonl", "copy", "ids", "activity"].contains(format) else {
                throw ValidationError("--format: csv, jsonl, copy, ids or activity")
            }
            let now = Date()
            let population = SyntheticPopulation(seed: seed, count: first + count)
            var out = ""
            if format == "csv" {
                let consent = withoutConsent ? [] : ["marketing", "analytics"]
                out =
                    (["external_id", "email", "phone", "display_name", "locale", "timezone"] + consent
                    + Self.attributeNames).joined(separator: ",") + "\n"
            }
            for i in first..<(first + count) {
                let user = population.user(i)
                switch format {
                case "csv": out += Self.csv(user, consent: !withoutConsent)
                case "jsonl": out += Self.jsonLine(user, consent: !withoutConsent)
                case "ids":
                    let value = user.profile.attributes?["lifetime_value"].text() ?? "0"
                    out += population.id(i).lowercased + "\t" + value + "\n"
                case "activity":
                    let id = population.id(i).lowercased
                    for activity in population.activities(of: i, days: days, end: now) {
                        out +=
                            [
                                id, Self.escaped(activity.id), activity.at!.ISO8601Format(.iso8601),
                                Self.escaped(activity.type),
                                Self.escaped(activity.properties?.text() ?? "{}"),
                            ].joined(separator: "\t") + "\n"
                    }
                default: out += (withIDs ? population.id(i).lowercased + "\t" : "") + Self.copyRow(user)
                }
                if out.utf8.count > 1 << 20 {
                    FileHandle.standardOutput.write(Data(out.utf8))
                    out.removeAll(keepingCapacity: true)
                }
            }
            FileHandle.standardOutput.write(Data(out.utf8))
        }

        static func csv(_ user: SyntheticUser, consent: Bool) -> String {
            let p = user.profile
            var fields = [p.externalID, p.email, p.phone, p.displayName, p.locale, p.timezone]
            if consent {
                fields += [
                    user.consent.marketing.map(String.init) ?? "", user.consent.analytics.map(String.init) ?? "",
                ]
            }
            for name in attributeNames {
                let value = p.attributes?[name] ?? .null
                fields.append(value.string ?? (value == .null ? "" : value.text()))
            }
            return fields.map(CSV.quote).joined(separator: ",") + "\n"
        }

        static func jsonLine(_ user: SyntheticUser, consent withConsent: Bool) -> String {
            let p = user.profile
            var profile: [(String, JSONValue)] = [
                ("externalId", .string(p.externalID)), ("email", .string(p.email)), ("phone", .string(p.phone)),
                ("displayName", .string(p.displayName)), ("locale", .string(p.locale)),
                ("timezone", .string(p.timezone)),
            ]
            if let attributes = p.attributes { profile.append(("attributes", attributes)) }
            var consent: [(String, JSONValue)] = [("source", .string(user.consent.source))]
            if let marketing = user.consent.marketing { consent.append(("marketing", .bool(marketing))) }
            if let analytics = user.consent.analytics { consent.append(("analytics", .bool(analytics))) }
            return JSONValue.object([("user", .object(profile))] + (withConsent ? [("consent", .object(consent))] : []))
                .text() + "\n"
        }

        /// A COPY text row: tabs between columns, bytea in hex, backslashes escaped.
        static func escaped(_ text: String) -> String {
            text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
                .replacingOccurrences(of: "\n", with: "\\n")
        }

        static func copyRow(_ user: SyntheticUser) -> String {
            let p = user.profile
            func hex(_ text: String) -> String { "\\\\x" + text.utf8.map { String(format: "%02x", $0) }.joined() }
            return [
                escaped(p.externalID), hex(p.email), hex(p.phone), hex(p.displayName), escaped(p.locale),
                escaped(p.timezone), escaped((p.attributes ?? .object([])).text()),
            ].joined(separator: "\t") + "\n"
        }
    }
}
