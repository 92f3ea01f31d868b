import API
import Codec
import Domain
import Foundation
import HeraldCore
import Postgres
import ServiceKit

/// The gateway's outbox (`delivery.messages`): a message is accepted once per `MessageKey` (the table's unique
/// constraint), and every later change of its state is a row of `delivery.events` written in the same statement.
public struct OutboxStore: Sendable {
    let pool: PostgresPool
    /// NOTIFY channel of status changes; the payload is the message id.
    static let statusChannel = "delivery_status"

    public init(pool: PostgresPool) { self.pool = pool }

    // MARK: Accepting

    /// Stores `messages` (validated, normalized) that are not stored yet; the result of each, in order: a new
    /// message QUEUED, or the message first stored under its key with `duplicate` set. One statement for the batch.
    func accept(_ messages: [BulkMessage]) async throws -> [DeliveryResult] {
        guard !messages.isEmpty else { return [] }
        let ids = messages.map { _ in UUID.timeOrdered() }
        let contents = try messages.map { Data(try MessageEncoding.content($0.content)) }
        let expiries: [Date?] = messages.map {
            if case .inApp(let inApp) = $0.content { return inApp.expiresAt }
            return nil
        }
        let inserted = try await pool.query(
            """
            INSERT INTO delivery.messages (id, campaign_id, user_id, execution_id, node_id, channel, purpose, content, expires_at)
            SELECT id, campaign_id, user_id, execution_id, node_id, channel::common.notification_channel,
                purpose::delivery.consent_purpose, content, expires_at
            FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bytea[],
                $9::timestamptz[])
                AS m(id, campaign_id, user_id, execution_id, node_id, channel, purpose, content, expires_at)
            ON CONFLICT ON CONSTRAINT messages_key DO NOTHING
            RETURNING id, accepted_at
            """,
            [
                ids, messages.map(\.key.campaignID), messages.map(\.key.userID), messages.map(\.key.executionID),
                messages.map(\.key.nodeID), messages.map(\.content.channel.rawValue), messages.map(\.purpose.rawValue),
                contents, expiries,
            ])
        var acceptedAt: [UUID: Date] = [:]
        for row in inserted { acceptedAt[try row.decode("id")] = try row.decode("accepted_at") }
        var results = [DeliveryResult?](repeating: nil, count: messages.count)
        var repeats: [Int] = []
        for (i, id) in ids.enumerated() {
            if let at = acceptedAt[id] {
                results[i] = DeliveryResult(messageID: id, state: .queued, acceptedAt: at)
            } else {
                repeats.append(i)
            }
        }
        if !repeats.isEmpty {
            let found = try await pool.query(
                """
                SELECT k.i, \(Self.resultColumns) FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int[])
                    AS k(campaign_id, user_id, execution_id, node_id, i)
                JOIN delivery.messages m USING (campaign_id, user_id, execution_id, node_id)
                """,
                [
                    repeats.map { messages[$0].key.campaignID }, repeats.map { messages[$0].key.userID },
                    repeats.map { messages[$0].key.executionID }, repeats.map { messages[$0].key.nodeID }, repeats,
                ])
            for row in found {
                var result = try Self.result(row)
                result.duplicate = true
                results[try row.decode("i", as: Int.self)] = result
            }
        }
        return try results.enumerated().map { i, result in
            guard let result else {
                // Neither inserted nor found: deleted between the two statements (an erasure); accept it again.
                throw ServiceError(.aborted, "message \(i) changed while it was accepted; send it again")
            }
            return result
        }
    }

    static let resultColumns =
        "m.id, m.state::text AS state, m.provider, m.provider_message_id, m.error, m.accepted_at"

    static func result(_ row: PostgresRow) throws -> DeliveryResult {
        DeliveryResult(
            messageID: try row.decode("id"), state: try MessageState(rawValue: row.decode("state"))!.api,
            provider: try row.decode("provider"), providerMessageID: try row.decode("provider_message_id"),
            error: try row.decode("error"), acceptedAt: try row.decode("accepted_at"))
    }

    // MARK: Status

    /// The message's status and history (NOT_FOUND when there is none).
    func status(of id: UUID) async throws -> DeliveryStatus {
        let result = try await pool.query(
            """
            SELECT \(Self.statusColumns) FROM delivery.messages m WHERE m.id = $1
            """, [id])
        guard let row = result.first else { throw ServiceError.notFound("message \(id.lowercased) not found") }
        return try Self.status(row)
    }

    /// What `status(_:)` reads of a message `m`: its key, state, attempts and history (`state|epoch|detail` each).
    static let statusColumns = """
        m.id, m.campaign_id, m.user_id, m.execution_id, m.node_id, m.channel::text AS channel, m.state::text AS state,
        m.attempts, m.accepted_at,
        coalesce((SELECT array_agg(e.state::text || '|' || extract(epoch FROM e.at)::text || '|' || e.detail ORDER BY e.seq)
            FROM delivery.events e WHERE e.message_id = m.id), '{}') AS history
        """

    static func status(_ row: PostgresRow) throws -> DeliveryStatus {
        var history = [DeliveryEvent(state: .queued, at: try row.decode("accepted_at"), detail: "accepted")]
        for entry in try row.decode("history", as: [String].self) {
            let parts = entry.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let state = MessageState(rawValue: String(parts[0])) else { continue }
            history.append(
                DeliveryEvent(
                    state: state.api, at: Double(parts[1]).map { Date(timeIntervalSince1970: $0) },
                    detail: String(parts[2])))
        }
        return DeliveryStatus(
            messageID: try row.decode("id"),
            key: MessageKey(
                campaignID: try row.decode("campaign_id"), userID: try row.decode("user_id"),
                executionID: try row.decode("execution_id"), nodeID: try row.decode("node_id")),
            channel: try row.enumeration("channel"), state: try MessageState(rawValue: row.decode("state"))!.api,
            history: history, attempts: Int32(try row.decode("attempts", as: Int.self)))
    }
}

/// `delivery.message_state`: the API's states and `sending`, the gateway's own (a provider call may be under way).
enum MessageState: String, Sendable {
    case queued, sending, sent, delivered, bounced, failed, suppressed

    /// As the API shows it: a message being sent is still QUEUED until the provider has answered.
    var api: DeliveryState {
        switch self {
        case .queued, .sending: .queued
        case .sent: .sent
        case .delivered: .delivered
        case .bounced: .bounced
        case .failed: .failed
        case .suppressed: .suppressed
        }
    }
}

/// The stored form of a message's content: its channel's protobuf message.
enum MessageEncoding {
    static func content(_ content: DeliveryContent) throws -> [UInt8] {
        try HeraldAPI.registry.message(typeName(content.channel))!.encode { builder in
            switch content {
            case .email(let email): email.write(to: builder)
            case .sms(let sms): sms.write(to: builder)
            case .push(let push): push.write(to: builder)
            case .inApp(let inApp): inApp.write(to: builder)
            }
        }
    }

    static func decode(_ bytes: [UInt8], channel: NotificationChannel) throws -> DeliveryContent {
        let type = HeraldAPI.registry.message(typeName(channel))!
        return try type.decode(bytes) { m in
            var issues = FieldIssues()  // stored content was validated when it was accepted
            switch channel {
            case .email: return .email(EmailContent(wire: m, at: "", &issues))
            case .sms: return .sms(SMSContent(wire: m, at: "", &issues))
            case .push: return .push(PushContent(wire: m, at: "", &issues))
            case .inApp: return .inApp(InAppContent(wire: m, at: "", &issues))
            }
        }
    }

    static func typeName(_ channel: NotificationChannel) -> String {
        switch channel {
        case .email: "herald.delivery.v1.EmailContent"
        case .sms: "herald.delivery.v1.SMSContent"
        case .push: "herald.delivery.v1.PushContent"
        case .inApp: "herald.delivery.v1.InAppContent"
        }
    }
}
