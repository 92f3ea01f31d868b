import Foundation
import Postgres

/// One consumer's reading of a feed table (`users.changes`, `segments.membership_changes`): rows with `xid`
/// (`pg_current_xact_id()` of the writing transaction) and `seq`, read in (xid, seq) order, and only those of
/// transactions older than every transaction still running, so that a transaction that started earlier but commits
/// later is never skipped (what reading by a sequence alone cannot promise). The position is a row of `positions`,
/// locked while a batch is applied and advanced in the same transaction: a crash or restart neither loses nor
/// repeats a row, and of several processes only one applies at a time (the others skip, never wait).
public struct FeedReader: Sendable {
    public let table: String
    public let positions: String
    public let consumer: String
    /// The feed's columns the consumer reads.
    public let columns: String

    public init(table: String, positions: String, consumer: String, columns: String) {
        self.table = table
        self.positions = positions
        self.consumer = consumer
        self.columns = columns
    }

    /// Applies the next rows (up to `limit`) with `apply`, in one transaction with the position's advance. Returns
    /// how many rows were applied, or nil when another process holds the position.
    public func next(
        limit: Int, on pool: PostgresPool, _ apply: (PostgresConnection, PostgresResult) async throws -> Void
    ) async throws -> Int? {
        try await pool.query(
            "INSERT INTO \(positions) (consumer) VALUES ($1) ON CONFLICT (consumer) DO NOTHING", [consumer])
        return try await pool.withTransaction { db -> Int? in
            let position = try await db.query(
                "SELECT xid::text AS xid, seq FROM \(positions) WHERE consumer = $1 FOR UPDATE SKIP LOCKED", [consumer])
            guard let at = position.first else { return nil }
            let rows = try await db.query(
                """
                SELECT \(columns), xid::text AS feed_xid, seq AS feed_seq FROM \(table)
                WHERE (xid, seq) > ($1::xid8, $2) AND xid < pg_snapshot_xmin(pg_current_snapshot())
                ORDER BY xid, seq LIMIT $3
                """, [try at.decode("xid", as: String.self), try at.decode("seq", as: Int64.self), limit])
            guard rows.rowCount > 0 else { return 0 }
            let last = rows[rows.rowCount - 1]
            try await apply(db, rows)
            try await db.query(
                "UPDATE \(positions) SET xid = $2::xid8, seq = $3, updated_at = now() WHERE consumer = $1",
                [consumer, try last.decode("feed_xid", as: String.self), try last.decode("feed_seq", as: Int64.self)])
            return rows.rowCount
        }
    }
}
