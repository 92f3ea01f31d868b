import Codec
import Domain
import Foundation
import HeraldCore
import Postgres
import ServiceKit

/// campaign-manager's tables: campaigns, their versions, executions, templates and audit trail. Every mutation
/// runs in one transaction that also writes its version and audit rows, so a crash leaves all of them or none.
public struct CampaignStore: Sendable {
    let pool: PostgresPool
    /// Encoded campaigns for GetCampaign; every change made here drops its campaign when it returns.
    let cache: CampaignCache?
    /// Where a campaign's delivery figures come from (another service's data, see `CampaignMetricsSource`).
    let metrics: any CampaignMetricsSource

    /// The NOTIFY channel a trigger signals with a campaign's id when its status, version or executions change.
    static let statusChannel = "campaign_status"

    public init(pool: PostgresPool) { self.init(pool: pool, cache: nil, metrics: AnalyticsTablesReader(pool: pool)) }

    init(pool: PostgresPool, cache: CampaignCache?, metrics: any CampaignMetricsSource) {
        self.pool = pool
        self.cache = cache
        self.metrics = metrics
    }

    /// Who asked for a change, and the request field that named them (for an unknown user's error).
    public struct Actor: Sendable {
        public let id: UUID
        public let field: String
        public init(_ id: UUID, field: String) {
            self.id = id
            self.field = field
        }
    }

    // MARK: Campaigns

    /// Stores a new draft, its version 1 and its audit row in one statement (one round trip, atomic).
    public func create(
        _ definition: CampaignDefinition, by actor: Actor, templateID: UUID? = nil, change: String = "create"
    )
        async throws -> Campaign
    {
        let stored = try CampaignRows.StoredDefinition(definition)
        let assignments = CampaignRows.StoredDefinition.assignments(from: 1)
        let json = CampaignRows.StoredDefinition.jsonParameter(from: 1)
        let detail: JSONValue? = templateID.map { ["template_id": .string($0.lowercased)] }
        let id = UUID()
        let result = try await translatingUnknownUser(actor) {
            try await pool.query(
                """
                WITH c AS (
                    INSERT INTO campaigns.campaigns AS c (\(assignments.map(\.column).joined(separator: ", ")), id, created_by, updated_by, template_id)
                    VALUES (\(assignments.map(\.value).joined(separator: ", ")), $9, $10, $10, $11)
                    RETURNING c.id, c.version, c.status, c.created_at, c.updated_at),
                v AS (
                    INSERT INTO campaigns.campaign_versions (campaign_id, version, definition, created_by, change)
                    SELECT c.id, c.version, $\(json)::jsonb, $10, $12 FROM c),
                a AS (
                    INSERT INTO campaigns.campaign_audit (campaign_id, action, actor, after_version, after_status, detail)
                    SELECT c.id, 'create', $10, c.version, c.status, $13::jsonb FROM c)
                SELECT c.version, c.status::text AS status, c.created_at, c.updated_at FROM c
                """,
                stored.parameters + [
                    id, actor.id, templateID, change, try detail.map { try PostgresJSON(encoding: $0) },
                ])
        }
        let row = result[0]
        return Campaign(
            id: id, definition: definition, status: try row.enumeration("status", as: CampaignStatus.self),
            version: try row.decode("version"), createdAt: try row.decode("created_at"),
            updatedAt: try row.decode("updated_at"),
            createdBy: actor.id, updatedBy: actor.id, templateID: templateID)
    }

    public func get(_ id: UUID) async throws -> Campaign {
        let result = try await pool.query(
            "SELECT \(CampaignRows.campaignColumns) FROM campaigns.campaigns c WHERE c.id = $1", [id])
        guard let row = result.first else { throw Self.notFound(id) }
        return try CampaignRows.campaign(row)
    }

    /// A campaign as an encoded `Campaign` message: from the cache, else read without decoding its definition.
    public func encoded(_ id: UUID) async throws -> [UInt8] {
        if let cached = cache?.lookup(id) { return cached }
        let generation = cache?.generation()
        let result = try await pool.query(
            "SELECT \(CampaignRows.encodedColumns) FROM campaigns.campaigns c WHERE c.id = $1", [id])
        guard let row = result.first else { throw Self.notFound(id) }
        let message: [UInt8]
        if let stored = try CampaignRows.encodedCampaign(row) {
            message = stored
        } else {
            message = try await encodeFromColumns(id)
        }
        if let cache, let generation { cache.store(id, message, readAt: generation) }
        return message
    }

    /// The slow path for rows without a stored encoding: decode the JSON columns, encode the campaign.
    func encodeFromColumns(_ id: UUID) async throws -> [UInt8] {
        let campaign = try await get(id)
        return try CampaignRows.campaignType.encode { campaign.write(to: $0) }
    }

    /// Replaces the definition of a campaign at `expectedVersion` (ABORTED if someone changed it since).
    public func update(
        _ id: UUID, to definition: CampaignDefinition, expectedVersion: Int64, by actor: Actor,
        action: String = "update",
        change: String = "update"
    ) async throws -> Campaign {
        defer { cache?.invalidate(id) }
        return try await mutation(actor) { db in
            let before = try await lock(db, id)
            guard before.version == expectedVersion else {
                throw ServiceError.aborted(
                    "campaign \(id.lowercased) is at version \(before.version), not \(expectedVersion): it changed since you read it; read it again and reapply your change"
                )
            }
            guard before.status.isEditable else {
                throw ServiceError.failedPrecondition(
                    "cannot \(action) a campaign that is \(before.status.rawValue) (\(action) needs draft, scheduled or paused)"
                )
            }
            let stored = try CampaignRows.StoredDefinition(definition)
            let assignments = CampaignRows.StoredDefinition.assignments(from: 1)
            let json = CampaignRows.StoredDefinition.jsonParameter(from: 1)
            let result = try await db.query(
                """
                WITH c AS (
                    UPDATE campaigns.campaigns AS c SET \(assignments.map { "\($0.column) = \($0.value)" }.joined(separator: ", ")),
                        version = c.version + 1, updated_at = now(), updated_by = $10
                    WHERE c.id = $9 RETURNING c.id, c.version, c.updated_at),
                v AS (
                    INSERT INTO campaigns.campaign_versions (campaign_id, version, definition, created_by, change)
                    SELECT c.id, c.version, $\(json)::jsonb, $10, $11 FROM c)
                SELECT c.version, c.updated_at FROM c
                """, stored.parameters + [id, actor.id, change])
            var after = before
            after.definition = definition
            after.version = try result[0].decode("version")
            after.updatedAt = try result[0].decode("updated_at")
            after.updatedBy = actor.id
            try await audit(db, id, action, actor, before: before, after: after, detail: nil)
            return after
        }
    }

    /// Moves a campaign through its lifecycle; `alongside` runs in the same transaction (recording an execution,
    /// cancelling one) with the campaign as it was before.
    public func transition(
        _ id: UUID, _ transition: CampaignTransition, by actor: Actor, detail: JSONValue? = nil,
        alongside: @Sendable (PostgresConnection, Campaign) async throws -> Void = { _, _ in }
    ) async throws -> Campaign {
        defer { cache?.invalidate(id) }
        return try await mutation(actor) { db in
            let before = try await lock(db, id)
            let status = try before.status.applying(transition)
            try await alongside(db, before)
            let result = try await db.query(
                """
                UPDATE campaigns.campaigns AS c SET status = $2::campaigns.campaign_status, updated_at = now(), updated_by = $3
                WHERE c.id = $1 RETURNING \(CampaignRows.campaignColumns)
                """, [id, status.rawValue, actor.id])
            let after = try CampaignRows.campaign(result[0])
            try await audit(db, id, transition.rawValue, actor, before: before, after: after, detail: detail)
            return after
        }
    }

    /// ExecuteCampaign: activates the campaign (or schedules it, when its start is in the future) and records a
    /// pending execution for the workflow engine.
    public func execute(_ id: UUID, by actor: Actor, now: Date = Date()) async throws -> (Campaign, CampaignExecution) {
        defer { cache?.invalidate(id) }
        return try await mutation(actor) { db in
            let before = try await lock(db, id)
            let start = before.definition.schedule?.startDate
            let status = try before.status.applying(start.map { $0 > now } == true ? .schedule : .activate)
            let result = try await db.query(
                """
                UPDATE campaigns.campaigns AS c SET status = $2::campaigns.campaign_status, updated_at = now(), updated_by = $3
                WHERE c.id = $1 RETURNING \(CampaignRows.campaignColumns)
                """, [id, status.rawValue, actor.id])
            let after = try CampaignRows.campaign(result[0])
            let execution = try await db.query(
                """
                INSERT INTO campaigns.campaign_executions AS e (campaign_id, execution_id, status, started_at, requested_by)
                VALUES ($1, '', 'pending', $2, $3) RETURNING \(CampaignRows.executionColumns)
                """, [id, start.map { max($0, now) } ?? now, actor.id])
            let recorded = try CampaignRows.execution(execution[0])
            try await audit(
                db, id, "execute", actor, before: before, after: after,
                detail: ["execution_id": .string(recorded.id.lowercased)])
            return (after, recorded)
        }
    }

    /// Marks a campaign's unfinished executions cancelled (TerminateCampaign's companion).
    static func cancelExecutions(_ db: PostgresConnection, _ id: UUID) async throws {
        try await db.query(
            """
            UPDATE campaigns.campaign_executions SET status = 'cancelled', completed_at = now()
            WHERE campaign_id = $1 AND status IN ('pending', 'running')
            """, [id])
    }

    /// The campaign's status and latest execution, read in one statement (one snapshot: a watcher never sees a
    /// status from before a commit with an execution from after it).
    public func status(_ id: UUID) async throws -> CampaignStatusReport {
        let result = try await pool.query(
            """
            SELECT c.status::text AS campaign_status, c.version, c.updated_at, e.id AS execution, \(CampaignRows.executionColumns)
            FROM campaigns.campaigns c
            LEFT JOIN LATERAL (
                SELECT * FROM campaigns.campaign_executions x WHERE x.campaign_id = c.id ORDER BY x.requested_at DESC LIMIT 1
            ) e ON true
            WHERE c.id = $1
            """, [id])
        guard let row = result.first else { throw Self.notFound(id) }
        return CampaignStatusReport(
            campaignID: id, status: try row.enumeration("campaign_status", as: CampaignStatus.self),
            version: try row.decode("version"),
            currentExecution: row.isNull("execution") ? nil : try CampaignRows.execution(row),
            updatedAt: try row.decode("updated_at"))
    }

    // MARK: Lists

    /// A campaign of a list, as an encoded `Campaign` message, with the key the next page starts after.
    public struct EncodedCampaign: Sendable {
        public let message: [UInt8]
        let createdAt: Date
        let id: UUID
    }

    public func list(_ filter: CampaignFilter, page: PageRequest) async throws -> Page<EncodedCampaign> {
        var conditions = QueryConditions()
        if !filter.statuses.isEmpty {
            conditions.add(filter.statuses.map(\.rawValue)) { "c.status::text = ANY(\($0)::text[])" }
        }
        if !filter.types.isEmpty {
            conditions.add(filter.types.map(\.rawValue)) { "c.type::text = ANY(\($0)::text[])" }
        }
        if !filter.channels.isEmpty {
            conditions.add(filter.channels.map(\.rawValue)) { "c.channels::text[] && \($0)::text[]" }
        }
        if !filter.tags.isEmpty { conditions.add(filter.tags) { "c.tags @> \($0)::text[]" } }
        if let from = filter.createdFrom { conditions.add(from) { "c.created_at >= \($0)" } }
        if let until = filter.createdBefore { conditions.add(until) { "c.created_at < \($0)" } }
        if !filter.nameContains.isEmpty {
            conditions.add(filter.nameContains) { "strpos(lower(c.name), lower(\($0))) > 0" }
        }
        conditions.after(page.cursor, createdAt: "c.created_at", id: "c.id")
        let limit = conditions.limit(page)
        let result = try await pool.query(
            """
            SELECT \(CampaignRows.encodedColumns) FROM campaigns.campaigns c \(conditions.whereClause)
            ORDER BY c.created_at DESC, c.id DESC \(limit)
            """, conditions.parameters)
        var campaigns: [EncodedCampaign] = []
        for row in result {
            let id: UUID = try row.decode("id")
            var message = try CampaignRows.encodedCampaign(row)
            if message == nil { message = try await encodeFromColumns(id) }
            campaigns.append(EncodedCampaign(message: message!, createdAt: try row.decode("created_at"), id: id))
        }
        return Page(items: campaigns, size: page.size) { PageCursor(createdAt: $0.createdAt, id: $0.id) }
    }

    // MARK: Shared steps

    /// A transaction that turns a foreign-key failure on the actor into INVALID_ARGUMENT naming the field.
    func mutation<T: Sendable>(_ actor: Actor, _ body: @Sendable (PostgresConnection) async throws -> T) async throws
        -> T
    {
        try await translatingUnknownUser(actor) { try await pool.withTransaction(.readCommitted, body) }
    }

    /// Runs `body`; a foreign key naming no user (the author of a change) is INVALID_ARGUMENT at the request's
    /// field that named them.
    func translatingUnknownUser<T>(_ actor: Actor, _ body: () async throws -> T) async throws -> T {
        try await ConstraintPaths.translating(
            { error in
                let constraint = error.constraint ?? ""
                guard error.sqlState == "23503", constraint.contains("_by") || constraint == "fk_campaign_audit_actor"
                else { return nil }
                return (actor.field, "no user \(actor.id.lowercased)")
            }, body)
    }

    /// Reads a campaign and locks its row until the transaction ends (so two editors serialize).
    func lock(_ db: PostgresConnection, _ id: UUID) async throws -> Campaign {
        let result = try await db.query(
            "SELECT \(CampaignRows.campaignColumns) FROM campaigns.campaigns c WHERE c.id = $1 FOR UPDATE", [id])
        guard let row = result.first else { throw Self.notFound(id) }
        return try CampaignRows.campaign(row)
    }

    func audit(
        _ db: PostgresConnection, _ id: UUID, _ action: String, _ actor: Actor, before: Campaign?, after: Campaign,
        detail: JSONValue?
    )
        async throws
    {
        try await db.query(
            """
            INSERT INTO campaigns.campaign_audit (campaign_id, action, actor, before_version, after_version, before_status, after_status, detail)
            VALUES ($1, $2, $3, $4, $5, $6::campaigns.campaign_status, $7::campaigns.campaign_status, $8::jsonb)
            """,
            [
                id, action, actor.id, before?.version, after.version, before?.status.rawValue, after.status.rawValue,
                try detail.map { try PostgresJSON(encoding: $0) },
            ])
    }

    static func notFound(_ id: UUID) -> ServiceError { .notFound("campaign \(id.lowercased) not found") }
}
