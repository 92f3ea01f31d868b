import Foundation
import HeraldCore
import Logging
import Postgres
import Synchronization

/// A typed view of a top-level attribute a segment compares by range.
struct AttributeIndex: Hashable, Sendable {
    /// Over users.users without alias: `segments.json_number((attributes -> 'age'))`.
    var expression: String
    var attribute: String
    /// The attribute's type in users.attribute_types that the view reads: number or timestamp.
    var type: String
}

/// Expression indexes on users.users for the typed views of attributes that segments compare by range
/// (`segments.json_number(attributes -> 'age')`), created once each, concurrently (users keep being written), in the
/// background after the segment that needs one is saved. Only for attributes the directory has of that type
/// (`users.attribute_types`), and at most `limit` in all: every index costs every write of a user, so a segment naming
/// an attribute nobody has (or a client naming thousands) builds none. Equality needs none: the GIN index on
/// attributes serves containment.
final class AttributeIndexes: Sendable {
    static let limit = 32
    let pool: PostgresPool
    let logger: Logger
    private let known = Mutex<Set<String>>([])

    init(pool: PostgresPool, logger: Logger) {
        self.pool = pool
        self.logger = logger
    }

    /// The index's name: a hash of its expression (names are at most 63 bytes; expressions are longer).
    static func name(_ expression: String) -> String {
        "idx_users_segment_" + String(FNV1a.hash(expression.utf8), radix: 16)
    }

    func ensure(_ indexes: Set<AttributeIndex>) {
        let new = known.withLock { known in indexes.filter { known.insert($0.expression).inserted } }
        guard !new.isEmpty else { return }
        Task { [pool, logger] in
            for index in new.sorted(by: { $0.expression < $1.expression }) {
                let expression = index.expression
                let name = Self.name(expression)
                do {
                    let allowed = try await pool.query(
                        """
                        SELECT EXISTS (SELECT 1 FROM users.attribute_types WHERE name = $1 AND type = $2) AS typed,
                            (SELECT count(*) FROM pg_indexes WHERE schemaname = 'users'
                                AND indexname LIKE 'idx_users_segment_%' AND indexname <> $3) AS built
                        """, [index.attribute, index.type, name])
                    guard try allowed[0].decode("typed", as: Bool.self),
                        try allowed[0].decode("built", as: Int64.self) < Self.limit
                    else {
                        _ = self.known.withLock { $0.remove(expression) }  // (the attribute may come later)
                        continue
                    }
                    try await pool.query(
                        "CREATE INDEX CONCURRENTLY IF NOT EXISTS \(name) ON users.users (\(expression))")
                } catch {
                    // (an index left invalid by a failed concurrent build is dropped, to be built again next time)
                    logger.warning(
                        "attribute index not built", metadata: ["index": "\(name)", "error": "\(error)"])
                    _ = try? await pool.query("DROP INDEX CONCURRENTLY IF EXISTS users.\(name)")
                    _ = self.known.withLock { $0.remove(expression) }
                }
            }
        }
    }
}
