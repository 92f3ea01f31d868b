import Codec
import Domain
import Foundation
import Postgres
import ServiceKit

/// Preferences, consent with its history, and the data segmentation reads.
extension UserStore {
    func preferences(of id: UUID) async throws -> UserPreferences {
        let result = try await pool.query(
            "SELECT preferences FROM users.users WHERE id = $1 AND deleted_at IS NULL AND erased_at IS NULL", [id])
        guard let row = result.first else { throw Self.notFound(id) }
        return UserRows.preferences(try row.json("preferences", as: JSONValue.self))
    }

    func setPreferences(of id: UUID, to preferences: UserPreferences, actor: String) async throws {
        try await pool.withTransaction { db in
            let result = try await db.query(
                """
                UPDATE users.users SET preferences = $2::jsonb, version = version + 1, updated_at = now()
                WHERE id = $1 AND deleted_at IS NULL AND erased_at IS NULL
                """, [id, PostgresJSON(text: UserRows.json(preferences).text())])
            guard result.affectedRows == 1 else { throw Self.notFound(id) }
            try await Self.audit(db, id, "preferences", actor, nil)
        }
    }

    /// The consent of a user: each channel and purpose recorded, and with `includeHistory` every change, oldest first.
    func consent(of id: UUID, includeHistory: Bool) async throws -> ConsentStatus {
        try await pool.withConnection { db in
            guard
                try await !db.query(
                    "SELECT 1 FROM users.users WHERE id = $1 AND deleted_at IS NULL AND erased_at IS NULL", [id]
                ).isEmpty
            else {
                throw Self.notFound(id)
            }
            let rows = try await db.query(
                "SELECT user_id, subject, granted, source, legal_basis, updated_at FROM users.consent WHERE user_id = $1 ORDER BY subject",
                [id])
            var status = try Self.consent(rows)[id] ?? ConsentStatus(userID: id)
            if includeHistory {
                let history = try await db.query(
                    "SELECT at, subject, granted, source, legal_basis FROM users.consent_history WHERE user_id = $1 ORDER BY id",
                    [id])
                status.history = try history.compactMap { row in
                    guard let subject = Self.subject(try row.decode("subject")) else { return nil }
                    return ConsentChange(
                        at: try row.decode("at"), subject: subject, granted: try row.decode("granted"),
                        source: try row.decode("source"),
                        legalBasis: try row.decode("legal_basis"))
                }
            }
            return status
        }
    }

    /// Consent statuses from rows of users.consent (user_id, subject, granted, source, legal_basis, updated_at).
    static func consent(_ rows: PostgresResult) throws -> [UUID: ConsentStatus] {
        var statuses: [UUID: ConsentStatus] = [:]
        for row in rows {
            let user: UUID = try row.decode("user_id")
            var status = statuses[user] ?? ConsentStatus(userID: user)
            let granted: Bool = try row.decode("granted")
            let updatedAt: Date = try row.decode("updated_at")
            let source: String = try row.decode("source")
            let basis: String = try row.decode("legal_basis")
            switch subject(try row.decode("subject")) {
            case .channel(let channel)?:
                status.channels.append(
                    ChannelConsent(
                        channel: channel, granted: granted, updatedAt: updatedAt, source: source, legalBasis: basis))
            case .purpose(let purpose)?:
                status.purposes.append(
                    PurposeConsent(
                        purpose: purpose, granted: granted, updatedAt: updatedAt, source: source, legalBasis: basis))
                if purpose == .marketing { status.marketing = granted }
                if purpose == .analytics { status.analytics = granted }
            case nil: continue
            }
            status.updatedAt = max(status.updatedAt ?? updatedAt, updatedAt)
            statuses[user] = status
        }
        return statuses
    }

    /// `channel:email`, `purpose:marketing` as a subject.
    static func subject(_ text: String) -> ConsentChange.Subject? {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        switch parts[0] {
        case "channel": return NotificationChannel(rawValue: parts[1]).map { .channel($0) }
        case "purpose": return ConsentPurpose(rawValue: parts[1]).map { .purpose($0) }
        default: return nil
        }
    }

    static func text(_ subject: ConsentChange.Subject) -> String {
        switch subject {
        case .channel(let channel): "channel:" + channel.rawValue
        case .purpose(let purpose): "purpose:" + purpose.rawValue
        }
    }

    /// Records every change of `update` (current state and history) in one transaction with its audit row.
    func updateConsent(of id: UUID, _ update: ConsentUpdate, actor: String) async throws {
        try await pool.withTransaction { db in
            guard
                try await !db.query(
                    "SELECT 1 FROM users.users WHERE id = $1 AND deleted_at IS NULL AND erased_at IS NULL FOR UPDATE",
                    [id]
                ).isEmpty
            else { throw Self.notFound(id) }
            try await Self.recordConsent(db, users: [id], update)
            try await Self.audit(
                db, id, "consent", actor, ["subjects": .array(update.changes.map { .string(Self.text($0.subject)) })])
        }
    }

    /// Writes `update` for each of `users` (upserting users.consent, appending users.consent_history).
    static func recordConsent(_ db: PostgresConnection, users: [UUID], _ update: ConsentUpdate) async throws {
        let changes = update.changes
        guard !changes.isEmpty, !users.isEmpty else { return }
        var ids: [UUID] = []
        var subjects: [String] = []
        var granted: [Bool] = []
        var bases: [String] = []
        for user in users {
            for change in changes {
                ids.append(user)
                subjects.append(text(change.subject))
                granted.append(change.granted)
                bases.append(change.legalBasis)
            }
        }
        try await db.query(
            """
            WITH changes AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::bool[], $4::text[]) AS c(user_id, subject, granted, legal_basis)),
            current AS (
                INSERT INTO users.consent AS c (user_id, subject, granted, source, legal_basis, updated_at)
                SELECT user_id, subject, granted, $5, legal_basis, now() FROM changes
                ON CONFLICT (user_id, subject) DO UPDATE SET granted = EXCLUDED.granted, source = EXCLUDED.source,
                    legal_basis = EXCLUDED.legal_basis, updated_at = EXCLUDED.updated_at)
            INSERT INTO users.consent_history (user_id, subject, granted, source, legal_basis) SELECT user_id, subject, granted, $5, legal_basis FROM changes
            """, [ids, subjects, granted, bases, update.source])
    }

    /// What segmentation evaluates: attributes, counts of events (30 days and all kept), first and last activity,
    /// lifetime value (the sum of activities' `revenue`), and computed traits.
    func segmentData(of id: UUID, now: Date = Date()) async throws -> SegmentData {
        try await pool.withConnection { db in
            let users = try await db.query(
                """
                SELECT u.attributes, u.created_at, u.email_index IS NOT NULL AS has_email, u.phone_index IS NOT NULL AS has_phone,
                    EXISTS (SELECT 1 FROM users.devices d WHERE d.user_id = u.id) AS has_device
                FROM users.users u WHERE u.id = $1 AND u.deleted_at IS NULL AND u.erased_at IS NULL
                """, [id])
            guard let user = users.first else { throw Self.notFound(id) }
            let counts = try await db.query(
                """
                SELECT type, count(*) AS lifetime, count(*) FILTER (WHERE at >= $2) AS recent, min(at) AS first, max(at) AS last,
                    sum(CASE WHEN jsonb_typeof(properties -> 'revenue') = 'number' THEN (properties ->> 'revenue')::float8 ELSE 0 END) AS revenue
                FROM users.activity WHERE user_id = $1 GROUP BY type
                """, [id, now.addingTimeInterval(-30 * 86_400)])
            var data = SegmentData(userID: id, attributes: try user.json("attributes", as: JSONValue.self))
            var first: Date?
            var last: Date?
            for row in counts {
                let type: String = try row.decode("type")
                data.lifetimeEventCounts[type] = try row.decode("lifetime")
                let recent: Int64 = try row.decode("recent")
                if recent > 0 { data.eventCounts[type] = recent }
                data.lifetimeValue += try row.decode("revenue", as: Double?.self) ?? 0
                let typeFirst: Date = try row.decode("first")
                let typeLast: Date = try row.decode("last")
                first = min(first ?? typeFirst, typeFirst)
                last = max(last ?? typeLast, typeLast)
            }
            data.firstSeenAt = first
            data.lastActiveAt = last
            let createdAt: Date = try user.decode("created_at")
            var reachable: [JSONValue] = []
            if try user.decode("has_email") { reachable.append(.string("email")) }
            if try user.decode("has_phone") { reachable.append(.string("sms")) }
            if try user.decode("has_device") { reachable.append(.string("push")) }
            reachable.append(.string("in_app"))
            var traits: [(String, JSONValue)] = [
                ("days_since_signup", .number(String(Int(now.timeIntervalSince(createdAt) / 86_400)))),
                ("events_30d", .number(String(data.eventCounts.values.reduce(0, +)))),
                ("channels_reachable", .array(reachable)),
            ]
            if let last {
                traits.append(("days_since_active", .number(String(Int(now.timeIntervalSince(last) / 86_400)))))
            }
            data.computedTraits = .object(traits.sorted { $0.0 < $1.0 })
            return data
        }
    }
}
