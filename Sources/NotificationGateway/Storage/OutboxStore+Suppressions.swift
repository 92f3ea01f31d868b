import Domain
import Foundation
import Postgres
import ServiceKit

/// The suppression list (`delivery.suppressions`): addresses never sent to on their channel.
extension OutboxStore {
    /// Adds `suppression` (normalized), or changes the reason of the address already on the list.
    func suppress(_ suppression: Suppression) async throws -> Suppression {
        let result = try await pool.query(
            """
            INSERT INTO delivery.suppressions (channel, address, reason) VALUES ($1::common.notification_channel, $2, $3)
            ON CONFLICT (channel, address) DO UPDATE SET reason = excluded.reason
            RETURNING channel::text AS channel, address, reason, created_at, id
            """, [suppression.channel.rawValue, suppression.address, suppression.reason])
        return try Self.suppression(result[0])
    }

    /// Takes `address` off the list; false when it was not on it.
    func unsuppress(_ address: String, on channel: NotificationChannel) async throws -> Bool {
        try await pool.query(
            "DELETE FROM delivery.suppressions WHERE channel = $1::common.notification_channel AND address = $2",
            [channel.rawValue, address]
        ).affectedRows > 0
    }

    /// The list, oldest first, one channel's or all.
    func suppressions(on channel: NotificationChannel?, page: PageRequest) async throws -> Page<Suppression> {
        var conditions = QueryConditions()
        if let channel { conditions.add(channel.rawValue) { "s.channel = \($0)::common.notification_channel" } }
        conditions.after(page.cursor, createdAt: "s.created_at", id: "s.id", oldestFirst: true)
        let limit = conditions.limit(page)
        let result = try await pool.query(
            """
            SELECT s.channel::text AS channel, s.address, s.reason, s.created_at, s.id FROM delivery.suppressions s
            \(conditions.whereClause) ORDER BY s.created_at, s.id \(limit)
            """, conditions.parameters)
        let rows = try result.map { (try Self.suppression($0), try $0.decode("id", as: UUID.self)) }
        return Page(items: rows, size: page.size) { PageCursor(createdAt: $0.0.createdAt, id: $0.1) }.map(\.0)
    }

    static func suppression(_ row: PostgresRow) throws -> Suppression {
        Suppression(
            channel: try row.enumeration("channel"), address: try row.decode("address"),
            reason: try row.decode("reason"),
            createdAt: try row.decode("created_at"))
    }
}
