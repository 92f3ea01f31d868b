import Codec
import Domain
import Foundation
import HeraldCore
import Postgres
import ServiceKit

/// user-directory's tables. Personal data is sealed before it leaves the process and opened after it comes back;
/// every mutation writes its audit row in the same transaction.
public struct UserStore: Sendable {
    let pool: PostgresPool
    let ring: KeyRing
    let schema = AttributeSchema()
    /// How long activity is kept (its monthly partitions are dropped after).
    let activityRetention: Duration
    let partitions = MonthlyPartitions(
        table: "users.activity", create: "users.create_activity_partitions", prefix: "activity_")
    /// The change feed (`users.changes`, written by triggers): its months are kept `changeRetention`, ample for a
    /// consumer that was down (one down longer re-evaluates everything).
    let changePartitions = MonthlyPartitions(
        table: "users.changes", create: "users.create_change_partitions", prefix: "changes_")
    let changeRetention = Duration.seconds(35 * 86_400)

    public init(pool: PostgresPool, ring: KeyRing, activityRetentionDays: Int = 730) {
        self.pool = pool
        self.ring = ring
        activityRetention = .seconds(activityRetentionDays * 86_400)
    }

    func cipher() throws -> PIICipher { try PIICipher(ring) }

    // MARK: Profiles

    /// Stores a new user from a normalized profile (its id, or a new one).
    func create(_ user: UserProfile, actor: String) async throws -> UserProfile {
        let id = user.id ?? UUID()
        let cipher = try cipher()
        let sealed = try Sealed(user, cipher)
        return try await translatingConflicts {
            try await pool.withTransaction { db in
                var issues = FieldIssues()
                try await schema.check(
                    Self.kinds(user.attributes), at: { "user.attributes".key($0) }, on: db, into: &issues)
                try issues.throwIfAny()
                let result = try await db.query(
                    """
                    INSERT INTO users.users AS u (id, external_id, email_enc, phone_enc, display_name_enc, email_index, phone_index,
                        key_id, locale, timezone, attributes)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb) RETURNING \(UserRows.columns)
                    """,
                    [id, user.externalID.nonEmpty] + sealed.parameters(ring.currentID)
                        + [
                            user.locale.nonEmpty, user.timezone.nonEmpty,
                            PostgresJSON(text: (user.attributes ?? .object([])).text()),
                        ])
                try await Self.audit(
                    db, id, "create", actor, ["fields": .array(Self.setFields(user).map { .string($0) })])
                return try UserRows.profile(result[0], devices: [], cipher: cipher)
            }
        }
    }

    /// The user, unless deleted or erased: NOT_FOUND.
    func get(_ id: UUID) async throws -> UserProfile {
        let cipher = try cipher()
        let result = try await pool.query(
            "SELECT \(UserRows.columns) FROM users.users u WHERE u.id = $1 AND u.deleted_at IS NULL AND u.erased_at IS NULL",
            [id])
        guard let row = result.first else { throw Self.notFound(id) }
        let devices = try await pool.query(
            "SELECT \(UserRows.deviceColumns) FROM users.devices d WHERE d.user_id = $1 ORDER BY d.registered_at", [id])
        return try UserRows.profile(
            row, devices: try UserRows.devices(devices, cipher: cipher)[id] ?? [], cipher: cipher)
    }

    /// The fields an update may name.
    static let updatable = ["external_id", "email", "phone", "display_name", "locale", "timezone", "attributes"]

    /// Rectification: the fields `mask` names (every updatable field when empty) take `user`'s normalized values;
    /// `attributes.NAME` sets or, when `user` lacks it, removes one attribute. ABORTED when the profile is no longer
    /// at `expectedVersion` (0: no check).
    func update(_ user: UserProfile, mask: [String], expectedVersion: Int64, actor: String) async throws -> UserProfile
    {
        guard let id = user.id else { throw ValidationError("user.id", "required") }
        let cipher = try cipher()
        return try await translatingConflicts {
            try await pool.withTransaction { db in
                let current = try await db.query(
                    "SELECT \(UserRows.columns) FROM users.users u WHERE u.id = $1 AND u.deleted_at IS NULL AND u.erased_at IS NULL FOR UPDATE",
                    [id])
                guard let row = current.first else { throw Self.notFound(id) }
                var profile = try UserRows.profile(row, devices: [], cipher: cipher)
                guard expectedVersion == 0 || profile.version == expectedVersion else {
                    throw ServiceError.aborted(
                        "user \(id.lowercased) is at version \(profile.version), not \(expectedVersion): it changed since you read it; "
                            + "read it again and reapply your change")
                }
                let changed = Self.apply(user, mask: mask.isEmpty ? Self.updatable : mask, to: &profile)
                var issues = FieldIssues()
                try await schema.check(
                    Self.kinds(profile.attributes), at: { "user.attributes".key($0) }, on: db, into: &issues)
                try issues.throwIfAny()
                let sealed = try Sealed(profile, cipher)
                let result = try await db.query(
                    """
                    UPDATE users.users AS u SET external_id = $2, email_enc = $3, phone_enc = $4, display_name_enc = $5, email_index = $6,
                        phone_index = $7, key_id = $8, locale = $9, timezone = $10, attributes = $11::jsonb, version = u.version + 1,
                        updated_at = now()
                    WHERE u.id = $1 RETURNING \(UserRows.columns)
                    """,
                    [id, profile.externalID.nonEmpty] + sealed.parameters(ring.currentID)
                        + [
                            profile.locale.nonEmpty, profile.timezone.nonEmpty,
                            PostgresJSON(text: (profile.attributes ?? .object([])).text()),
                        ])
                try await Self.audit(
                    db, id, "update", actor,
                    ["fields": .array(changed.map { .string($0) }), "version": .number(String(profile.version + 1))])
                let devices = try await db.query(
                    "SELECT \(UserRows.deviceColumns) FROM users.devices d WHERE d.user_id = $1 ORDER BY d.registered_at",
                    [id])
                return try UserRows.profile(
                    result[0], devices: try UserRows.devices(devices, cipher: cipher)[id] ?? [], cipher: cipher)
            }
        }
    }

    /// Applies the masked fields of `source` to `profile`; the names of the fields changed.
    static func apply(_ source: UserProfile, mask: [String], to profile: inout UserProfile) -> [String] {
        var changed: [String] = []
        for path in mask {
            let before = profile
            switch path {
            case "external_id": profile.externalID = source.externalID
            case "email": profile.email = source.email
            case "phone": profile.phone = source.phone
            case "display_name": profile.displayName = source.displayName
            case "locale": profile.locale = source.locale
            case "timezone": profile.timezone = source.timezone
            case "attributes": profile.attributes = source.attributes
            default:
                let name = String(path.dropFirst("attributes.".count))
                var members = (profile.attributes ?? .object([])).members.filter { $0.0 != name }
                if let value = source.attributes?.members.first(where: { $0.0 == name })?.1, value != .null {
                    members.append((name, value))
                }
                profile.attributes = .object(members.sorted { $0.0 < $1.0 })
            }
            if profile != before { changed.append(path) }
        }
        return changed
    }

    /// Marks a user deleted (no longer found, listed or looked up); their data stays until an erasure.
    func delete(_ id: UUID, actor: String) async throws {
        try await pool.withTransaction { db in
            let result = try await db.query(
                "UPDATE users.users SET deleted_at = now(), version = version + 1 WHERE id = $1 AND deleted_at IS NULL AND erased_at IS NULL",
                [id])
            guard result.affectedRows == 1 else { throw Self.notFound(id) }
            try await Self.audit(db, id, "delete", actor, nil)
        }
    }

    // MARK: Lists

    func list(_ filter: UserFilter, page: PageRequest) async throws -> Page<UserProfile> {
        var conditions = QueryConditions()
        try Self.filter(filter, into: &conditions)
        conditions.after(page.cursor, createdAt: "u.created_at", id: "u.id")
        let limit = conditions.limit(page)
        let result = try await pool.query(
            "SELECT \(UserRows.columns) FROM users.users u \(conditions.whereClause) ORDER BY u.created_at DESC, u.id DESC \(limit)",
            conditions.parameters)
        let profiles = try await profiles(result)
        return Page(items: profiles, size: page.size) { PageCursor(createdAt: $0.createdAt, id: $0.id) }
    }

    /// Profiles of the rows of `result`, with their devices (one more query).
    func profiles(_ result: PostgresResult) async throws -> [UserProfile] {
        let cipher = try cipher()
        let ids = try result.map { try $0.decode("id", as: UUID.self) }
        let devices =
            ids.isEmpty
            ? [:]
            : try UserRows.devices(
                try await pool.query(
                    "SELECT \(UserRows.deviceColumns) FROM users.devices d WHERE d.user_id = ANY($1::uuid[]) ORDER BY d.registered_at",
                    [ids]),
                cipher: cipher)
        return try result.map { row in
            try UserRows.profile(row, devices: devices[try row.decode("id")] ?? [], cipher: cipher)
        }
    }

    /// The conditions of a filter, values as parameters. Deleted and erased users are never listed.
    static func filter(_ filter: UserFilter, into conditions: inout QueryConditions) throws {
        conditions.add(DirectorySQL.present)
        if let attributes = filter.attributes, !attributes.members.isEmpty {
            conditions.add(PostgresJSON(text: attributes.text())) { "u.attributes @> \($0)::jsonb" }
        }
        if let from = filter.createdFrom { conditions.add(from) { "u.created_at >= \($0)" } }
        if let before = filter.createdBefore { conditions.add(before) { "u.created_at < \($0)" } }
        if let purpose = filter.consentedTo {
            conditions.add(purpose.rawValue) { DirectorySQL.consented(toPurpose: $0) }
        }
        if let channel = filter.reachableOn {
            conditions.add(channel.rawValue) { DirectorySQL.reachable(on: $0, channel) }
        }
        if !filter.externalIDPrefix.isEmpty {
            let escaped = filter.externalIDPrefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
                of: "%", with: "\\%"
            )
            .replacingOccurrences(of: "_", with: "\\_")
            conditions.add(escaped + "%") { "u.external_id LIKE \($0)" }
        }
    }

    // MARK: Shared steps

    /// An audit row: who did what to a user; `detail` never holds personal data.
    static func audit(_ db: PostgresConnection, _ user: UUID, _ action: String, _ actor: String, _ detail: JSONValue?)
        async throws
    {
        try await db.query(
            "INSERT INTO users.audit (user_id, action, actor, detail) VALUES ($1, $2, $3, $4::jsonb)",
            [user, action, actor, detail.map { PostgresJSON(text: $0.text()) }])
    }

    /// The kinds of a profile's attributes (null values, which remove, have none).
    static func kinds(_ attributes: JSONValue?) -> [(name: String, kind: AttributeSchema.Kind)] {
        (attributes?.members ?? []).compactMap { name, value in AttributeSchema.kind(of: value).map { (name, $0) } }
    }

    static func setFields(_ user: UserProfile) -> [String] {
        [
            ("external_id", user.externalID), ("email", user.email), ("phone", user.phone),
            ("display_name", user.displayName),
            ("locale", user.locale), ("timezone", user.timezone),
        ].filter { !$0.1.isEmpty }.map(\.0) + (user.attributes == nil ? [] : ["attributes"])
    }

    /// Turns a second user with the same external id, or an id already taken, into ALREADY_EXISTS.
    func translatingConflicts<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PostgresError where error.sqlState == "23505" {
            if (error.constraint ?? "").contains("external_id") {
                throw ServiceError(.alreadyExists, "another user has this external_id")
            }
            if error.constraint == "users_pkey" { throw ServiceError(.alreadyExists, "a user with this id exists") }
            throw error
        }
    }

    static func notFound(_ id: UUID) -> ServiceError { .notFound("user \(id.lowercased) not found") }
}

/// A profile's personal fields sealed, and their blind indexes.
struct Sealed {
    let email, phone, displayName, emailIndex, phoneIndex: [UInt8]?

    init(_ user: UserProfile, _ cipher: PIICipher) throws {
        email = try cipher.seal(user.email, .email)
        phone = try cipher.seal(user.phone, .phone)
        displayName = try cipher.seal(user.displayName, .displayName)
        emailIndex = try cipher.index(user.email, .email)
        phoneIndex = try cipher.index(user.phone, .phone)
    }

    /// email_enc, phone_enc, display_name_enc, email_index, phone_index, key_id.
    func parameters(_ keyID: String) -> [any PostgresEncodable] {
        [
            email.map { Data($0) }, phone.map { Data($0) }, displayName.map { Data($0) }, emailIndex.map { Data($0) },
            phoneIndex.map { Data($0) }, keyID,
        ]
    }
}

extension String {
    /// nil for the empty string (stored as NULL).
    var nonEmpty: String? { isEmpty ? nil : self }
}
