import Domain
import Foundation
import Postgres
import ServiceKit

/// In-app messages: delivered into the user's inbox (the outbox row itself), listed newest first until dismissed
/// or expired, marked read.
extension OutboxStore {
    func inbox(of user: UUID, page: PageRequest) async throws -> Page<InAppMessage> {
        var conditions = QueryConditions(after: [user])
        conditions.add("m.user_id = $1")
        conditions.add("m.channel = 'in_app' AND m.dismissed_at IS NULL AND m.state = 'delivered'")
        conditions.add("(m.expires_at IS NULL OR m.expires_at > now())")
        conditions.after(page.cursor, createdAt: "m.accepted_at", id: "m.id")
        let limit = conditions.limit(page)
        let result = try await pool.query(
            """
            SELECT \(Self.statusColumns), m.content, m.read_at FROM delivery.messages m \(conditions.whereClause) ORDER BY m.accepted_at DESC, m.id DESC \(limit)
            """, conditions.parameters)
        let messages = try result.map { row -> (InAppMessage, Date) in
            let status = try Self.status(row)
            guard
                case .inApp(var content) = try MessageEncoding.decode(
                    [UInt8](try row.decode("content", as: Data.self)), channel: .inApp)
            else { throw ServiceError(.internal, "message \(status.messageID.lowercased) is not in-app") }
            content.readAt = try row.decode("read_at")
            return (InAppMessage(status: status, content: content), try row.decode("accepted_at"))
        }
        return Page(items: messages, size: page.size) { PageCursor(createdAt: $0.1, id: $0.0.status.messageID) }
            .map(\.0)
    }

    /// Marks `user`'s in-app message read (the first time only) or dismissed; NOT_FOUND when it is not theirs.
    func update(inApp id: UUID, of user: UUID, _ action: InAppAction) async throws {
        let column = action == .read ? "read_at" : "dismissed_at"
        let result = try await pool.query(
            """
            UPDATE delivery.messages SET \(column) = coalesce(\(column), now()), updated_at = now()
            WHERE id = $1 AND user_id = $2 AND channel = 'in_app'
            """, [id, user])
        guard result.affectedRows > 0 else {
            throw ServiceError.notFound("in-app message \(id.lowercased) of user \(user.lowercased) not found")
        }
    }
}
