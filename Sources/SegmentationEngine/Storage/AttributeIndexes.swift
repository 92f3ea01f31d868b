import Foundation
import Logging
import Postgres
import Synchronization

/// Expression indexes on users.users for the typed views of attributes that segments compare by range
/// (`segments.json_number(attributes -> 'age')`), created once each, concurrently (users keep being written), in the
/// background after the segment that needs one is saved. Equality needs none: the GIN index on attributes serves
/// containment.
final class AttributeIndexes: Sendable {
    let pool: PostgresPool
    let logger: Logger
    private let known = Mutex<Set<String>>([])

    init(pool: PostgresPool, logger: Logger) {
        self.pool = pool
        self.logger = logger
    }

    /// The index's name: a hash of its expression (names are at most 63 bytes; expressions are longer).
    static func name(_ expression: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in expression.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return "idx_users_segment_" + String(hash, radix: 16)
    }

    func ensure(_ expressions: Set<String>) {
        let new = known.withLock { known in expressions.filter { known.insert($0).inserted } }
        guard !new.isEmpty else { return }
        Task { [pool, logger] in
            for expression in new.sorted() {
                let name = Self.name(expression)
                do {
                    try await pool.query(
                        "CREATE INDEX CONCURRENTLY IF NOT EXISTS \(name) ON users.users (\(expression))")
                } catch {
                    // (an index left invalid by a failed concurrent build is dropped, to be built again next time)
                    logger.warning(
                        "attribute index not built", metadata: ["index": "\(name)", "error": "\(error)"])
                    try? await pool.query("DROP INDEX CONCURRENTLY IF EXISTS users.\(name)")
                    _ = self.known.withLock { $0.remove(expression) }
                }
            }
        }
    }
}
