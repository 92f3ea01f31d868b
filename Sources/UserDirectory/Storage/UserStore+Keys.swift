import Foundation
import Postgres

/// What the key check and the key rotation read and write: the key ids stored values name, samples of them, and
/// values re-sealed with the current key.
extension UserStore {
    /// A stored row's sealed values (nil where the row has none).
    struct SealedSample {
        let email, phone, displayName, emailIndex, token: [UInt8]?
    }

    /// The key ids the stored values were sealed with, by table (`users`, `devices`): a loose index scan of each
    /// key_id index, one probe per distinct id however many rows there are.
    func keyIDsInUse() async throws -> [(table: String, keyID: String)] {
        var ids: [(String, String)] = []
        for table in ["users", "devices"] {
            let result = try await pool.query(
                """
                WITH RECURSIVE k AS (
                    (SELECT key_id FROM users.\(table) WHERE key_id IS NOT NULL ORDER BY key_id LIMIT 1)
                    UNION ALL
                    SELECT (SELECT t.key_id FROM users.\(table) t WHERE t.key_id > k.key_id ORDER BY t.key_id LIMIT 1)
                    FROM k WHERE k.key_id IS NOT NULL
                ) SELECT key_id FROM k WHERE key_id IS NOT NULL
                """)
            for row in result { ids.append((table, try row.decode("key_id"))) }
        }
        return ids
    }

    /// One row of `table` sealed with `keyID` (a user with an email when there is one, so that the blind index can be
    /// checked as well).
    func sample(_ table: String, keyID: String) async throws -> SealedSample? {
        if table == "devices" {
            let row = try await pool.query("SELECT token_enc FROM users.devices WHERE key_id = $1 LIMIT 1", [keyID])
                .first
            return row.map { row in
                SealedSample(
                    email: nil, phone: nil, displayName: nil, emailIndex: nil,
                    token: try? UserRows.bytes(row, "token_enc"))
            }
        }
        guard
            let row = try await pool.query(
                """
                SELECT email_enc, phone_enc, display_name_enc, email_index FROM users.users
                WHERE key_id = $1 AND (email_enc IS NOT NULL OR phone_enc IS NOT NULL OR display_name_enc IS NOT NULL)
                ORDER BY email_enc IS NULL LIMIT 1
                """, [keyID]
            ).first
        else { return nil }
        return SealedSample(
            email: try UserRows.bytes(row, "email_enc"), phone: try UserRows.bytes(row, "phone_enc"),
            displayName: try UserRows.bytes(row, "display_name_enc"),
            emailIndex: try UserRows.bytes(row, "email_index"),
            token: nil)
    }

    /// Re-seals with the current key up to `batch` users and `batch` devices whose values another key sealed, each
    /// batch one statement in its own transaction (rows another process holds are skipped); how many it re-sealed.
    func reseal(batch: Int) async throws -> Int {
        let cipher = try cipher()
        let current = ring.currentID
        let users = try await pool.withTransaction { db in
            let rows = try await db.query(
                """
                SELECT id, email_enc, phone_enc, display_name_enc FROM users.users
                WHERE key_id IS NOT NULL AND key_id <> $1 LIMIT $2 FOR UPDATE SKIP LOCKED
                """, [current, batch])
            guard !rows.isEmpty else { return 0 }
            func resealed(_ column: String, _ field: PIICipher.Field) throws -> [Data?] {
                try rows.map { row in
                    try cipher.seal(try cipher.open(try UserRows.bytes(row, column), field), field).map { Data($0) }
                }
            }
            let ids = try rows.map { try $0.decode("id", as: UUID.self) }
            let (emails, phones, names) = (
                try resealed("email_enc", .email), try resealed("phone_enc", .phone),
                try resealed("display_name_enc", .displayName)
            )
            return try await db.query(
                """
                UPDATE users.users u SET email_enc = v.email, phone_enc = v.phone, display_name_enc = v.name, key_id = $1
                FROM unnest($2::uuid[], $3::bytea[], $4::bytea[], $5::bytea[]) AS v(id, email, phone, name)
                WHERE u.id = v.id
                """, [current, ids, emails, phones, names]
            ).affectedRows
        }
        let devices = try await pool.withTransaction { db in
            let rows = try await db.query(
                """
                SELECT token_index, token_enc FROM users.devices WHERE key_id <> $1 LIMIT $2 FOR UPDATE SKIP LOCKED
                """, [current, batch])
            guard !rows.isEmpty else { return 0 }
            var indexes: [Data] = []
            var tokens: [Data] = []
            for row in rows {
                indexes.append(try row.decode("token_index"))
                let token = try cipher.open(try UserRows.bytes(row, "token_enc"), .deviceToken)
                tokens.append(Data(try cipher.seal(token, .deviceToken) ?? []))
            }
            return try await db.query(
                """
                UPDATE users.devices d SET token_enc = v.token, key_id = $1
                FROM unnest($2::bytea[], $3::bytea[]) AS v(token_index, token) WHERE d.token_index = v.token_index
                """, [current, indexes, tokens]
            ).affectedRows
        }
        return users + devices
    }
}
