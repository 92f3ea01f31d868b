import Crypto
import Domain
import Foundation
import HeraldCore
import Logging
import Postgres
import RPC
import Synchronization
import TypedClients

/// Delivery events on to campaign-analytics: `delivery.events` is their outbox. In order of `seq`, a batch of
/// unforwarded events is sent (sent, delivered, bounced become analytics events; the gateway's own states are only
/// marked), then marked forwarded. Each analytics event's id is derived from the message and the state, so a batch
/// sent again after a crash between the two steps is counted once. While campaign-analytics is away the events wait.
final class EventForwarder: Sendable {
    let pool: PostgresPool
    let analytics: CampaignAnalyticsClient
    let batchSize: Int
    let logger = Logger(label: "herald.notification-gateway.forwarding")
    /// When a failure was last logged (one line a minute while analytics is away, not one per attempt).
    let lastLogged = Mutex<ContinuousClock.Instant?>(nil)

    init(pool: PostgresPool, analytics: CampaignAnalyticsClient, batchSize: Int) {
        self.pool = pool
        self.analytics = analytics
        self.batchSize = batchSize
    }

    static let forwarded: [String: EventType] = ["sent": .sent, "delivered": .delivered, "bounced": .bounced]

    /// One batch; true when there may be more.
    func step() async throws -> Bool {
        let rows = try await pool.query(
            """
            SELECT e.seq, e.message_id, e.state::text AS state, e.at, m.campaign_id, m.user_id,
                m.channel::text AS channel, m.node_id
            FROM delivery.events e JOIN delivery.messages m ON m.id = e.message_id
            WHERE e.forwarded_at IS NULL ORDER BY e.seq LIMIT $1
            """, [batchSize])
        guard !rows.isEmpty else { return false }
        var seqs: [Int64] = []
        var events: [CampaignEvent] = []
        for row in rows {
            seqs.append(try row.decode("seq"))
            guard let type = Self.forwarded[try row.decode("state", as: String.self)] else { continue }
            let message: UUID = try row.decode("message_id")
            events.append(
                CampaignEvent(
                    id: try Self.eventID(message: message, type: type), campaignID: try row.decode("campaign_id"),
                    userID: try row.decode("user_id"), eventType: type, timestamp: try row.decode("at"),
                    channel: try row.enumeration("channel", as: NotificationChannel.self),
                    metadata: .object([("message_id", .string(message.lowercased))]), nodeID: try row.decode("node_id"))
            )
        }
        do {
            try await send(events)
        } catch {
            logThrottled("delivery events not forwarded; they wait in the outbox", error)
            return false
        }
        try await pool.query("UPDATE delivery.events SET forwarded_at = now() WHERE seq = ANY($1::int8[])", [seqs])
        return rows.rowCount == batchSize
    }

    /// Sends `events`; events analytics refuses for good (a campaign it does not know, say) are logged and left
    /// out, and the others sent again.
    func send(_ events: [CampaignEvent]) async throws {
        guard !events.isEmpty else { return }
        do {
            try await analytics.track(events)
        } catch let error as RPCError where error.code == .invalidArgument {
            var refused = Set<Int>()
            for violation in error.fieldViolations {
                // "events[12].campaign_id" → 12
                guard let open = violation.field.firstIndex(of: "["), let close = violation.field.firstIndex(of: "]"),
                    let index = Int(violation.field[violation.field.index(after: open)..<close])
                else { continue }
                refused.insert(index)
            }
            // Refused for good (a campaign analytics does not know, say): left out rather than holding every later
            // event back; the rest is sent again.
            let kept = refused.isEmpty ? [] : events.enumerated().filter { !refused.contains($0.offset) }.map(\.element)
            logger.error(
                "delivery events refused by campaign-analytics, left out",
                metadata: [
                    "count": "\(events.count - kept.count)", "reason": "\(error.message.prefix(300))",
                ])
            if !kept.isEmpty { try await analytics.track(kept) }
        }
    }

    /// The analytics id of a message's event of one type: the first 16 bytes of SHA-256("<message id>/<type>").
    static func eventID(message: UUID, type: EventType) throws -> UUID {
        let digest = try SHA256.hash(Array("\(message.lowercased)/\(type.rawValue)".utf8))
        var bytes = Array(digest.prefix(16))
        bytes[6] = bytes[6] & 0x0F | 0x80  // version 8: custom
        bytes[8] = bytes[8] & 0x3F | 0x80
        return bytes.withUnsafeBytes { UUID(uuid: $0.load(as: uuid_t.self)) }
    }

    func logThrottled(_ message: Logger.Message, _ error: any Error) {
        let now = ContinuousClock.now
        let log = lastLogged.withLock { last -> Bool in
            guard last.map({ now - $0 >= .seconds(60) }) ?? true else { return false }
            last = now
            return true
        }
        if log { logger.warning(message, metadata: ["error": "\(error)"]) }
    }
}
