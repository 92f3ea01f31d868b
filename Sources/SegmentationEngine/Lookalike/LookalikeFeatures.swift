import Domain
import Foundation
import Postgres

/// The features a lookalike model sees of a user, each an SQL expression over a user row `u` (and `act`, their
/// activity counts by type), so that training rows and the scoring of every user are computed the same way, in the
/// database. Chosen from a training sample: numeric and boolean attributes, one-hot values of string attributes and
/// elements of list attributes (the frequent ones), counts of the frequent activity types (log-scaled), and tenure.
struct LookalikeFeatures {
    struct Feature: Codable, Equatable {
        /// What it is, for an operator reading the model ("attributes.plan = pro", "activity purchase").
        var name: String
        /// The SQL expression (its values as `$n` placeholders of the statement it was built for).
        var sql: String
    }

    var features: [Feature] = []
    /// The activity types counted, and since when.
    var activityTypes: [String] = []
    let since: Date

    static let maxValuesPerAttribute = 10
    static let maxActivityTypes = 15
    static let activityWindowDays = 90.0

    init(since: Date) { self.since = since }

    /// Reads which features the sample's users have (keys, types, frequent values, activity types).
    static func discover(sample: [UUID], on db: PostgresConnection, now: Date = Date()) async throws -> Discovered {
        let minimum = max(5, sample.count / 100)
        var discovered = Discovered()
        for row in try await db.query(
            """
            SELECT e.key, jsonb_typeof(e.value) AS kind, count(*) AS n FROM users.users u, jsonb_each(u.attributes) e
            WHERE u.id = ANY($1::uuid[]) GROUP BY 1, 2 HAVING count(*) >= $2 ORDER BY 1, 2
            """, [sample, minimum])
        {
            let key: String = try row.decode("key")
            guard ConditionField.validName(key[...]) else { continue }
            switch try row.decode("kind", as: String.self) {
            case "number": discovered.numbers.append(key)
            case "boolean": discovered.booleans.append(key)
            default: break
            }
        }
        for row in try await db.query(
            """
            SELECT key, value, kind FROM (
                SELECT e.key, e.value #>> '{}' AS value, 'string' AS kind, count(*) AS n FROM users.users u, jsonb_each(u.attributes) e
                WHERE u.id = ANY($1::uuid[]) AND jsonb_typeof(e.value) = 'string' GROUP BY 1, 2
                UNION ALL
                SELECT e.key, x AS value, 'list' AS kind, count(*) AS n FROM users.users u, jsonb_each(u.attributes) e,
                    jsonb_array_elements_text(CASE WHEN jsonb_typeof(e.value) = 'array' THEN e.value ELSE '[]' END) x
                WHERE u.id = ANY($1::uuid[]) GROUP BY 1, 2) v
            WHERE n >= $2 ORDER BY key, kind, n DESC, value
            """, [sample, minimum])
        {
            let key: String = try row.decode("key")
            guard ConditionField.validName(key[...]) else { continue }
            let kind: String = try row.decode("kind")
            var values = kind == "list" ? discovered.elements[key, default: []] : discovered.strings[key, default: []]
            guard values.count < maxValuesPerAttribute else { continue }
            values.append(try row.decode("value"))
            if kind == "list" { discovered.elements[key] = values } else { discovered.strings[key] = values }
        }
        discovered.activityTypes = try await db.query(
            """
            SELECT type FROM users.activity WHERE user_id = ANY($1::uuid[]) AND at >= $2
            GROUP BY type HAVING count(DISTINCT user_id) >= $3 ORDER BY count(DISTINCT user_id) DESC, type LIMIT $4
            """,
            [sample, now.addingTimeInterval(-activityWindowDays * 86_400), minimum, maxActivityTypes]
        ).map { try $0.decode("type") }
        return discovered
    }

    struct Discovered: Codable, Equatable {
        var numbers: [String] = []
        var booleans: [String] = []
        var strings: [String: [String]] = [:]
        var elements: [String: [String]] = [:]
        var activityTypes: [String] = []
    }

    /// The features of `discovered`, their values bound into `parameters`.
    init(_ d: Discovered, since: Date, parameters: inout SQLParameters) {
        self.since = since
        activityTypes = d.activityTypes
        func attribute(_ key: String) -> String { "(u.attributes -> '\(key)')" }
        for key in d.numbers {
            features.append(Feature(name: "attributes.\(key)", sql: "segments.json_number\(attribute(key))::float8"))
        }
        for key in d.booleans {
            features.append(
                Feature(
                    name: "attributes.\(key)",
                    sql:
                        "CASE WHEN jsonb_typeof\(attribute(key)) = 'boolean' THEN (\(attribute(key)) #>> '{}')::boolean::int::float8 END"
                ))
        }
        for key in d.strings.keys.sorted() {
            for value in d.strings[key]! {
                let p = parameters.bind(value)
                features.append(
                    Feature(
                        name: "attributes.\(key) = \(value)",
                        sql: "coalesce(\(attribute(key)) = to_jsonb(\(p)::text), false)::int::float8"))
            }
        }
        for key in d.elements.keys.sorted() {
            for value in d.elements[key]! {
                let p = parameters.bind(value)
                features.append(
                    Feature(
                        name: "attributes.\(key) contains \(value)",
                        sql: "coalesce(\(attribute(key)) @> jsonb_build_array(\(p)::text), false)::int::float8"))
            }
        }
        for type in d.activityTypes {
            let p = parameters.bind(type)
            features.append(
                Feature(name: "activity \(type)", sql: "ln(1 + coalesce((act.counts ->> \(p)::text)::float8, 0))"))
        }
        features.append(
            Feature(name: "tenure", sql: "ln(1 + greatest(extract(epoch FROM now() - u.created_at), 0) / 86400)"))
    }

    /// `FROM` users with their activity counts (`act`), for the feature expressions.
    func from(_ parameters: inout SQLParameters) -> String {
        let since = parameters.bind(self.since)
        let types = parameters.bind(activityTypes)
        return """
            users.users u LEFT JOIN (
                SELECT c.user_id, jsonb_object_agg(c.type, c.n) AS counts FROM (
                    SELECT a.user_id, a.type, count(*) AS n FROM users.activity a
                    WHERE a.at >= \(since) AND a.type = ANY(\(types)::text[]) GROUP BY 1, 2) c
                GROUP BY c.user_id) act ON act.user_id = u.id
            """
    }

    /// Every feature of a user as one float8[] (NaN where a value is missing).
    var vector: String {
        "ARRAY[" + features.map { "coalesce(\($0.sql), 'NaN'::float8)" }.joined(separator: ", ") + "]::float8[]"
    }
}
