import Domain
import Foundation
import Postgres
import ServiceKit

/// Questions about segments answered in the database: a definition's preview, a segment's plan, overlaps.
extension SegmentStore {
    /// How many users a definition selects now, and the first `sample` of them by id; nothing is saved.
    func preview(_ d: SegmentDefinition, sample: Int) async throws -> SegmentPreview {
        try await pool.withTransaction { db in
            try await db.query(Evaluation.workMem)
            let sql: String
            var parameters: [any PostgresEncodable]
            if d.type == .static {
                sql = """
                    SELECT u.id FROM users.users u
                    WHERE (u.id = ANY($1::uuid[]) OR u.external_id = ANY($2::text[])) AND \(DirectorySQL.present)
                    """
                parameters = [d.userIDs, d.externalIDs]
            } else {
                var compiler = ConditionCompiler(scope: .everyone)
                compiler.compile(d.conditions, at: "segment.conditions")
                sql = "SELECT u.id FROM users.users u WHERE \(DirectorySQL.present) AND \(compiler.compiled.predicate)"
                parameters = compiler.parameters.values
            }
            parameters.append(sample)
            let result = try await db.query(
                """
                WITH matching AS MATERIALIZED (\(sql))
                SELECT (SELECT count(*) FROM matching) AS size,
                    ARRAY(SELECT id FROM matching ORDER BY id LIMIT $\(parameters.count)) AS sample
                """, parameters)
            return SegmentPreview(size: try result[0].decode("size"), sample: try result[0].decode("sample"))
        }
    }

    /// PostgreSQL's plan of the statement that evaluates a segment against everyone.
    func plan(_ segment: StoredSegment) async throws -> String {
        guard segment.evaluated else { return "" }
        let (sql, parameters) = Evaluation.matching(segment, listed: nil)
        return try await pool.withTransaction { db in
            try await db.query(Evaluation.workMem)
            return try await db.query("EXPLAIN \(sql)", parameters).map { try $0.decode("QUERY PLAN", as: String.self) }
                .joined(separator: "\n")
        }
    }

    /// Checks each regular expression with PostgreSQL's own engine (its syntax is what evaluation uses).
    func checkRegexes(_ regexes: [(path: String, pattern: String)]) async throws {
        var issues = FieldIssues()
        for (path, pattern) in regexes {
            do {
                try await pool.query("SELECT '' ~ $1", [pattern])
            } catch let error as PostgresError where error.sqlState == "2201B" {
                issues.add(path, "not a valid regular expression: \(error.message)")
            }
        }
        try issues.throwIfAny()
    }

    /// Sizes, every intersection of two and of all, the union, Jaccard indices and the Venn regions of up to eight
    /// segments, from one pass over their memberships that counts users by the set of segments they are in.
    func overlap(_ ids: [UUID]) async throws -> SegmentOverlapAnalysis {
        for id in ids { _ = try await segment(id) }
        let result = try await pool.query(
            """
            SELECT mask, count(*) AS users FROM (
                SELECT bit_or(1 << (s.position - 1)::int) AS mask FROM segments.segment_memberships m
                JOIN unnest($1::uuid[]) WITH ORDINALITY AS s(id, position) ON m.segment_id = s.id
                WHERE m.removed_at IS NULL GROUP BY m.user_id) users
            GROUP BY mask
            """, [ids])
        var regions: [Int: Int64] = [:]
        for row in result { regions[Int(try row.decode("mask", as: Int32.self))] = try row.decode("users") }
        return Self.analysis(ids, regions: regions)
    }

    /// The analysis from the Venn regions' sizes (bit i of a region's mask: in ids[i]).
    static func analysis(_ ids: [UUID], regions: [Int: Int64]) -> SegmentOverlapAnalysis {
        func users(inAll mask: Int) -> Int64 { regions.reduce(0) { $0 + ($1.key & mask == mask ? $1.value : 0) } }
        func users(inAny mask: Int) -> Int64 { regions.reduce(0) { $0 + ($1.key & mask != 0 ? $1.value : 0) } }
        var sizes: [UUID: Int64] = [:]
        for (i, id) in ids.enumerated() { sizes[id] = users(inAll: 1 << i) }
        var overlaps: [SegmentOverlap] = []
        for i in ids.indices {
            for j in ids.indices where j > i {
                let both = users(inAll: 1 << i | 1 << j)
                let either = users(inAny: 1 << i | 1 << j)
                overlaps.append(
                    SegmentOverlap(
                        segmentIDs: [ids[i], ids[j]], size: both,
                        jaccard: either == 0 ? 0 : Double(both) / Double(either)))
            }
        }
        if ids.count > 2 { overlaps.append(SegmentOverlap(segmentIDs: ids, size: users(inAll: (1 << ids.count) - 1))) }
        let venn = regions.keys.sorted().map { mask in
            SegmentRegion(segmentIDs: ids.indices.filter { mask & 1 << $0 != 0 }.map { ids[$0] }, size: regions[mask]!)
        }
        return SegmentOverlapAnalysis(
            sizes: sizes, overlaps: overlaps, unionSize: regions.values.reduce(0, +), regions: venn)
    }
}
