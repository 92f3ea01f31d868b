import Codec
import Domain
import Foundation
import Postgres
import ServiceKit

/// ImportUsers: millions of profiles upserted by external id in one transaction. Each chunk of rows is checked and
/// sealed while the previous one is written (CPU here, I/O in PostgreSQL, side by side). Users new to the directory
/// are COPYed straight into users.users with their consent and audit rows; rows of users that exist (or that this
/// import named before) go to a staging table, and one merge at the end updates them (a field a row leaves empty
/// keeps its stored value; attributes merge name by name; the last row of an external id wins). A bad row is
/// reported with its number and field and left out; a failure or a client that goes away mid-stream leaves nothing.
extension UserStore {
    /// The import's state while rows stream in (touched only by the task reading the stream).
    final class Import {
        let id = UUID()
        var rows: Int64 = 0
        var result = ImportResult()
        /// Attribute kinds first given in this import (a later row's other kind is that row's error).
        var kinds: [String: AttributeSchema.Kind] = [:]
        /// Hashes of the external ids named so far: a second row of one goes the staging way, so the last wins (a
        /// collision only sends a new user that way too).
        var named = Set<Int>()
        let cipher: PIICipher

        init(cipher: PIICipher) { self.cipher = cipher }

        func reject(_ row: Int64, _ field: String, _ description: String) {
            result.rejected += 1
            if result.errors.count < ImportResult.maxListed {
                result.errors.append(ImportRowError(row: row, field: field, description: description))
            }
        }
    }

    /// A checked, sealed row of a chunk.
    struct ImportedRow: Sendable {
        let number: Int64
        let id: UUID
        let user: UserProfile
        /// The row's COPY fields, encoded while the previous chunk is written: email_enc, phone_enc,
        /// display_name_enc, email_index, phone_index, locale, timezone, attributes.
        let fields: [UInt8]
        let consent: ConsentUpdate?
        /// Named earlier in this import.
        let repeated: Bool
    }

    /// A chunk ready to write: its rows, and the attribute kinds it names first.
    struct PreparedChunk: Sendable {
        let rows: [ImportedRow]
        let newKinds: [(name: String, kind: AttributeSchema.Kind)]
    }

    /// What writing a chunk did: users created, and rows refused (their attribute's stored type differs).
    struct ChunkOutcome: Sendable {
        var created: Int64 = 0
        var refused: [(row: Int64, field: String, problem: String)] = []
    }

    /// Runs an import: `chunks` are read in turn, each row numbered from 1 across them.
    func importUsers(_ chunks: some AsyncSequence<ImportChunk, any Error>, actor: String) async throws -> ImportResult {
        let state = Import(cipher: try cipher())
        let result = try await pool.withTransaction { db in
            // The users this import adds are not in the planner's statistics until it ends: a table that was empty
            // (or unknown) when it began would have its existence checks planned as scans of every row, once per
            // chunk (an import of 100,000 users into a truncated table stalled for minutes). Lookups by index here.
            try await db.query("SET LOCAL enable_seqscan = off")
            try await db.query(
                """
                CREATE TEMP TABLE import_users (
                    row BIGINT, id UUID, external_id TEXT, email_enc BYTEA, phone_enc BYTEA, display_name_enc BYTEA,
                    email_index BYTEA, phone_index BYTEA, locale TEXT, timezone TEXT, attributes JSONB
                ) ON COMMIT DROP
                """)
            try await db.query(
                """
                CREATE TEMP TABLE import_consent (row BIGINT, external_id TEXT, subject TEXT, granted BOOLEAN, source TEXT, legal_basis TEXT)
                ON COMMIT DROP
                """)
            var writing: Task<ChunkOutcome, any Error>?
            let importID = state.id
            func collect() async throws {
                guard let task = writing else { return }
                let outcome = try await task.value
                state.result.created += outcome.created
                for refused in outcome.refused { state.reject(refused.row, refused.field, refused.problem) }
            }
            do {
                for try await chunk in chunks {
                    // Off the loops (the connection's and the database's): sealing runs beside the write.
                    let prepared = try await withTaskExecutorPreference(globalConcurrentExecutor) {
                        try prepare(chunk, state)
                    }
                    try await collect()
                    writing = Task { try await write(prepared, db, actor: actor, importID: importID) }
                }
                try await collect()
            } catch {
                writing?.cancel()
                if let task = writing { _ = try? await task.value }  // the connection is free before the rollback
                throw error
            }
            state.result.created += try await merge(state, db, actor: actor)
            state.result.rows = state.rows
            return state.result
        }
        // A large import changes the table more than the planner knows until autovacuum gets to it: statistics now,
        // so that the lookups that follow (a campaign to the imported users, say) are planned on them.
        if result.created + result.updated >= Self.analyzeAfter { try await pool.query("ANALYZE users.users") }
        return result
    }

    /// Rows created or updated from which an import ends with ANALYZE.
    static let analyzeAfter: Int64 = 10_000

    /// Checks, normalizes and seals a chunk's rows (no I/O).
    private func prepare(_ chunk: ImportChunk, _ state: Import) throws -> PreparedChunk {
        var rows: [ImportedRow] = []
        rows.reserveCapacity(chunk.rows.count)
        var newKinds: [(name: String, kind: AttributeSchema.Kind)] = []
        for reading in chunk.rows {
            state.rows += 1
            let number = state.rows
            if let issue = reading.issues.first {
                state.reject(number, issue.path, issue.problem)
                continue
            }
            var issues = FieldIssues()
            let user = UserValidator.normalize(reading.row.user, at: "user", into: &issues)
            if user.externalID.isEmpty {
                issues.add("user.external_id", "required: an import upserts users by their external id")
            }
            if let consent = reading.row.consent { UserValidator.validate(consent, at: "consent", into: &issues) }
            for (name, kind) in Self.kinds(user.attributes) {
                if let first = state.kinds[name] {
                    if first != kind {
                        issues.add(
                            "user.attributes".key(name),
                            "a \(kind.rawValue); this import gave it \(first.rawValue) values")
                    }
                } else {
                    state.kinds[name] = kind
                    newKinds.append((name, kind))
                }
            }
            if let issue = issues.issues.first {
                state.reject(number, issue.path, issue.problem)
                continue
            }
            let fields = Self.copyFields(user, try Sealed(user, state.cipher))
            if let problem = fields.encodingError {
                state.reject(number, "user", problem)
                continue
            }
            let repeated = !state.named.insert(user.externalID.hashValue).inserted
            rows.append(
                ImportedRow(
                    number: number, id: UUID(), user: user, fields: fields.fields, consent: reading.row.consent,
                    repeated: repeated))
        }
        return PreparedChunk(rows: rows, newKinds: newKinds)
    }

    /// Writes a prepared chunk: rows whose attribute kinds the schema refuses are left out; users new to the
    /// directory are COPYed into users.users (with consent and audit rows), the others into the staging tables.
    private func write(_ chunk: PreparedChunk, _ db: PostgresConnection, actor: String, importID: UUID) async throws
        -> ChunkOutcome
    {
        var outcome = ChunkOutcome()
        var rows = chunk.rows
        // Kinds new to this import, checked against the schema (stored ones win; this import's rows of another kind
        // are then refused).
        if !chunk.newKinds.isEmpty {
            var issues = FieldIssues()
            try await schema.check(chunk.newKinds, at: { $0 }, on: db, into: &issues)
            let refused = Dictionary(issues.issues.map { ($0.path, $0.problem) }) { first, _ in first }
            if !refused.isEmpty {
                rows = rows.filter { row in
                    guard let bad = Self.kinds(row.user.attributes).first(where: { refused[$0.name] != nil }) else {
                        return true
                    }
                    outcome.refused.append((row.number, "user.attributes".key(bad.name), refused[bad.name]!))
                    return false
                }
            }
        }
        guard !rows.isEmpty else { return outcome }
        let candidates = rows.filter { !$0.repeated }.map(\.user.externalID)
        let existing =
            candidates.isEmpty
            ? []
            : Set(
                try await db.query(
                    "SELECT external_id FROM users.users WHERE external_id = ANY($1::text[])", [candidates]
                ).map { try $0.decode("external_id", as: String.self) })
        var fresh = rows.filter { !$0.repeated && !existing.contains($0.user.externalID) }
        if !fresh.isEmpty {
            do {
                try await db.query("SAVEPOINT import_fresh")
                try await insertFresh(fresh, db, actor: actor, importID: importID)
                try await db.query("RELEASE SAVEPOINT import_fresh")
                outcome.created += Int64(fresh.count)
            } catch let error as PostgresError where error.sqlState == "23505" {
                // Another transaction created one of these users meanwhile: they all take the staging way.
                try await db.query("ROLLBACK TO SAVEPOINT import_fresh")
                fresh = []
            }
        }
        let freshNumbers = Set(fresh.map(\.number))
        try await stage(rows.filter { !freshNumbers.contains($0.number) }, db)
        return outcome
    }

    /// COPYs users new to the directory, their consent (current and history) and their audit rows.
    private func insertFresh(_ rows: [ImportedRow], _ db: PostgresConnection, actor: String, importID: UUID)
        async throws
    {
        let keyID = ring.currentID
        _ = try await db.copyFrom(
            """
            COPY users.users (id, external_id, email_enc, phone_enc, display_name_enc, email_index, phone_index, locale, timezone,
                attributes, key_id) FROM STDIN
            """, rows: rows
        ) { row, copy in
            copy.append(row.id)
            copy.append(row.user.externalID)
            copy.append(fields: row.fields)
            copy.append(keyID)
        }
        let consents = rows.flatMap { row in
            (row.consent.map { update in update.changes.map { (row.id, update.source, $0) } } ?? [])
        }
        if !consents.isEmpty {
            for table in ["users.consent", "users.consent_history"] {
                _ = try await db.copyFrom(
                    "COPY \(table) (user_id, subject, granted, source, legal_basis) FROM STDIN", rows: consents
                ) { item, copy in
                    let (user, source, change) = item
                    copy.append(user)
                    copy.append(Self.text(change.subject))
                    copy.append(change.granted ? "t" : "f")
                    copy.append(source)
                    copy.append(change.legalBasis)
                }
            }
        }
        let detail = JSONValue.object([("import", .string(importID.lowercased))]).text()
        _ = try await db.copyFrom("COPY users.audit (user_id, action, actor, detail) FROM STDIN", rows: rows) {
            row, copy in
            copy.append(row.id)
            copy.append("import.create")
            copy.append(actor)
            copy.append(detail)
        }
    }

    /// COPYs rows of users that exist, or that this import named before, into the staging tables for the merge.
    private func stage(_ rows: [ImportedRow], _ db: PostgresConnection) async throws {
        guard !rows.isEmpty else { return }
        _ = try await db.copyFrom(
            """
            COPY import_users (row, id, external_id, email_enc, phone_enc, display_name_enc, email_index, phone_index, locale, timezone,
                attributes) FROM STDIN
            """, rows: rows
        ) { row, copy in
            copy.append(Int(row.number))
            copy.append(row.id)
            copy.append(row.user.externalID)
            copy.append(fields: row.fields)
        }
        let consents = rows.flatMap { row in
            (row.consent.map { update in update.changes.map { (row, update.source, $0) } } ?? [])
        }
        if !consents.isEmpty {
            _ = try await db.copyFrom(
                "COPY import_consent (row, external_id, subject, granted, source, legal_basis) FROM STDIN",
                rows: consents
            ) { item, copy in
                let (row, source, change) = item
                copy.append(Int(row.number))
                copy.append(row.user.externalID)
                copy.append(Self.text(change.subject))
                copy.append(change.granted ? "t" : "f")
                copy.append(source)
                copy.append(change.legalBasis)
            }
        }
    }

    /// A row's sealed values, locale, time zone and attributes as COPY fields (`{}` for no attributes: the merge
    /// adds none then, as it would for NULL).
    static func copyFields(_ user: UserProfile, _ sealed: Sealed) -> PostgresCopyRow {
        var copy = PostgresCopyRow()
        for value in [sealed.email, sealed.phone, sealed.displayName, sealed.emailIndex, sealed.phoneIndex] {
            if let value { copy.append(bytea: value) } else { copy.appendNull() }
        }
        if user.locale.isEmpty { copy.appendNull() } else { copy.append(user.locale) }
        if user.timezone.isEmpty { copy.appendNull() } else { copy.append(user.timezone) }
        copy.append(user.attributes?.text() ?? "{}")
        return copy
    }

    /// One statement merges the staged rows (the last row of an external id wins), records consent and audit rows. A
    /// row that had sealed values keeps its key id (values kept from before may be sealed with a previous key: key
    /// rotation then re-seals them all, each opened with the key it names).
    private func merge(_ state: Import, _ db: PostgresConnection, actor: String) async throws -> Int64 {
        let merged = try await db.query(
            """
            WITH incoming AS (
                SELECT DISTINCT ON (external_id) * FROM import_users ORDER BY external_id, row DESC),
            merged AS (
                INSERT INTO users.users AS u (id, external_id, email_enc, phone_enc, display_name_enc, email_index, phone_index, key_id,
                    locale, timezone, attributes)
                SELECT id, external_id, email_enc, phone_enc, display_name_enc, email_index, phone_index, $1, locale, timezone,
                    COALESCE(attributes, '{}') FROM incoming
                ON CONFLICT (external_id) DO UPDATE SET
                    email_enc = COALESCE(EXCLUDED.email_enc, u.email_enc), email_index = COALESCE(EXCLUDED.email_index, u.email_index),
                    phone_enc = COALESCE(EXCLUDED.phone_enc, u.phone_enc), phone_index = COALESCE(EXCLUDED.phone_index, u.phone_index),
                    display_name_enc = COALESCE(EXCLUDED.display_name_enc, u.display_name_enc),
                    key_id = CASE WHEN u.email_enc IS NULL AND u.phone_enc IS NULL AND u.display_name_enc IS NULL THEN EXCLUDED.key_id
                        ELSE COALESCE(u.key_id, EXCLUDED.key_id) END,
                    locale = COALESCE(EXCLUDED.locale, u.locale), timezone = COALESCE(EXCLUDED.timezone, u.timezone),
                    attributes = u.attributes || EXCLUDED.attributes, version = u.version + 1, updated_at = now(),
                    deleted_at = NULL
                WHERE u.erased_at IS NULL
                RETURNING u.id, u.external_id, (xmax = 0) AS created),
            consent AS (
                SELECT m.id AS user_id, c.subject, c.granted, c.source, c.legal_basis FROM import_consent c
                JOIN merged m ON m.external_id = c.external_id
                JOIN incoming i ON i.external_id = c.external_id AND i.row = c.row),
            current AS (
                INSERT INTO users.consent AS c (user_id, subject, granted, source, legal_basis)
                SELECT user_id, subject, granted, source, legal_basis FROM consent
                ON CONFLICT (user_id, subject) DO UPDATE SET granted = EXCLUDED.granted, source = EXCLUDED.source,
                    legal_basis = EXCLUDED.legal_basis, updated_at = now()),
            history AS (
                INSERT INTO users.consent_history (user_id, subject, granted, source, legal_basis)
                SELECT user_id, subject, granted, source, legal_basis FROM consent),
            audit AS (
                INSERT INTO users.audit (user_id, action, actor, detail)
                SELECT id, CASE WHEN created THEN 'import.create' ELSE 'import.update' END, $2, jsonb_build_object('import', $3::text)
                FROM merged)
            SELECT count(*) FILTER (WHERE created) AS created, count(*) FILTER (WHERE NOT created) AS updated FROM merged
            """, [ring.currentID, actor, state.id.lowercased])
        state.result.updated = try merged[0].decode("updated")
        return try merged[0].decode("created")
    }
}
