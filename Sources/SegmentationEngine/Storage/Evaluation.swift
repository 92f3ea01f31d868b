import Domain
import Foundation
import HeraldCore
import Postgres
import ServiceKit

/// Evaluating segments into memberships: against everyone (a refresh) or against a few users (a change of theirs),
/// each entry and exit written to `segments.membership_changes` and counted into the segment's size, in the caller's
/// transaction. Whatever writes a segment's memberships holds its advisory lock (`lock`), taken in id order and before
/// the segment's row, so a refresh and the change feed never interleave on one segment nor wait for each other in a
/// cycle. (Two replicas may evaluate the same overdue segment one after the other: the second finds nothing to move.)
enum Evaluation {
    /// Enough memory for the hash of a million users (a NOT IN over activity, say), so no plan falls back to
    /// re-scanning a subquery per user.
    static let workMem = "SET LOCAL work_mem = '256MB'"
    /// Entries and exits of one evaluation after which the memberships' statistics are refreshed at once.
    static let analyzeAfter: Int64 = 10_000

    /// Takes the segments' advisory locks, in id order.
    static func lock(_ ids: some Sequence<UUID>, on db: PostgresConnection) async throws {
        for id in Set(ids).sorted(by: { $0.uuidString < $1.uuidString }) {
            try await db.query("SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))", [id])
        }
    }

    /// The statement selecting (`id`) the present users who match `segment`'s conditions: all of them, or the ones
    /// in `$2` when `listed`.
    static func matching(_ segment: StoredSegment, listed users: [UUID]?, now: Date = Date()) -> (
        String, [any PostgresEncodable]
    ) {
        var compiler = ConditionCompiler(
            scope: users == nil ? .everyone : .listed, now: now,
            parameters: SQLParameters(users.map { [segment.id, $0] } ?? [segment.id]))
        compiler.compile(segment.segment.conditions, at: "conditions")
        // ($1, the segment, is named even where unused, so that PostgreSQL knows its type)
        let only = users == nil ? "$1::uuid IS NOT NULL AND " : "$1::uuid IS NOT NULL AND u.id = ANY($2::uuid[]) AND "
        return (
            "SELECT u.id FROM users.users u WHERE \(only)\(DirectorySQL.present) AND \(compiler.compiled.predicate)",
            compiler.parameters.values
        )
    }

    /// Makes the members of `segment` the users `matching` selects (`id`), among `users` when given (those not
    /// selected leave) or among everyone. `matching` takes `$1` = the segment (and `$2` = `users`). Returns how many
    /// entered and left, and who (only when `users` is given). Entries and exits go to the membership feed unless
    /// this is a new segment's first evaluation (its first members are where it starts, not users entering it: a
    /// journey "on entering the segment" must not start for a million users because the segment was made). The
    /// segment's `last_updated` moves with an evaluation against everyone, or when someone entered or left.
    @discardableResult
    static func apply(
        _ segment: UUID, matching: String, _ parameters: [any PostgresEncodable], scope users: [UUID]?,
        first: Bool = false, on db: PostgresConnection
    ) async throws -> (entered: Int64, left: Int64) {
        try await applyReturningMoved(segment, matching: matching, parameters, scope: users, first: first, on: db)
            .counts
    }

    static func applyReturningMoved(
        _ segment: UUID, matching: String, _ parameters: [any PostgresEncodable], scope users: [UUID]?,
        first: Bool = false, on db: PostgresConnection
    ) async throws -> (counts: (entered: Int64, left: Int64), moved: [UUID]) {
        let among = users == nil ? "" : "AND m.user_id = ANY($2::uuid[])"
        let moved =
            users == nil
            ? "NULL::uuid[]"
            : "(SELECT array_agg(user_id) FROM (SELECT user_id FROM entered UNION ALL SELECT user_id FROM left_) c)"
        let feed = """
            changes AS (
                INSERT INTO segments.membership_changes (user_id, segment_id, entered)
                SELECT user_id, $1, true FROM entered UNION ALL SELECT user_id, $1, false FROM left_),
            """
        let result = try await db.query(
            """
            WITH matching AS MATERIALIZED (\(matching)),
            entered AS (
                INSERT INTO segments.segment_memberships AS m (user_id, segment_id, added_at, removed_at)
                SELECT x.id, $1, now(), NULL FROM matching x
                WHERE NOT EXISTS (SELECT 1 FROM segments.segment_memberships c
                    WHERE c.user_id = x.id AND c.segment_id = $1 AND c.removed_at IS NULL)
                ON CONFLICT (user_id, segment_id) DO UPDATE SET added_at = excluded.added_at, removed_at = NULL
                RETURNING m.user_id),
            left_ AS (
                UPDATE segments.segment_memberships m SET removed_at = now()
                WHERE m.segment_id = $1 AND m.removed_at IS NULL \(among)
                    AND NOT EXISTS (SELECT 1 FROM matching x WHERE x.id = m.user_id)
                RETURNING m.user_id),
            \(first ? "" : feed)
            sized AS (
                UPDATE segments.segments SET size = size + (SELECT count(*) FROM entered) - (SELECT count(*) FROM left_),
                    last_updated = now()
                WHERE id = $1 AND (\(users == nil) OR EXISTS (SELECT 1 FROM entered) OR EXISTS (SELECT 1 FROM left_)))
            SELECT (SELECT count(*) FROM entered) AS entered, (SELECT count(*) FROM left_) AS left_, \(moved) AS moved
            """, parameters)
        let row = result[0]
        return (
            (try row.decode("entered"), try row.decode("left_")), try row.decode("moved", as: [UUID]?.self) ?? []
        )
    }

    /// Evaluates `ids` against everyone, and every condition-defined segment that reads their memberships after
    /// them; returns each one's entries and exits. `first`: `ids` were just made (see `apply`).
    static func refresh(_ ids: [UUID], first: Bool = false, on db: PostgresConnection, now: Date = Date())
        async throws -> [UUID: (entered: Int64, left: Int64)]
    {
        try await db.query(workMem)
        let all = try await SegmentStore.all(on: db)
        let order = Dependencies(all).closure(of: Set(ids))
        try await lock(order.map(\.id), on: db)
        var counts: [UUID: (Int64, Int64)] = [:]
        var moved: Int64 = 0
        for segment in order where segment.evaluated {
            let (sql, parameters) = matching(segment, listed: nil, now: now)
            let result = try await apply(
                segment.id, matching: sql, parameters, scope: nil, first: first && ids.contains(segment.id), on: db)
            counts[segment.id] = result
            moved += result.entered + result.left
            try await db.query("UPDATE segments.segments SET evaluated_at = now() WHERE id = $1", [segment.id])
        }
        // Statistics that still describe the memberships before a large evaluation lead the planner to scan a
        // partition for every user of the change feed's next batch (5,000 users took 7 s that way): refreshed now
        // rather than whenever autovacuum comes by.
        if moved >= analyzeAfter { try await db.query("ANALYZE segments.segment_memberships") }
        return counts
    }
}

/// Which segments read which one's memberships: what must be evaluated after a segment changes, in an order
/// where every segment comes after those it reads (the references are acyclic, checked when saved).
struct Dependencies {
    let segments: [UUID: StoredSegment]
    /// Segment → the segments whose conditions read its memberships.
    let readers: [UUID: [UUID]]

    init(_ all: [StoredSegment]) {
        segments = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
        var readers: [UUID: [UUID]] = [:]
        for segment in all {
            for reference in segment.references { readers[reference, default: []].append(segment.id) }
        }
        self.readers = readers
    }

    /// `ids` and every segment that reads them, directly or not, each after the segments it reads.
    func closure(of ids: Set<UUID>) -> [StoredSegment] {
        var wanted = Set<UUID>()
        var stack = Array(ids)
        while let id = stack.popLast() {
            guard wanted.insert(id).inserted else { continue }
            stack.append(contentsOf: readers[id] ?? [])
        }
        var ordered: [StoredSegment] = []
        var placed = Set<UUID>()
        func place(_ id: UUID, depth: Int) {
            guard !placed.contains(id), depth <= segments.count, let segment = segments[id] else { return }
            for reference in segment.references where wanted.contains(reference) { place(reference, depth: depth + 1) }
            if placed.insert(id).inserted { ordered.append(segment) }
        }
        for id in wanted.sorted(by: { $0.uuidString < $1.uuidString }) { place(id, depth: 0) }
        return ordered
    }
}
