import Domain
import Foundation
import HeraldCore
import Postgres
import ServiceKit

/// A stored segment and what evaluating it needs beside the definition.
struct StoredSegment: Sendable {
    var segment: Segment
    var dependencies: Set<String>
    var timeRelative: Bool

    var id: UUID { segment.id }
    /// Whether conditions decide its members (static and lookalike segments are decided when made).
    var evaluated: Bool { segment.type == .dynamic || segment.type == .behavioral }
    /// Segments whose memberships its conditions read.
    var references: Set<UUID> {
        Set(dependencies.compactMap { $0.hasPrefix("segment:") ? UUID(canonical: String($0.dropFirst(8))) : nil })
    }
}

/// `segments.segments`: definitions and their lifecycle. Evaluation, members and overlap are in the
/// `SegmentStore+…` extensions.
struct SegmentStore: Sendable {
    let pool: PostgresPool

    static let columns = """
        s.id, s.name, coalesce(s.description, '') AS description, s.type::text AS type, s.conditions, s.size,
        s.last_updated, s.performance, coalesce(s.tags, '{}') AS tags, s.created_at, s.created_by, s.source_segment_id,
        s.similarity, s.dependencies, s.time_relative
        """

    static func stored(_ row: PostgresRow) throws -> StoredSegment {
        let segment = Segment(
            id: try row.decode("id"), name: try row.decode("name"), description: try row.decode("description"),
            type: try row.enumeration("type"),
            conditions: try row.json("conditions", as: [SegmentCondition].self) ?? [], size: try row.decode("size"),
            lastUpdated: try row.decode("last_updated"),
            performance: try row.json("performance", as: SegmentPerformance.self), tags: try row.decode("tags"),
            createdAt: try row.decode("created_at"), createdBy: try row.decode("created_by"),
            sourceSegmentID: try row.decode("source_segment_id"), similarity: try row.decode("similarity"))
        return StoredSegment(
            segment: segment, dependencies: Set(try row.decode("dependencies", as: [String].self)),
            timeRelative: try row.decode("time_relative"))
    }

    static func notFound(_ id: UUID) -> ServiceError { .notFound("no segment \(id.lowercased)") }

    func segment(_ id: UUID) async throws -> StoredSegment {
        try await pool.withConnection { try await Self.segment(id, on: $0) }
    }

    static func segment(_ id: UUID, on db: PostgresConnection, lock: Bool = false) async throws -> StoredSegment {
        let result = try await db.query(
            "SELECT \(columns) FROM segments.segments s WHERE s.id = $1 AND s.deleted_at IS NULL\(lock ? " FOR UPDATE" : "")",
            [id])
        guard let row = result.first else { throw notFound(id) }
        return try stored(row)
    }

    /// Every segment not deleted (a small table: definitions, never members).
    static func all(on db: PostgresConnection) async throws -> [StoredSegment] {
        try await db.query("SELECT \(columns) FROM segments.segments s WHERE s.deleted_at IS NULL").map(stored)
    }

    /// Newest first, of one type or all.
    func list(_ request: ListSegmentsRequest) async throws -> Page<Segment> {
        var conditions = QueryConditions()
        conditions.add("s.deleted_at IS NULL")
        if let type = request.type { conditions.add(type.rawValue) { "s.type = \($0)::segments.segment_type" } }
        conditions.after(request.page.cursor, createdAt: "s.created_at", id: "s.id")
        let limit = conditions.limit(request.page)
        let result = try await pool.query(
            """
            SELECT \(Self.columns) FROM segments.segments s \(conditions.whereClause)
            ORDER BY s.created_at DESC, s.id DESC \(limit)
            """, conditions.parameters)
        let segments = try result.map { try Self.stored($0).segment }
        return Page(items: segments, size: request.page.size) { PageCursor(createdAt: $0.createdAt, id: $0.id) }
    }

    /// Creates a segment and its first members (evaluated, or listed), in one transaction.
    func create(_ d: SegmentDefinition, compiled: CompiledConditions, by user: UUID?) async throws -> SegmentRefresh {
        try await translatingCreator {
            try await pool.withTransaction { db in
                try await Self.checkReferences(compiled.segments, of: nil, on: db)
                let id = UUID.timeOrdered()
                try await db.query(
                    """
                    INSERT INTO segments.segments (id, name, description, type, conditions, tags, created_by, dependencies,
                        time_relative, size, last_updated)
                    VALUES ($1, $2, $3, $4::segments.segment_type, $5, $6, $7, $8, $9, 0, now())
                    """,
                    [
                        id, d.name, d.description, d.type!.rawValue, try PostgresJSON(encoding: d.conditions), d.tags,
                        user, compiled.dependencies.sorted(), compiled.timeRelative,
                    ])
                return try await evaluate(id, definition: d, first: true, on: db)
            }
        }
    }

    /// Replaces a segment's definition and re-evaluates it (and what depends on it), in one transaction.
    func update(_ id: UUID, to d: SegmentDefinition, compiled: CompiledConditions) async throws -> SegmentRefresh {
        try await pool.withTransaction { db in
            // The advisory locks of the segment and of what reads it before its row (the order everything that
            // writes memberships takes them in: the change feed holds them while it updates segments' sizes).
            let all = try await Self.all(on: db)
            try await Evaluation.lock(Dependencies(all).closure(of: [id]).map(\.id) + [id], on: db)
            let current = try await Self.segment(id, on: db, lock: true)
            guard current.segment.type != .lookalike else {
                throw ServiceError.failedPrecondition(
                    "segment \(id.lowercased) is a lookalike segment; make a new one with CreateLookalikeSegment")
            }
            try await Self.checkReferences(compiled.segments, of: id, on: db)
            try await db.query(
                """
                UPDATE segments.segments SET name = $2, description = $3, type = $4::segments.segment_type, conditions = $5,
                    tags = $6, dependencies = $7, time_relative = $8, updated_at = now()
                WHERE id = $1
                """,
                [
                    id, d.name, d.description, d.type!.rawValue, try PostgresJSON(encoding: d.conditions), d.tags,
                    compiled.dependencies.sorted(), compiled.timeRelative,
                ])
            return try await evaluate(id, definition: d, on: db)
        }
    }

    /// Members of a static definition set to its list, or a condition-defined segment evaluated against everyone;
    /// then whatever reads its memberships, re-evaluated too.
    private func evaluate(_ id: UUID, definition d: SegmentDefinition, first: Bool = false, on db: PostgresConnection)
        async throws -> SegmentRefresh
    {
        let counts: (entered: Int64, left: Int64)
        if d.type == .static {
            counts = try await Self.setMembers(
                id, to: d.userIDs + (try await Self.resolve(d.externalIDs, on: db)), first: first, on: db)
            // (the segments that read its memberships; a new one has none)
            if !first { _ = try await Evaluation.refresh([id], on: db) }
        } else {
            counts = try await Evaluation.refresh([id], first: first, on: db)[id] ?? (0, 0)
        }
        let stored = try await Self.segment(id, on: db)
        return SegmentRefresh(stored.segment, entered: counts.entered, left: counts.left)
    }

    /// Soft-deletes a segment and ends its memberships, unless an active or scheduled campaign targets it or
    /// another segment's conditions read it (FAILED_PRECONDITION naming them).
    func delete(_ id: UUID) async throws {
        try await pool.withTransaction { db in
            try await Evaluation.lock([id], on: db)
            _ = try await Self.segment(id, on: db, lock: true)
            let users = try await db.query(
                """
                SELECT (SELECT array_agg(c.id::text ORDER BY c.id) FROM campaigns.campaigns c
                        WHERE $1 = ANY(c.target_segments) AND c.status IN ('active', 'scheduled')) AS campaigns,
                    (SELECT array_agg(s.id::text ORDER BY s.id) FROM segments.segments s
                        WHERE s.deleted_at IS NULL AND 'segment:' || $1::text = ANY(s.dependencies)) AS segments
                """, [id])
            if let campaigns = try users[0].decode("campaigns", as: [String]?.self) {
                throw ServiceError.failedPrecondition(
                    "segment \(id.lowercased) is targeted by active or scheduled campaigns \(campaigns.joined(separator: ", ")); end them first"
                )
            }
            if let segments = try users[0].decode("segments", as: [String]?.self) {
                throw ServiceError.failedPrecondition(
                    "segments \(segments.joined(separator: ", ")) have conditions on segment \(id.lowercased); change them first"
                )
            }
            try await db.query(
                """
                WITH ended AS (
                    UPDATE segments.segment_memberships SET removed_at = now()
                    WHERE segment_id = $1 AND removed_at IS NULL RETURNING user_id)
                INSERT INTO segments.membership_changes (user_id, segment_id, entered) SELECT user_id, $1, false FROM ended
                """, [id])
            try await db.query(
                "UPDATE segments.segments SET deleted_at = now(), size = 0, updated_at = now() WHERE id = $1", [id])
        }
    }

    /// INVALID_ARGUMENT when a referenced segment does not exist, or when referencing it would close a cycle back to
    /// `segment` (the one being changed).
    static func checkReferences(_ referenced: Set<UUID>, of segment: UUID?, on db: PostgresConnection) async throws {
        guard !referenced.isEmpty else { return }
        let ids = referenced.sorted { $0.uuidString < $1.uuidString }
        let result = try await db.query(
            """
            WITH RECURSIVE reach(id) AS (
                SELECT unnest($1::uuid[])
                UNION
                SELECT substr(d, 9)::uuid FROM reach r JOIN segments.segments s ON s.id = r.id, unnest(s.dependencies) d
                WHERE d LIKE 'segment:%')
            SELECT (SELECT array_agg(x::text) FROM unnest($1::uuid[]) x
                    WHERE NOT EXISTS (SELECT 1 FROM segments.segments s WHERE s.id = x AND s.deleted_at IS NULL)) AS missing,
                EXISTS (SELECT 1 FROM reach WHERE id = $2) AS cycle
            """, [ids, segment])
        if let missing = try result[0].decode("missing", as: [String]?.self) {
            throw ValidationError(
                "segment.conditions", "no segment \(missing.joined(separator: ", ")) to test membership of")
        }
        if try result[0].decode("cycle") {
            throw ValidationError(
                "segment.conditions",
                "membership conditions would make a cycle back to segment \(segment!.lowercased)")
        }
    }

    /// A static segment's members set to `users` (those that exist; INVALID_ARGUMENT naming the first unknown; a user
    /// listed twice is one member).
    static func setMembers(_ id: UUID, to users: [UUID], first: Bool, on db: PostgresConnection) async throws -> (
        entered: Int64, left: Int64
    ) {
        let unknown = try await db.query(
            """
            SELECT x::text AS id, o AS position FROM unnest($1::uuid[]) WITH ORDINALITY AS t(x, o)
            WHERE NOT EXISTS (SELECT 1 FROM users.users u WHERE u.id = x AND \(DirectorySQL.present)) ORDER BY o LIMIT 10
            """, [users])
        if unknown.rowCount > 0 {
            var issues = FieldIssues()
            for row in unknown {
                let position: Int64 = try row.decode("position")
                let user: String = try row.decode("id")
                issues.add("segment.user_ids".index(Int(position) - 1), "no user \(user)")
            }
            try issues.throwIfAny()
        }
        return try await Evaluation.apply(
            id, matching: "SELECT DISTINCT unnest($2::uuid[]) AS id", [id, users], scope: nil, first: first, on: db)
    }

    /// The users of external ids (INVALID_ARGUMENT naming the first unknown ones at their index).
    static func resolve(_ externalIDs: [String], on db: PostgresConnection) async throws -> [UUID] {
        guard !externalIDs.isEmpty else { return [] }
        let rows = try await db.query(
            """
            SELECT t.x AS external_id, t.o AS position, u.id FROM unnest($1::text[]) WITH ORDINALITY AS t(x, o)
            LEFT JOIN users.users u ON u.external_id = t.x AND \(DirectorySQL.present) ORDER BY t.o
            """, [externalIDs])
        var issues = FieldIssues()
        var ids: [UUID] = []
        for row in rows {
            if let id: UUID = try row.decode("id") {
                ids.append(id)
            } else if issues.count < 10 {
                let position: Int64 = try row.decode("position")
                let external: String = try row.decode("external_id")
                issues.add(
                    "segment.external_ids".index(Int(position) - 1),
                    "no user with external id \"\(external.prefix(100))\"")
            }
        }
        try issues.throwIfAny()
        return ids
    }

    /// A created_by that names no user is INVALID_ARGUMENT at created_by.
    func translatingCreator<T>(_ body: () async throws -> T) async throws -> T {
        try await ConstraintPaths.translating(
            { error in
                error.sqlState == "23503" && error.constraint == "fk_segments_created_by"
                    ? ("created_by", "no user with this id") : nil
            }, body)
    }
}

extension SegmentStore {
    /// Evaluates a segment (and what reads it) against everyone now.
    func refresh(_ id: UUID) async throws -> SegmentRefresh {
        try await pool.withTransaction { db in
            _ = try await Self.segment(id, on: db)
            let counts = try await Evaluation.refresh([id], on: db)[id] ?? (0, 0)
            return SegmentRefresh(
                try await Self.segment(id, on: db).segment, entered: counts.entered, left: counts.left)
        }
    }

    /// Evaluates the time-relative segment evaluated longest ago, if that was more than `age` ago; true when there
    /// may be another.
    func refreshOverdue(olderThan age: Duration) async throws -> Bool {
        try await pool.withTransaction { db in
            let due = try await db.query(
                """
                SELECT id FROM segments.segments
                WHERE deleted_at IS NULL AND time_relative AND type IN ('dynamic', 'behavioral')
                    AND coalesce(evaluated_at, '-infinity') < now() - $1::interval
                ORDER BY evaluated_at NULLS FIRST LIMIT 1
                """, [PostgresInterval(age)])
            guard let row = due.first else { return false }
            _ = try await Evaluation.refresh([try row.decode("id")], on: db)
            return true
        }
    }
}
