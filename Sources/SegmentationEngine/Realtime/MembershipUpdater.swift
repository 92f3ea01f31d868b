import Domain
import Foundation
import Postgres
import ServiceKit

/// Keeps memberships current as users change: reads user-directory's change feed (`users.changes`) and
/// re-evaluates, for the users in each batch, only the segments whose conditions can be affected by what changed
/// (their dependencies against the changes' names), then the segments that read those segments' memberships for
/// the users who moved. Each batch is one transaction with the feed position, so a restart in the middle loses and
/// repeats nothing. A bulk import is one 'bulk' change: every segment is evaluated against everyone once.
struct MembershipUpdater: Sendable {
    let pool: PostgresPool
    static let batch = 5_000
    let feed = FeedReader(
        table: "users.changes", positions: "segments.feed_positions", consumer: "segmentation-engine",
        columns: "user_id, kind, names")

    /// Applies one batch; true when there is more to read right away.
    func step() async throws -> Bool {
        try await feed.next(limit: Self.batch, on: pool) { db, rows in try await apply(rows, on: db) } == Self.batch
    }

    /// What a batch of changes says: who changed what.
    struct Changes {
        var names: [UUID: Set<String>] = [:]
        /// Users new (everything about them changed) or deleted.
        var everything: Set<UUID> = []
        var deleted: Set<UUID> = []
        var bulk = false

        init(_ rows: PostgresResult) throws {
            for row in rows {
                let user: UUID = try row.decode("user_id")
                let names: [String] = try row.decode("names")
                switch try row.decode("kind", as: String.self) {
                case "bulk": bulk = true
                case "deleted":
                    deleted.insert(user)
                    everything.insert(user)
                case "profile" where names.isEmpty: everything.insert(user)
                default: self.names[user, default: []].formUnion(names)
                }
            }
        }

        /// The users whose changes can move them in or out of a segment with these dependencies.
        func users(affecting dependencies: Set<String>) -> Set<UUID> {
            var users = everything
            let anyEvent = dependencies.contains("event:*")
            for (user, names) in names
            where names.contains(where: { dependencies.contains($0) || (anyEvent && $0.hasPrefix("event:")) }) {
                users.insert(user)
            }
            return users
        }
    }

    func apply(_ rows: PostgresResult, on db: PostgresConnection) async throws {
        let changes = try Changes(rows)
        try await db.query(Evaluation.workMem)
        let all = try await SegmentStore.all(on: db)
        if changes.bulk {
            _ = try await Evaluation.refresh(all.filter(\.evaluated).map(\.id), on: db)
        }
        var affected: [UUID: Set<UUID>] = [:]
        for segment in all {
            let users =
                segment.evaluated
                ? (changes.bulk ? changes.deleted : changes.users(affecting: segment.dependencies)) : changes.deleted
            if !users.isEmpty { affected[segment.id] = users }
        }
        guard !affected.isEmpty else { return }
        let order = Dependencies(all).closure(of: Set(affected.keys))
        try await Evaluation.lock(order.map(\.id), on: db)
        // A few thousand listed users: index probes are always the right plan, whatever the statistics say.
        try await db.query("SET LOCAL enable_seqscan = off")
        var moved: [UUID: [UUID]] = [:]
        for segment in order {
            var users = affected[segment.id] ?? []
            for reference in segment.references { users.formUnion(moved[reference] ?? []) }
            guard !users.isEmpty else { continue }
            let listed = users.sorted { $0.uuidString < $1.uuidString }
            let (sql, parameters) =
                segment.evaluated
                ? Evaluation.matching(segment, listed: listed)
                : (Self.stillPresent, [segment.id, listed])
            moved[segment.id] = try await Evaluation.applyReturningMoved(
                segment.id, matching: sql, parameters, scope: listed, on: db
            ).moved
        }
    }

    /// The members of a listed segment (static, lookalike) among `$2` who still exist.
    static let stillPresent = """
        SELECT m.user_id AS id FROM segments.segment_memberships m JOIN users.users u ON u.id = m.user_id
        WHERE m.segment_id = $1 AND m.user_id = ANY($2::uuid[]) AND m.removed_at IS NULL AND \(DirectorySQL.present)
        """
}
