import Codec
import Domain
import Foundation
import Postgres
import ServiceKit

/// What the send pipeline reads (LookupUsers), exports, and push devices.
extension UserStore {
    /// Contacts of up to `UserDirectoryAPI.maxBatch` users in the order asked, each once; unknown, deleted and
    /// erased users left out. Three statements on one connection: users, their devices, their consent.
    func lookup(_ ids: [UUID]) async throws -> [UserContact] {
        guard !ids.isEmpty else { return [] }
        let cipher = try cipher()
        return try await pool.withConnection { db in
            let users = try await db.query(
                "SELECT \(UserRows.columns) FROM users.users u WHERE u.id = ANY($1::uuid[]) AND u.deleted_at IS NULL AND u.erased_at IS NULL",
                [ids])
            guard !users.isEmpty else { return [] }
            let devices = try UserRows.devices(
                try await db.query(
                    "SELECT \(UserRows.deviceColumns) FROM users.devices d WHERE d.user_id = ANY($1::uuid[]) ORDER BY d.registered_at",
                    [ids]),
                cipher: cipher)
            let consent = try Self.consent(
                try await db.query(
                    "SELECT user_id, subject, granted, source, legal_basis, updated_at FROM users.consent WHERE user_id = ANY($1::uuid[]) ORDER BY subject",
                    [ids]))
            var contacts: [UUID: UserContact] = [:]
            for row in users {
                let id: UUID = try row.decode("id")
                let profile = try UserRows.profile(row, devices: devices[id] ?? [], cipher: cipher)
                contacts[id] = UserContact(
                    userID: id, email: profile.email, phone: profile.phone, devices: profile.devices,
                    locale: profile.locale,
                    timezone: profile.timezone,
                    preferences: UserRows.preferences(try row.json("preferences", as: JSONValue.self)),
                    consent: consent[id] ?? ConsentStatus(userID: id), displayName: profile.displayName,
                    attributes: profile.attributes)
            }
            var seen = Repeats<UUID>()
            return ids.compactMap { id in seen.seenBefore(id) ? nil : contacts[id] }
        }
    }

    /// Every user `filter` selects, oldest first, `batch` at a time, handed to `send` (which may suspend: a slow
    /// reader holds the export, not the server's memory).
    func export(_ filter: UserFilter, batch: Int = 500, _ send: ([UserProfile]) async throws -> Void) async throws {
        var last: PageCursor?
        while true {
            var conditions = QueryConditions()
            try Self.filter(filter, into: &conditions)
            conditions.after(last, createdAt: "u.created_at", id: "u.id", oldestFirst: true)
            let limit = conditions.limit(PageRequest(size: batch - 1))
            let result = try await pool.query(
                "SELECT \(UserRows.columns) FROM users.users u \(conditions.whereClause) ORDER BY u.created_at, u.id \(limit)",
                conditions.parameters)
            let profiles = try await profiles(result)
            guard let end = profiles.last, let id = end.id, let time = end.createdAt else { return }
            try await send(profiles)
            last = PageCursor(createdAt: time, id: id)
            if profiles.count < batch { return }
        }
    }

    /// Registers a push device for `user`; a token another user held moves to this one (both audited).
    func register(_ device: Device, for user: UUID, actor: String) async throws -> UserProfile {
        let cipher = try cipher()
        guard let index = try cipher.index(device.token, .deviceToken),
            let sealed = try cipher.seal(device.token, .deviceToken)
        else {
            throw ValidationError("device.token", "required")
        }
        try await pool.withTransaction { db in
            guard
                try await !db.query(
                    "SELECT 1 FROM users.users WHERE id = $1 AND deleted_at IS NULL AND erased_at IS NULL FOR UPDATE",
                    [user]
                ).isEmpty
            else { throw Self.notFound(user) }
            let moved = try await db.query(
                "DELETE FROM users.devices WHERE token_index = $1 AND user_id <> $2 RETURNING user_id",
                [Data(index), user])
            for row in moved {
                try await Self.audit(
                    db, try row.decode("user_id"), "device.moved", actor, ["to": .string(user.lowercased)])
            }
            try await db.query(
                """
                INSERT INTO users.devices (user_id, token_index, token_enc, key_id, platform, app_id) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (user_id, token_index) DO UPDATE SET token_enc = EXCLUDED.token_enc, key_id = EXCLUDED.key_id,
                    platform = EXCLUDED.platform, app_id = EXCLUDED.app_id, registered_at = now()
                """,
                [user, Data(index), Data(sealed), ring.currentID, device.platform?.rawValue ?? "fcm", device.appID])
            try await db.query("UPDATE users.users SET version = version + 1, updated_at = now() WHERE id = $1", [user])
            try await Self.audit(
                db, user, "device.register", actor, ["platform": .string(device.platform?.rawValue ?? "")])
        }
        return try await get(user)
    }

    /// Removes a push token from `user`, or from whoever holds it; a token nobody holds is no error (the provider
    /// may report an unregistered token more than once).
    func unregister(token: String, of user: UUID?, actor: String) async throws {
        let cipher = try cipher()
        guard let index = try cipher.index(token, .deviceToken) else { return }
        try await pool.withTransaction { db in
            let removed =
                if let user {
                    try await db.query(
                        "DELETE FROM users.devices WHERE token_index = $1 AND user_id = $2 RETURNING user_id",
                        [Data(index), user])
                } else {
                    try await db.query(
                        "DELETE FROM users.devices WHERE token_index = $1 RETURNING user_id", [Data(index)])
                }
            for row in removed {
                let holder: UUID = try row.decode("user_id")
                try await db.query(
                    "UPDATE users.users SET version = version + 1, updated_at = now() WHERE id = $1", [holder])
                try await Self.audit(db, holder, "device.unregister", actor, nil)
            }
        }
    }
}
