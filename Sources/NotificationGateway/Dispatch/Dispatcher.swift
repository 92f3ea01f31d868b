import Domain
import Foundation
import HeraldCore
import Logging
import Resilience
import TypedClients

/// Works the outbox: claims due messages, asks user-directory about their users, applies the send policy and the
/// suppression list, hands what may go to the channel's provider, and records every outcome. Transient failures
/// are retried with exponential backoff and jitter; after `maxAttempts` they are dead-lettered (FAILED with the
/// provider's last reply).
///
/// A message is marked `sending` (with a lease) before its provider call and `sent` after, so a crash between the
/// two leaves it to be claimed again when the lease runs out: exactly once inside Herald, at least once at the
/// provider, with the same Message-ID every time.
struct Dispatcher: Sendable {
    let store: OutboxStore
    let users: UserDirectoryClient?
    let email: SMTPProvider?
    let config: HeraldConfig.Delivery
    /// Which of the `config.dispatchers` this is: it sends over its own share of the provider's connections.
    let worker: Int
    let logger = Logger(label: "herald.notification-gateway.dispatch")

    /// One batch; true when there may be more due right away.
    func step() async throws -> Bool {
        let clock = ContinuousClock()
        var phases: [(String, Duration)] = []
        var mark = clock.now
        func lap(_ name: String) {
            phases.append((name, clock.now - mark))
            mark = clock.now
        }
        let lease = Duration.milliseconds(config.leaseMilliseconds)
        let claimed = try await store.claim(limit: config.batchSize, lease: lease)
        guard !claimed.isEmpty else { return false }
        lap("claim")
        // The lease is renewed every third of it while this batch is under way: only a crash lets it run out.
        let renewal = Task { [store, logger] in
            let ids = claimed.map(\.id)
            while !Task.isCancelled {
                try? await Task.sleep(for: lease / 3)
                if Task.isCancelled { return }
                do {
                    try await store.renew(ids, lease: lease)
                } catch {
                    logger.warning("lease renewal failed", metadata: ["error": "\(error)"])
                }
            }
        }
        defer { renewal.cancel() }
        var outcomes: [(id: UUID, outcome: DispatchOutcome)] = []
        var passed: [ClaimedMessage] = []
        let contacts: [UUID: UserContact]
        do {
            contacts = try await lookup(Array(Set(claimed.map(\.key.userID))))
        } catch {
            // Not the message's fault: it waits (its attempt not counted) instead of moving toward dead-lettering.
            let until = Date().addingTimeInterval(Double(config.retryBaseMilliseconds) / 1000)
            let reason = "waiting for user-directory: \(error)"
            try await store.finish(claimed.map { ($0.id, .deferred(until: until, reason: reason)) })
            return false
        }
        lap("lookup")
        let now = Date()
        for message in claimed {
            guard let contact = contacts[message.key.userID] else {
                outcomes.append(
                    (message.id, .failed(error: "user \(message.key.userID.lowercased) is not in user-directory")))
                continue
            }
            switch SendPolicy.decide(
                channel: message.content.channel, purpose: message.purpose, contact: contact, now: now)
            {
            case .send: passed.append(message)
            case .suppress(let reason): outcomes.append((message.id, .suppressed(reason: reason)))
            case .postpone(let until, let reason):
                outcomes.append((message.id, .deferred(until: until, reason: reason)))
            }
        }
        passed = try await applySuppressionList(passed, into: &outcomes)
        lap("policy")
        outcomes += await deliver(passed)
        lap("send")
        try await store.finish(outcomes)
        lap("record")
        logger.debug(
            "batch dispatched",
            metadata: [
                "messages": "\(claimed.count)",
                "ms": "\(phases.map { "\($0.0)=\($0.1.milliseconds)" }.joined(separator: " "))",
            ])
        return claimed.count == config.batchSize
    }

    private func lookup(_ ids: [UUID]) async throws -> [UUID: UserContact] {
        guard let users else { throw ServiceError(.unavailable, "no user-directory client") }
        var contacts: [UUID: UserContact] = [:]
        let most = UserDirectoryAPI.maxBatch
        for chunk in stride(from: 0, to: ids.count, by: most).map({ Array(ids[$0..<min($0 + most, ids.count)]) }) {
            for contact in try await users.lookup(chunk) { contacts[contact.userID] = contact }
        }
        return contacts
    }

    /// The messages whose address is not on the suppression list; the others suppressed.
    private func applySuppressionList(
        _ messages: [ClaimedMessage], into outcomes: inout [(id: UUID, outcome: DispatchOutcome)]
    ) async throws -> [ClaimedMessage] {
        var kept: [ClaimedMessage] = []
        let byChannel = Dictionary(grouping: messages, by: { $0.content.channel })
        for (channel, group) in byChannel {
            let suppressed = try await store.suppressed(group.flatMap { Self.addresses($0.content) }, on: channel)
            for message in group {
                if let address = Self.addresses(message.content).first(where: suppressed.contains) {
                    outcomes.append((message.id, .suppressed(reason: "\(address) is on the suppression list")))
                } else {
                    kept.append(message)
                }
            }
        }
        return kept
    }

    static func addresses(_ content: DeliveryContent) -> [String] {
        switch content {
        case .email(let email): [email.to]
        case .sms(let sms): [sms.to]
        case .push(let push): push.deviceTokens
        case .inApp: []
        }
    }

    /// Hands each message to its channel's provider.
    private func deliver(_ messages: [ClaimedMessage]) async -> [(id: UUID, outcome: DispatchOutcome)] {
        var outcomes: [(id: UUID, outcome: DispatchOutcome)] = []
        var emails: [(ClaimedMessage, EmailContent)] = []
        for message in messages {
            switch message.content {
            case .email(let email): emails.append((message, email))
            case .inApp: outcomes.append((message.id, .delivered(detail: "in the user's inbox")))
            case .sms: outcomes.append((message.id, .failed(error: "no SMS provider is configured")))
            case .push: outcomes.append((message.id, .failed(error: "no push provider is configured")))
            }
        }
        guard !emails.isEmpty else { return outcomes }
        guard let email else {
            return outcomes
                + emails.map { ($0.0.id, .failed(error: "no email provider is configured (delivery.smtp.host)")) }
        }
        let replies = await email.send(
            emails.map { (id: $0.0.id, email: $0.1) }, worker: worker, of: config.dispatchers)
        for ((message, _), reply) in zip(emails, replies) {
            switch reply {
            case .accepted(let providerMessageID, let text):
                outcomes.append(
                    (message.id, .sent(provider: SMTPProvider.name, providerMessageID: providerMessageID, detail: text))
                )
            case .transient(let text): outcomes.append((message.id, retryOrFail(message, text)))
            case .providerDown(let until, let text):
                outcomes.append((message.id, .deferred(until: until, reason: text)))
            case .permanent(let text): outcomes.append((message.id, .failed(error: text)))
            }
        }
        return outcomes
    }

    /// A transient failure: retried after the backoff gRFC A6 clients use (base × 2^(attempt−1), capped, ±20 %
    /// jitter: `RetryPolicy.backoff`), or dead-lettered after the last attempt.
    func retryOrFail(_ message: ClaimedMessage, _ error: String) -> DispatchOutcome {
        guard message.attempt < config.maxAttempts else {
            return .failed(error: "gave up after \(message.attempt) attempts: \(error)")
        }
        let policy = RetryPolicy(
            initialBackoff: .milliseconds(config.retryBaseMilliseconds),
            maxBackoff: .milliseconds(config.retryMaxMilliseconds), backoffMultiplier: 2)
        var random = SystemRandomNumberGenerator()
        let wait = policy.backoff(beforeRetry: message.attempt, using: &random)
        return .retry(at: Date().addingTimeInterval(Double(wait.milliseconds) / 1000), error: error)
    }
}
