import Codec
import Domain
import Foundation
import HeraldCore
import Postgres
import ServiceKit

/// GDPR data-subject requests (`users.data_subject_requests`), and user-directory's own part of them: what it holds
/// on a user, and the erasure of it.
extension UserStore {
    static let requestColumns =
        "r.id, r.user_id, r.kind, r.state, r.requested_by, r.requested_at, r.completed_at, r.steps"

    static func request(_ row: PostgresRow) throws -> DataSubjectRequest {
        let steps = try row.decode("steps", as: PostgresJSON.self).decode([StoredStep].self)
        return DataSubjectRequest(
            id: try row.decode("id"), userID: try row.decode("user_id"), kind: try row.enumeration("kind"),
            state: try row.enumeration("state"),
            requestedBy: try row.decode("requested_by"), requestedAt: try row.decode("requested_at"),
            completedAt: try row.decode("completed_at"),
            steps: steps.map(\.step))
    }

    /// A step as stored (JSON, dates as seconds since 1970).
    struct StoredStep: Codable {
        var service: String
        var done: Bool
        var attempts: Int32
        var lastError: String
        var completedAt: Double?

        init(_ step: DataSubjectStep) {
            service = step.service
            done = step.done
            attempts = step.attempts
            lastError = step.lastError
            completedAt = step.completedAt?.timeIntervalSince1970
        }

        var step: DataSubjectStep {
            DataSubjectStep(
                service: service, done: done, attempts: attempts, lastError: lastError,
                completedAt: completedAt.map(Date.init(timeIntervalSince1970:)))
        }
    }

    /// Records a request (and its audit row): pending with a step per service, due after `delay`; or, for an access
    /// request already answered, completed.
    func record(
        _ kind: DataSubjectRequestKind, of user: UUID, by requestedBy: String, steps: [DataSubjectStep],
        completed: Bool, delay: Duration = .zero
    ) async throws -> DataSubjectRequest {
        try await pool.withTransaction { db in
            guard try await !db.query("SELECT 1 FROM users.users WHERE id = $1 AND erased_at IS NULL", [user]).isEmpty
            else {
                throw Self.notFound(user)
            }
            let result = try await db.query(
                """
                INSERT INTO users.data_subject_requests AS r (user_id, kind, state, requested_by, completed_at, steps, due_at)
                VALUES ($1, $2, $3, $4, $5, $6::jsonb, now() + $7::interval) RETURNING \(Self.requestColumns)
                """,
                [
                    user, kind.rawValue, completed ? "completed" : "pending", requestedBy, completed ? Date() : nil,
                    try PostgresJSON(encoding: steps.map(StoredStep.init)), PostgresInterval(delay),
                ])
            let request = try Self.request(result[0])
            try await Self.audit(
                db, user, "gdpr.\(kind.rawValue)", requestedBy, ["request": .string(request.id.lowercased)])
            return request
        }
    }

    func dataSubjectRequest(_ id: UUID) async throws -> DataSubjectRequest {
        let result = try await pool.query(
            "SELECT \(Self.requestColumns) FROM users.data_subject_requests r WHERE r.id = $1", [id])
        guard let row = result.first else {
            throw ServiceError.notFound("data-subject request \(id.lowercased) not found")
        }
        return try Self.request(row)
    }

    /// Takes up to `limit` due requests for `lease` (another process takes them over once it expires).
    func claimDueRequests(limit: Int, lease: Duration) async throws -> [DataSubjectRequest] {
        let result = try await pool.query(
            """
            UPDATE users.data_subject_requests AS r SET state = 'running', claimed_until = now() + $2::interval
            WHERE r.id IN (
                SELECT id FROM users.data_subject_requests
                WHERE state <> 'completed' AND due_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
                ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING \(Self.requestColumns)
            """, [limit, PostgresInterval(lease)])
        return try result.map(Self.request)
    }

    /// Saves a claimed request's steps: completed when every step is done, else due again after `retry` and released.
    func save(_ request: DataSubjectRequest, retry: Duration) async throws {
        let done = request.steps.allSatisfy(\.done)
        try await pool.withTransaction { db in
            try await db.query(
                """
                UPDATE users.data_subject_requests SET steps = $2::jsonb, state = $3, completed_at = $4, due_at = now() + $5::interval,
                    claimed_until = NULL
                WHERE id = $1
                """,
                [
                    request.id, try PostgresJSON(encoding: request.steps.map(StoredStep.init)),
                    done ? "completed" : "pending",
                    done ? Date() : nil, PostgresInterval(retry),
                ])
            if done {
                try await Self.audit(
                    db, request.userID, "gdpr.\(request.kind.rawValue).completed", request.requestedBy,
                    ["request": .string(request.id.lowercased)])
            }
        }
    }

    // MARK: user-directory's part

    /// Everything user-directory holds on a user, as one JSON document (personal data opened): profile, devices,
    /// preferences, consent with its history, the most recent 10,000 activities, the audit trail.
    func personalData(of id: UUID) async throws -> JSONValue {
        let cipher = try cipher()
        return try await pool.withConnection { db in
            let users = try await db.query(
                "SELECT \(UserRows.columns), u.deleted_at FROM users.users u WHERE u.id = $1 AND u.erased_at IS NULL",
                [id])
            guard let row = users.first else { throw Self.notFound(id) }
            let devices =
                try UserRows.devices(
                    try await db.query(
                        "SELECT \(UserRows.deviceColumns) FROM users.devices d WHERE d.user_id = $1", [id]),
                    cipher: cipher)[id] ?? []
            let profile = try UserRows.profile(row, devices: devices, cipher: cipher)
            let consent = try await db.query(
                "SELECT at, subject, granted, source, legal_basis FROM users.consent_history WHERE user_id = $1 ORDER BY id",
                [id])
            let activity = try await db.query(
                "SELECT id, type, at, properties, channel::text AS channel, campaign_id FROM users.activity WHERE user_id = $1 ORDER BY at DESC LIMIT 10000",
                [id])
            let audit = try await db.query(
                "SELECT at, action, actor FROM users.audit WHERE user_id = $1 ORDER BY id", [id])
            let time = { (date: Date) in JSONValue.string(ISO8601DateFormatter().string(from: date)) }
            return .object([
                (
                    "profile",
                    .object([
                        ("id", .string(id.lowercased)), ("external_id", .string(profile.externalID)),
                        ("email", .string(profile.email)),
                        ("phone", .string(profile.phone)), ("display_name", .string(profile.displayName)),
                        ("locale", .string(profile.locale)),
                        ("timezone", .string(profile.timezone)), ("attributes", profile.attributes ?? .object([])),
                        ("created_at", time(profile.createdAt ?? Date())),
                        ("deleted", .bool(!row.isNull("deleted_at"))),
                    ])
                ),
                (
                    "devices",
                    .array(
                        profile.devices.map {
                            .object([
                                ("token", .string($0.token)), ("platform", .string($0.platform?.rawValue ?? "")),
                                ("app_id", .string($0.appID)),
                            ])
                        })
                ),
                ("preferences", UserRows.json(UserRows.preferences(try row.json("preferences", as: JSONValue.self)))),
                (
                    "consent_history",
                    .array(
                        try consent.map { c in
                            .object([
                                ("at", time(try c.decode("at"))), ("subject", .string(try c.decode("subject"))),
                                ("granted", .bool(try c.decode("granted"))),
                                ("source", .string(try c.decode("source"))),
                                ("legal_basis", .string(try c.decode("legal_basis"))),
                            ])
                        })
                ),
                (
                    "activity",
                    .array(
                        try activity.map { a in
                            .object([
                                ("id", .string(try a.decode("id"))), ("type", .string(try a.decode("type"))),
                                ("at", time(try a.decode("at"))),
                                ("properties", try a.json("properties", as: JSONValue.self) ?? .null),
                                ("channel", (try a.decode("channel", as: String?.self)).map { .string($0) } ?? .null),
                            ])
                        })
                ),
                (
                    "audit",
                    .array(
                        try audit.map { a in
                            .object([
                                ("at", time(try a.decode("at"))), ("action", .string(try a.decode("action"))),
                                ("actor", .string(try a.decode("actor"))),
                            ])
                        })
                ),
            ])
        }
    }

    /// Erases user-directory's personal data of a user in one transaction: identifiers, addresses, name, attributes,
    /// preferences, devices and activity go; the row (for foreign keys) and the consent record (evidence of what
    /// was agreed) stay, with the audit trail. Erasing an erased user again does nothing.
    func erasePersonalData(of id: UUID, request: UUID) async throws {
        try await pool.withTransaction { db in
            let erased = try await db.query(
                """
                UPDATE users.users SET external_id = NULL, email_enc = NULL, phone_enc = NULL, display_name_enc = NULL, email_index = NULL,
                    phone_index = NULL, key_id = NULL, locale = NULL, timezone = NULL, attributes = '{}', preferences = '{}',
                    erased_at = now(), deleted_at = COALESCE(deleted_at, now()), version = version + 1, updated_at = now()
                WHERE id = $1 AND erased_at IS NULL
                """, [id])
            guard erased.affectedRows == 1 else { return }
            try await db.query("DELETE FROM users.devices WHERE user_id = $1", [id])
            try await db.query("DELETE FROM users.activity WHERE user_id = $1", [id])
            try await Self.audit(db, id, "erase", "user-directory", ["request": .string(request.lowercased)])
        }
    }
}
