import Domain
import Foundation
import HeraldCore
import Postgres
import ServiceKit

/// A message a dispatcher holds: marked `sending` (its attempt counted) until `lease_until`; after a crash another
/// dispatcher claims it again once the lease has run out, and sends it with the same id (so the receiver can tell).
struct ClaimedMessage: Sendable {
    let id: UUID
    let key: MessageKey
    let purpose: ConsentPurpose
    let content: DeliveryContent
    /// This attempt's number (1 for the first).
    let attempt: Int
}

/// What became of a claimed message.
enum DispatchOutcome: Sendable, Equatable {
    /// The provider took it (`providerMessageID` its id for it).
    case sent(provider: String, providerMessageID: String, detail: String)
    /// Stored where the user reads it (in-app).
    case delivered(detail: String)
    /// Not sent, by the user's consent, preferences or the suppression list.
    case suppressed(reason: String)
    /// Not yet: due again at `until` (quiet hours); the attempt does not count.
    case deferred(until: Date, reason: String)
    /// A transient failure: tried again at `at`.
    case retry(at: Date, error: String)
    /// A permanent failure, or the last attempt's transient one: dead-lettered with the reply.
    case failed(error: String)

    var state: MessageState {
        switch self {
        case .sent: .sent
        case .delivered: .delivered
        case .suppressed: .suppressed
        case .deferred, .retry: .queued
        case .failed: .failed
        }
    }
}

extension OutboxStore {
    /// Claims up to `limit` messages due now (and messages whose dispatcher's lease ran out), oldest due first.
    func claim(limit: Int, lease: Duration) async throws -> [ClaimedMessage] {
        let result = try await pool.query(
            """
            UPDATE delivery.messages m SET state = 'sending', attempts = m.attempts + 1,
                lease_until = now() + $2 * interval '1 millisecond', updated_at = now()
            FROM (
                SELECT id FROM delivery.messages
                WHERE (state = 'queued' AND due_at <= now()) OR (state = 'sending' AND lease_until < now())
                ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED
            ) c
            WHERE m.id = c.id
            RETURNING m.id, m.campaign_id, m.user_id, m.execution_id, m.node_id, m.channel::text AS channel,
                m.purpose::text AS purpose, m.content, m.attempts
            """, [limit, Int(lease.milliseconds)])
        return try result.map { row in
            let channel: NotificationChannel = try row.enumeration("channel")
            let content = try row.decode("content", as: Data.self)
            return ClaimedMessage(
                id: try row.decode("id"),
                key: MessageKey(
                    campaignID: try row.decode("campaign_id"), userID: try row.decode("user_id"),
                    executionID: try row.decode("execution_id"), nodeID: try row.decode("node_id")),
                purpose: try row.enumeration("purpose"),
                content: try MessageEncoding.decode([UInt8](content), channel: channel),
                attempt: try row.decode("attempts"))
        }
    }

    /// Extends the lease of messages still being sent by this dispatcher (so that a slow batch is not claimed again
    /// by another while it is under way).
    func renew(_ ids: [UUID], lease: Duration) async throws {
        try await pool.query(
            """
            UPDATE delivery.messages SET lease_until = now() + $2 * interval '1 millisecond'
            WHERE id = ANY($1::uuid[]) AND state = 'sending'
            """, [ids, Int(lease.milliseconds)])
    }

    /// Records what became of claimed messages, each with its history event, and wakes their watchers. A message
    /// no longer `sending` (its lease ran out and another dispatcher took it) is left to that one.
    func finish(_ outcomes: [(id: UUID, outcome: DispatchOutcome)]) async throws {
        guard !outcomes.isEmpty else { return }
        var ids: [UUID] = []
        var states: [String] = []
        var due: [Date?] = []
        var providers: [String?] = []
        var providerIDs: [String?] = []
        var details: [String] = []
        var errors: [String?] = []
        var uncounted: [Bool] = []
        for (id, outcome) in outcomes {
            ids.append(id)
            states.append(outcome.state.rawValue)
            var dueAt: Date?
            var provider: String?
            var providerID: String?
            var error: String?
            var detail: String
            var counts = true
            switch outcome {
            case .sent(let name, let messageID, let reply):
                (provider, providerID, detail, error) = (name, messageID, reply, "")
            case .delivered(let text): (detail, error) = (text, "")
            case .suppressed(let reason): (detail, error) = (reason, reason)
            case .deferred(let until, let reason):
                (dueAt, detail, counts) = (until, reason, false)
            case .retry(let at, let reply): (dueAt, detail, error) = (at, "retry: " + reply, reply)
            case .failed(let reply): (detail, error) = (reply, reply)
            }
            due.append(dueAt)
            providers.append(provider)
            providerIDs.append(providerID)
            details.append(detail)
            errors.append(error)
            uncounted.append(!counts)
        }
        try await pool.withTransaction { db in
            try await db.query(
                """
                WITH o AS (
                    SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[],
                        $7::text[], $8::bool[]) AS o(id, state, due_at, provider, provider_message_id, detail, error, uncounted)
                ), changed AS (
                    UPDATE delivery.messages m SET state = o.state::delivery.message_state, lease_until = NULL,
                        due_at = coalesce(o.due_at, m.due_at), provider = coalesce(o.provider, m.provider),
                        provider_message_id = coalesce(o.provider_message_id, m.provider_message_id),
                        error = coalesce(o.error, m.error), attempts = m.attempts - o.uncounted::int, updated_at = now()
                    FROM o WHERE m.id = o.id AND m.state = 'sending'
                    RETURNING m.id, o.state, o.detail
                )
                INSERT INTO delivery.events (message_id, state, detail)
                SELECT id, state::delivery.message_state, detail FROM changed
                """, [ids, states, due, providers, providerIDs, details, errors, uncounted])
            try await db.query(
                "SELECT pg_notify('\(Self.statusChannel)', id::text) FROM unnest($1::uuid[]) AS id", [ids])
        }
    }

    /// Addresses on the suppression list among `addresses` of `channel`.
    func suppressed(_ addresses: [String], on channel: NotificationChannel) async throws -> Set<String> {
        guard !addresses.isEmpty else { return [] }
        let result = try await pool.query(
            """
            SELECT address FROM delivery.suppressions
            WHERE channel = $1::common.notification_channel AND address = ANY($2::text[])
            """, [channel.rawValue, addresses])
        return Set(try result.map { try $0.decode("address", as: String.self) })
    }
}
