import Codec
import Domain
import Foundation
import Postgres
import Synchronization

/// The type of every attribute, fixed by its first value (`users.attribute_types`): a later value of another type is
/// refused, naming the attribute, so that segments comparing it never meet a mixed column. Known types are kept in
/// memory: a type never changes once set.
final class AttributeSchema: Sendable {
    enum Kind: String, Sendable {
        case string, number, boolean, timestamp, list, object
    }

    private let known = Mutex<[String: Kind]>([:])

    /// The kind of a value; nil for null (which removes the attribute).
    static func kind(of value: JSONValue) -> Kind? {
        switch value {
        case .null: nil
        case .bool: .boolean
        case .number: .number
        case .string(let text): isTimestamp(text) ? .timestamp : .string
        case .array: .list
        case .object: .object
        }
    }

    /// RFC 3339 date-times (`2026-12-06T10:00:00Z`, with optional fraction and offset), checked field by field
    /// (a formatter's parse cost a third of an import's time).
    static func isTimestamp(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { b in
            guard (20...35).contains(b.count), b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 116, b[13] == 58,
                b[16] == 58
            else { return false }
            func number(_ start: Int, _ count: Int) -> Int? {
                var value = 0
                for i in start..<(start + count) {
                    guard (48...57).contains(b[i]) else { return nil }
                    value = value * 10 + Int(b[i] - 48)
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
                let minute = number(14, 2), let second = number(17, 2), year >= 1, (1...12).contains(month),
                (1...31).contains(day), hour <= 23, minute <= 59, second <= 60
            else { return false }
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
            guard day <= days else { return false }
            var i = 19
            if b[i] == 46 {  // a fraction
                i += 1
                let start = i
                while i < b.count, (48...57).contains(b[i]) { i += 1 }
                guard i > start, i - start <= 9 else { return false }
            }
            guard i < b.count else { return false }
            if b[i] == 90 || b[i] == 122 { return i + 1 == b.count }  // Z
            guard b[i] == 43 || b[i] == 45, i + 6 == b.count, b[i + 3] == 58, let h = number(i + 1, 2),
                let m = number(i + 4, 2), h <= 23, m <= 59
            else { return false }
            return true
        }
    }

    /// Records the kinds of `attributes` (new names take theirs, in `db`'s transaction) and reports every value whose
    /// kind differs from its attribute's, at `path["name"]`.
    func check(
        _ attributes: [(name: String, kind: Kind)], at path: (String) -> String, on db: PostgresConnection,
        into issues: inout FieldIssues
    )
        async throws
    {
        guard !attributes.isEmpty else { return }
        var types = known.withLock { $0 }
        let unknown = Array(Set(attributes.map(\.name).filter { types[$0] == nil }))
        if !unknown.isEmpty {
            var firstKinds: [String: Kind] = [:]
            for (name, kind) in attributes where firstKinds[name] == nil { firstKinds[name] = kind }
            let inserted = try await db.query(
                """
                INSERT INTO users.attribute_types (name, type) SELECT * FROM unnest($1::text[], $2::text[])
                ON CONFLICT (name) DO NOTHING RETURNING name
                """, [unknown, unknown.map { firstKinds[$0]!.rawValue }])
            let insertedNow = Set(try inserted.map { try $0.decode("name", as: String.self) })
            let stored = try await db.query(
                "SELECT name, type FROM users.attribute_types WHERE name = ANY($1::text[])", [unknown])
            var committed: [String: Kind] = [:]
            for row in stored {
                let name: String = try row.decode("name")
                guard let kind = Kind(rawValue: try row.decode("type")) else { continue }
                types[name] = kind
                // Types this transaction just wrote are not kept until another read finds them committed: a
                // rollback would leave the cache believing in them.
                if !insertedNow.contains(name) { committed[name] = kind }
            }
            known.withLock { $0.merge(committed) { old, _ in old } }
        }
        for (name, kind) in attributes where types[name] != kind {
            issues.add(
                path(name), "a \(kind.rawValue); this attribute holds \(types[name]?.rawValue ?? "other") values")
        }
    }

    /// Forgets the cache (a test that empties the table).
    func reset() { known.withLock { $0 = [:] } }
}
