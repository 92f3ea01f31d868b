import Crypto
import Domain
import EventLoop
import Foundation
import HeraldCore
import Logging
import Resilience
import Synchronization

/// What a provider said about one message.
enum ProviderReply: Sendable, Equatable {
    /// Taken; `providerMessageID` is how the provider and the receiver know it.
    case accepted(providerMessageID: String, reply: String)
    /// Try again later (a 4xx reply, a lost connection, a timeout).
    case transient(String)
    /// Not tried: the provider's circuit breaker is open after too many transient failures; try after `until`
    /// (the message's attempt does not count: the fault is the provider's).
    case providerDown(until: Date, String)
    /// Never (a 5xx reply: no such mailbox, refused content).
    case permanent(String)
}

/// Email over SMTP to one relay: `connections` connections kept open, each a lane that sends a batch's messages one
/// after the other (pipelined envelopes), at most `ratePerSecond` messages a second in all. Each dispatcher has its
/// own lanes (a connection carries one transaction at a time), so there are at least as many as dispatchers. A message's Message-ID
/// is its gateway id, the same on every attempt, so a receiver can recognise a message sent again after a crash.
final class SMTPProvider: Sendable {
    static let name = "smtp"

    let config: HeraldConfig.Delivery.SMTP
    let defaultFrom: Mailbox
    let dkim: DKIMSigner?
    private let lanes: [Lane]
    private let address: Mutex<SocketAddress?> = Mutex(nil)
    private let bucket: TokenBucket?
    /// Opens after half of the last 50 calls failed transiently (20 at least), for 30 s; then 3 probes.
    private let breaker = Mutex(
        CircuitBreaker(
            .init(
                window: .count(50), failureRateThreshold: 50, minimumCalls: 20, openDuration: .seconds(30),
                halfOpenProbes: 3, probeTimeout: .seconds(60))))
    private let logger = Logger(label: "herald.notification-gateway.smtp")

    final class Lane: Sendable {
        let loop: EventLoop
        let connection = Mutex<SMTPConnection?>(nil)
        init(loop: EventLoop) { self.loop = loop }
    }

    init(_ config: HeraldConfig.Delivery.SMTP, dispatchers: Int = 1) throws {
        self.config = config
        guard case .success(let from) = Mailbox.parse(config.defaultFrom) else {
            throw ConfigError(problems: [
                .init(
                    key: "delivery.smtp.from", origin: "SMTP_FROM or Config/herald.yaml", value: config.defaultFrom,
                    expected: "a mailbox such as Herald <noreply@example.com>")
            ])
        }
        defaultFrom = from
        if let domain = config.dkimDomain {
            guard let file = config.dkimKeyFile,
                let pem = try? String(contentsOfFile: file, encoding: .utf8), let key = try? PrivateKey(pem: pem)
            else {
                throw ConfigError(problems: [
                    .init(
                        key: "delivery.smtp.dkim.keyFile", origin: "DKIM_KEY_FILE or Config/herald.yaml",
                        value: config.dkimKeyFile, expected: "a readable PEM file of an RSA or Ed25519 private key")
                ])
            }
            dkim = DKIMSigner(domain: domain, selector: config.dkimSelector, key: key)
        } else {
            dkim = nil
        }
        lanes = (0..<max(config.connections, dispatchers)).map { _ in Lane(loop: EventLoopGroup.shared.next()) }
        bucket = config.ratePerSecond > 0 ? TokenBucket(perSecond: Double(config.ratePerSecond)) : nil
    }

    /// Sends `messages` over the lanes of dispatcher `worker` (of `workers`); what the relay said of each, in order.
    func send(_ messages: [(id: UUID, email: EmailContent)], worker: Int = 0, of workers: Int = 1) async
        -> [ProviderReply]
    {
        let work = Work(count: messages.count)
        let own = lanes.indices.filter { $0 % workers == worker }.map { lanes[$0] }
        await withTaskGroup(of: Void.self) { group in
            for lane in own.prefix(messages.count) {
                group.addTask {
                    while true {
                        let i = work.next.add(1, ordering: .relaxed).oldValue
                        guard i < messages.count else { return }
                        let reply = await self.send(messages[i].email, id: messages[i].id, on: lane)
                        work.replies.withLock { $0[i] = reply }
                    }
                }
            }
        }
        return work.replies.withLock { $0 }
    }

    /// A batch shared by the lanes: the next message to take, and the replies.
    private final class Work: Sendable {
        let next = Atomic<Int>(0)
        let replies: Mutex<[ProviderReply]>
        init(count: Int) { replies = Mutex(Array(repeating: .transient("not sent"), count: count)) }
    }

    /// The Message-ID of a gateway message (without brackets).
    func messageID(_ id: UUID) -> String { "\(id.lowercased)@\(config.heloName)" }

    private func send(_ email: EmailContent, id: UUID, on lane: Lane) async -> ProviderReply {
        let (decision, transitions) = breaker.withLock { $0.acquire(now: .now) }
        log(transitions)
        guard case .permitted(let permit) = decision else {
            if case .rejected(let until) = decision {
                let wait = until - ContinuousClock.now
                return .providerDown(
                    until: Date().addingTimeInterval(Double(wait.milliseconds) / 1000),
                    "the SMTP relay's circuit breaker is open")
            }
            return .transient("not sent")
        }
        let reply = await attempt(email, id: id, on: lane)
        let outcome: CircuitBreaker.Outcome
        if case .transient = reply { outcome = .failure(.unavailable) } else { outcome = .success }
        log(breaker.withLock { $0.record(permit, outcome, now: .now) }.map { [$0] } ?? [])
        return reply
    }

    private func log(_ transitions: [CircuitBreaker.Transition]) {
        for transition in transitions {
            logger.warning(
                "SMTP relay circuit breaker",
                metadata: [
                    "from": "\(transition.from)", "to": "\(transition.to)", "reason": "\(transition.reason)",
                ])
        }
    }

    private func attempt(_ email: EmailContent, id: UUID, on lane: Lane) async -> ProviderReply {
        if let bucket { await bucket.take() }
        let from: Mailbox
        if email.from.isEmpty {
            from = defaultFrom
        } else if case .success(let mailbox) = Mailbox.parse(email.from) {
            from = mailbox
        } else {
            return .permanent("the sender \"\(email.from)\" is not a mailbox")
        }
        let messageID = messageID(id)
        let now = Date()
        var data = MIMEMessage.render(email, from: from, messageID: messageID, date: now)
        do {
            if let dkim { data = try dkim.sign(data, at: now) }
            let connection = try await connection(of: lane)
            let reply = try await connection.send(from: from.address, to: email.to, message: data)
            if reply.isPositive { return .accepted(providerMessageID: "<\(messageID)>", reply: reply.description) }
            return reply.isTransient ? .transient(reply.description) : .permanent(reply.description)
        } catch {
            lane.connection.withLock { $0 = nil }
            return .transient("\(error)")
        }
    }

    private func connection(of lane: Lane) async throws -> SMTPConnection {
        if let open = lane.connection.withLock({ $0 }), await !open.broken { return open }
        let address = try await resolvedAddress()
        let credentials = config.username.map { ($0, config.password ?? "") }
        let connection = try await SMTPConnection.open(
            to: address, heloName: config.heloName, credentials: credentials,
            timeout: .milliseconds(config.timeoutMilliseconds), on: lane.loop)
        lane.connection.withLock { $0 = connection }
        return connection
    }

    private func resolvedAddress() async throws -> SocketAddress {
        if let known = address.withLock({ $0 }) { return known }
        let (host, port) = (config.host, config.port)
        let resolved = try await Task.detached { try SocketAddress.resolve(host: host, port: port) }.value
        address.withLock { $0 = resolved }
        return resolved
    }

    /// Closes the connections (QUIT).
    func shutdown() async {
        for lane in lanes {
            if let connection = lane.connection.withLock({ $0 }) { await connection.quit() }
            lane.connection.withLock { $0 = nil }
        }
    }
}
