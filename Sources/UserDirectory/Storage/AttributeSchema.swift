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

    /// RFC 3339 date-times (`2026-12-06T10:00:00Z`, with optional fraction and offset).
    static func isTimestamp(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.count <= 35, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84 || bytes[10] == 116,
            bytes[13] == 58, bytes[16] == 58
        else { return false }
        return Self.timestampFormat.date(from: text) != nil || Self.fractionalFormat.date(from: text) != nil
    }

    nonisolated(unsafe) private static let timestampFormat = ISO8601DateFormatter()
    nonisolated(unsafe) private static let fractionalFormat: ISO8601DateFormatter = {
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return format
    }()

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
