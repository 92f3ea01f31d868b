import Codec
import Domain
import Foundation
import Postgres
import ServiceKit

/// ImportUsers: millions of profiles upserted by external id in one transaction. Rows are checked, sealed and COPYed
/// into a staging table as they stream in; one merge at the end creates or updates them (a field a row leaves empty
/// keeps its stored value; attributes merge name by name), records their consent and audit rows. A bad row is
/// reported with its number and field and left out; a failure or a client that goes away mid-stream leaves nothing.
extension UserStore {
    /// The import's state while rows stream in.
    final class Import {
        let id = UUID()
        var rows: Int64 = 0
        var result = ImportResult()
        /// Attribute kinds first given in this import (a later row's other kind is that row's error).
        var kinds: [String: AttributeSchema.Kind] = [:]
        let cipher: PIICipher

        init(cipher: PIICipher) { self.cipher = cipher }

        func reject(_ row: Int64, _ field: String, _ description: String) {
            result.rejected += 1
            if result.errors.count < ImportResult.maxListed {
                result.errors.append(ImportRowError(row: row, field: field, description: description))
            }
        }
    }

    /// Runs an import: `chunks` are read in turn, each row numbered from 1 across them.
    func importUsers(_ chunks: some AsyncSequence<ImportChunk, any Error>, actor: String) async throws -> ImportResult {
        let state = Import(cipher: try cipher())
        return try await pool.withTransaction { db in
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
            for try await chunk in chunks { try await stage(chunk, state, db) }
            try await merge(state, db, actor: actor)
            state.result.rows = state.rows
            return state.result
        }
    }

    /// Checks a chunk's rows and COPYs the good ones into the staging tables.
    private func stage(_ chunk: ImportChunk, _ state: Import, _ db: PostgresConnection) async throws {
        struct Row {
            let number: Int64
            let user: UserProfile
            let sealed: Sealed
            let consent: ConsentUpdate?
        }
        var staged: [Row] = []
        var newKinds: [(String, AttributeSchema.Kind)] = []
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
            staged.append(
                Row(number: number, user: user, sealed: try Sealed(user, state.cipher), consent: reading.row.consent))
        }
        // Kinds new to this import, checked against the schema (stored ones win; this import's rows of another kind
        // are then refused).
        if !newKinds.isEmpty {
            var issues = FieldIssues()
            try await schema.check(newKinds.map { (name: $0.0, kind: $0.1) }, at: { $0 }, on: db, into: &issues)
            let refused = Set(issues.issues.map(\.path))
            if !refused.isEmpty {
                staged = staged.filter { row in
                    guard let bad = Self.kinds(row.user.attributes).first(where: { refused.contains($0.name) }) else {
                        return true
                    }
                    state.reject(
                        row.number, "user.attributes".key(bad.name),
                        issues.issues.first { $0.path == bad.name }!.problem)
                    return false
                }
            }
        }
        guard !staged.isEmpty else { return }
        _ = try await db.copyFrom(
            """
            COPY import_users (row, id, external_id, email_enc, phone_enc, display_name_enc, email_index, phone_index, locale, timezone,
                attributes) FROM STDIN
            """, rows: staged
        ) { row, copy in
            copy.append(Int(row.number))
            copy.append(UUID())
            copy.append(row.user.externalID)
            for value in [
                row.sealed.email, row.sealed.phone, row.sealed.displayName, row.sealed.emailIndex,
                row.sealed.phoneIndex,
            ] {
                if let value { copy.append(Data(value)) } else { copy.appendNull() }
            }
            if row.user.locale.isEmpty { copy.appendNull() } else { copy.append(row.user.locale) }
            if row.user.timezone.isEmpty { copy.appendNull() } else { copy.append(row.user.timezone) }
            if let attributes = row.user.attributes { copy.append(attributes.text()) } else { copy.appendNull() }
        }
        let consents = staged.flatMap { row in
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

    /// One statement merges the staged rows (the last row of an external id wins), records consent and audit rows. A
    /// row that had sealed values keeps its key id (values kept from before may be sealed with a previous key: key
    /// rotation then re-seals them all, each opened with the key it names).
    private func merge(_ state: Import, _ db: PostgresConnection, actor: String) async throws {
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
        state.result.created = try merged[0].decode("created")
        state.result.updated = try merged[0].decode("updated")
    }
}
