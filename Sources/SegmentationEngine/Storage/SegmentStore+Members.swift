import Domain
import Foundation
import Postgres
import ServiceKit

/// Members: pages of them, all of them in batches, and a user's segments. Memberships are kept current by the
/// change feed (`MembershipUpdater`), so reading them is reading the segment now.
extension SegmentStore {
    /// A page of members by user id (keyset: a deep page costs what the first does).
    func members(_ request: GetSegmentMembersRequest) async throws -> Page<SegmentMember> {
        _ = try await segment(request.id)
        let after = request.page.cursor?.id
        let result = try await pool.query(
            """
            SELECT m.user_id, m.added_at FROM segments.segment_memberships m
            WHERE m.segment_id = $1 AND m.removed_at IS NULL AND ($2::uuid IS NULL OR m.user_id > $2)
            ORDER BY m.user_id LIMIT $3
            """, [request.id, after, request.page.size + 1])
        let members = try result.map {
            SegmentMember(userID: try $0.decode("user_id"), addedAt: try $0.decode("added_at"))
        }
        return Page(items: members, size: request.page.size) { PageCursor(id: $0.userID) }
    }

    /// Every member id, ascending, `batch` at a time to `send`, as the segment was when the stream began: one cursor
    /// in one read-only transaction (one plan and one pass over the index, however many batches; a read-only
    /// transaction has no xid, so it holds no change feed back).
    func streamMemberIDs(of id: UUID, batch: Int, _ send: ([UUID]) async throws -> Void) async throws {
        try await pool.withTransaction { db in
            try await db.query(
                """
                DECLARE members NO SCROLL CURSOR FOR
                SELECT m.user_id FROM segments.segment_memberships m
                WHERE m.segment_id = $1 AND m.removed_at IS NULL ORDER BY m.user_id
                """, [id])
            // Fetched 50,000 at a time at least (fewer round trips), sent in the batches asked for.
            let fetch = max(batch, 50_000 / batch * batch)
            while true {
                let ids: [UUID] = try await db.query("FETCH \(fetch) FROM members").map { try $0.decode("user_id") }
                for start in stride(from: 0, to: ids.count, by: batch) {
                    try await send(Array(ids[start..<min(start + batch, ids.count)]))
                }
                guard ids.count == fetch else { return }
            }
        }
    }

    /// The segments a user is in now (NOT_FOUND for a user the directory does not have).
    func segments(of user: UUID) async throws -> [UUID] {
        let result = try await pool.query(
            """
            SELECT EXISTS (SELECT 1 FROM users.users u WHERE u.id = $1 AND \(DirectorySQL.present)) AS known,
                ARRAY(SELECT m.segment_id FROM segments.segment_memberships m JOIN segments.segments s ON s.id = m.segment_id
                      WHERE m.user_id = $1 AND m.removed_at IS NULL AND s.deleted_at IS NULL ORDER BY m.segment_id) AS segments
            """, [user])
        guard try result[0].decode("known", as: Bool.self) else {
            throw ServiceError.notFound("user \(user.lowercased) not found")
        }
        return try result[0].decode("segments")
    }
}
