import Codec
import Domain
import Foundation
import HeraldCore
import Postgres
import RPC
import ServiceClients
import TestSupport
import Testing
import TypedClients

/// The notification-gateway process with user-directory beside it, sending to aiosmtpd (a real SMTP server that
/// records what it receives, read back with Python's email package): what becomes of each message, and what a
/// kill -9 in the middle of a bulk send costs.
@Suite("notification-gateway process")
struct GatewayProcessTests {
    /// user-directory, the SMTP receiver and the gateway on one fresh database.
    final class Platform: Sendable {
        let database: (name: String, url: String, user: String)
        let directory: ServiceProcess
        let receiver: RunningProcess
        let smtpPort: Int
        let record: String
        let users: UserDirectoryClient
        let pool: PostgresPool

        /// `dkimRecord`: the DKIM TXT record the receiver verifies signatures against.
        init(dkimRecord: String? = nil) async throws {
            database = try await TestDatabase.migratedDatabaseWithUser()
            directory = try await ServiceProcess.start("user-directory", databaseURL: database.url)
            record = NSTemporaryDirectory() + "herald-mail-\(UUID().uuidString).jsonl"
            let python = try #require(TestEnvironment.python(), "tools/test prepares the Python environment")
            receiver = try RunningProcess(
                python,
                [
                    TestEnvironment.root.appendingPathComponent("Tests/ServiceTests/Python/smtp_receiver.py").path,
                    "--record", record,
                ] + (dkimRecord.map { ["--dkim-record", $0] } ?? []))
            let line = try await runBlocking { [receiver] in receiver.firstLine() }
            smtpPort = try #require(line.split(separator: ":").last.flatMap { Int($0) }, "receiver said: \(line)")
            users = UserDirectoryClient(Self.client("user-directory", port: directory.port))
            pool = TestDatabase.pool(url: database.url)
        }

        static func client(_ target: String, port: Int) -> ServiceClient {
            ServiceClient(target: target, ServiceClientConfiguration(endpoints: [("127.0.0.1", port)]))
        }

        func startGateway(_ environment: [String: String] = [:]) async throws -> ServiceProcess {
            try await ServiceProcess.start(
                "notification-gateway", databaseURL: database.url,
                environment: [
                    "SMTP_HOST": "127.0.0.1", "SMTP_PORT": "\(smtpPort)", "USER_DIRECTORY_PORT": "\(directory.port)",
                    "DELIVERY_RETRY_BASE_MS": "100",
                ].merging(environment) { $1 })
        }

        /// What the receiver has taken so far, in order.
        func mail() throws -> [JSONValue] {
            guard let text = try? String(contentsOfFile: record, encoding: .utf8) else { return [] }
            return try text.split(separator: "\n").map { try JSONValue.parse(String($0)) }
        }

        func stop() {
            receiver.stop()
            directory.stop()
            pool.close()
            try? FileManager.default.removeItem(atPath: record)
            let name = database.name
            Task { try? await TestDatabase.dropDatabase(name) }
        }

        /// A user with `timezone`, marketing consent unless `marketing` is false, and `consent` besides.
        func user(
            _ email: String, timezone: String = "Europe/London", marketing: Bool = true,
            channels: [ChannelConsent] = [], quietHours: String = ""
        ) async throws -> UUID {
            let id = try #require(try await users.create(UserProfile(email: email, timezone: timezone)).id)
            try await users.updateConsent(
                of: id, ConsentUpdate(channels: channels, marketing: marketing, source: "test"))
            if !quietHours.isEmpty {
                try await users.updatePreferences(of: id, to: UserPreferences(quietHours: quietHours))
            }
            return id
        }
    }

    static func key(_ user: UUID, _ node: String) -> MessageKey {
        MessageKey(campaignID: user, userID: user, executionID: "test", nodeID: node)
    }

    static func email(_ to: String, subject: String = "Hello") -> DeliveryContent {
        .email(EmailContent(to: to, subject: subject, textBody: "Hello."))
    }

    /// The message's status once `done` holds for it (10 s at most).
    static func status(
        _ gateway: NotificationGatewayClient, _ id: UUID?,
        until done: (DeliveryStatus) -> Bool = { $0.state != .queued }
    ) async throws -> DeliveryStatus {
        let id = try #require(id)
        var status = try await gateway.status(of: id)
        let deadline = ContinuousClock.now + .seconds(10)
        while !done(status), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            status = try await gateway.status(of: id)
        }
        return status
    }

    @Test(
        "each message's fate: sent as MIME the receiver reads, once per key, suppressed by consent and the suppression list, deferred by quiet hours, retried on 4xx, dead-lettered on 5xx; bulk refusals by index; the in-app inbox"
    )
    func fates() async throws {
        // A DKIM key made by OpenSSL's command line; its public half is what the receiver's dkimpy checks against.
        let keyFile = NSTemporaryDirectory() + "herald-dkim-\(UUID().uuidString).pem"
        defer { try? FileManager.default.removeItem(atPath: keyFile) }
        let publicKey = try runProcess(
            "/bin/sh",
            [
                "-c",
                "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out \(keyFile) 2>/dev/null && "
                    + "openssl pkey -in \(keyFile) -pubout -outform DER | base64 -w0",
            ])
        try #require(publicKey.status == 0, "\(publicKey.stderr)")
        let platform = try await Platform(dkimRecord: "v=DKIM1; k=rsa; p=\(publicKey.stdoutText)")
        defer { platform.stop() }
        let process = try await platform.startGateway(["DKIM_DOMAIN": "example.com", "DKIM_KEY_FILE": keyFile])
        defer { process.stop() }
        let gateway = NotificationGatewayClient(Platform.client("notification-gateway", port: process.port))

        let ada = try await platform.user("ada@example.com")
        // Sent, as a multipart message with a non-ASCII subject, a line starting with a dot, the same Message-ID.
        let content = EmailContent(
            to: "Ada@Example.com", from: "Zoë's Shop <shop@example.com>", subject: "Héllo Ada ✓ — your order",
            htmlBody: "<p>Your order <b>shipped</b>.</p>", textBody: "Hi Ada,\n.this line starts with a dot\nBye")
        let first = try await gateway.send(.email(content), key: Self.key(ada, "welcome"))
        #expect(first.state == .queued && !first.duplicate)
        let sent = try await Self.status(gateway, first.messageID)
        #expect(sent.state == .sent, "\(sent)")
        let again = try await gateway.send(.email(content), key: Self.key(ada, "welcome"))
        #expect(again.duplicate && again.messageID == first.messageID && again.state == .sent)
        let id = try #require(first.messageID).lowercased
        let received = try platform.mail().filter { $0["message_id"].string == "<\(id)@herald.local>" }
        let everything = try platform.mail()
        try #require(received.count == 1, "\(everything)")
        let mail = received[0]
        #expect(mail["subject"].string == content.subject)
        #expect(mail["rcpt_tos"] == .array([.string("ada@example.com")]))
        #expect(mail["from"].string == "Zoë's Shop <shop@example.com>")
        #expect(mail["text"].string?.replacingOccurrences(of: "\r\n", with: "\n") == content.textBody + "\n")
        #expect(mail["html"].string?.replacingOccurrences(of: "\r\n", with: "\n") == content.htmlBody + "\n")
        #expect(mail["defects"] == .array([]))
        #expect(mail["dkim_signed"] == .bool(true) && mail["dkim_verified"] == .bool(true), "\(mail)")

        // Consent and preferences.
        let bob = try await platform.user("bob@example.com", marketing: false)
        let refused = try await gateway.send(Self.email("bob@example.com"), key: Self.key(bob, "promo"))
        let suppressed = try await Self.status(gateway, refused.messageID)
        #expect(suppressed.state == .suppressed && suppressed.history.last?.detail == "no marketing consent")
        let receipt = try await gateway.send(
            Self.email("bob@example.com"), key: Self.key(bob, "receipt"), purpose: .transactional)
        #expect(try await Self.status(gateway, receipt.messageID).state == .sent)
        let dan = try await platform.user(
            "dan@example.com", channels: [ChannelConsent(channel: .email, granted: false)])
        let optedOut = try await Self.status(
            gateway, try await gateway.send(Self.email("dan@example.com"), key: Self.key(dan, "promo")).messageID)
        #expect(optedOut.state == .suppressed && optedOut.history.last?.detail == "the user opted out of email")

        // Quiet hours around now in the user's zone: deferred to their end, not dropped.
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let hour = utc.component(.hour, from: Date())
        let quiet = String(format: "%02d:00-%02d:00", (hour + 23) % 24, (hour + 2) % 24)
        let cleo = try await platform.user("cleo@example.com", timezone: "UTC", quietHours: quiet)
        let night = try await gateway.send(Self.email("cleo@example.com"), key: Self.key(cleo, "promo"))
        let deferred = try await Self.status(gateway, night.messageID) { $0.history.count > 1 }
        #expect(deferred.state == .queued && deferred.attempts == 0, "\(deferred)")
        #expect(deferred.history.last?.detail.hasPrefix("quiet hours \(quiet) in UTC") == true, "\(deferred)")
        let due: Date = try await platform.pool.query(
            "SELECT due_at FROM delivery.messages WHERE id = $1", [try #require(night.messageID)])[0].decode("due_at")
        #expect(utc.component(.hour, from: due) == (hour + 2) % 24 && utc.component(.minute, from: due) == 0)

        // The receiver's replies: 451 twice then taken; 550 dead-lettered at once.
        let retried = try await Self.status(
            gateway, try await gateway.send(Self.email("transient2@example.com"), key: Self.key(ada, "t")).messageID)
        #expect(retried.state == .sent && retried.attempts == 3, "\(retried)")
        #expect(retried.history.filter { $0.detail.hasPrefix("retry: 451") }.count == 2, "\(retried)")
        // Watched: every change, then the call ends with the final state.
        let watched = try #require(
            try await gateway.send(Self.email("transient1@example.com"), key: Self.key(ada, "w")).messageID)
        var states: [DeliveryState] = []
        for try await status in try gateway.watchStatus(of: watched, timeout: .seconds(10)) {
            states.append(status.state)
        }
        #expect(states.first == .queued && states.last == .sent, "\(states)")
        let rejected = try await Self.status(
            gateway, try await gateway.send(Self.email("reject@example.com"), key: Self.key(ada, "r")).messageID)
        #expect(rejected.state == .failed && rejected.history.last?.detail.hasPrefix("550") == true, "\(rejected)")

        // The suppression list, matched on the normalized address.
        let entry = try await gateway.suppress(
            Suppression(channel: .email, address: "Blocked@Example.COM", reason: "complaint"))
        #expect(entry.address == "blocked@example.com" && entry.createdAt != nil)
        let blocked = try await Self.status(
            gateway, try await gateway.send(Self.email("blocked@example.com"), key: Self.key(ada, "b")).messageID)
        #expect(blocked.state == .suppressed && blocked.history.last?.detail.contains("suppression list") == true)
        #expect(try await gateway.suppressions(on: .email).items.map(\.address) == ["blocked@example.com"])
        #expect(try await gateway.unsuppress("BLOCKED@example.com", on: .email))
        #expect(try await !gateway.unsuppress("blocked@example.com", on: .email))

        // Bulk: a bad message is refused by its index, the others accepted; in-app goes to the inbox.
        let bulk = try await gateway.sendBulk([
            BulkMessage(key: Self.key(ada, "bulk-1"), content: Self.email("ada@example.com")),
            BulkMessage(key: Self.key(ada, "bulk-2"), content: Self.email("not-an-address")),
            BulkMessage(
                key: Self.key(ada, "bulk-3"), content: .inApp(InAppContent(title: "Welcome", body: "Hello Ada"))),
            BulkMessage(key: Self.key(ada, "bulk-4"), content: .sms(SMSContent(to: "+447700900123", body: "Hi"))),
        ])
        #expect(bulk.accepted == 3 && bulk.rejected == 1 && bulk.duplicates == 0)
        #expect(bulk.results[1].messageID == nil && bulk.results[1].state == .failed)
        #expect(bulk.results[1].error.hasPrefix("messages[1].email.to: "), "\(bulk.results[1])")
        #expect(try await Self.status(gateway, bulk.results[0].messageID).state == .sent)
        #expect(try await Self.status(gateway, bulk.results[2].messageID).state == .delivered)
        let sms = try await Self.status(gateway, bulk.results[3].messageID)
        #expect(sms.state == .failed && sms.history.last?.detail == "no SMS provider is configured")
        let inbox = try await gateway.inAppMessages(for: ada)
        #expect(inbox.items.map(\.content.title) == ["Welcome"] && inbox.items[0].content.readAt == nil)
        let inApp = try #require(bulk.results[2].messageID)
        try await gateway.updateInAppMessage(inApp, of: ada, .read)
        #expect(try await gateway.inAppMessages(for: ada).items.first?.content.readAt != nil)
        await #expect(throws: RPCError.self) { try await gateway.updateInAppMessage(inApp, of: bob, .read) }
        try await gateway.updateInAppMessage(inApp, of: ada, .dismiss)
        #expect(try await gateway.inAppMessages(for: ada).items.isEmpty)

        // A single send with a bad address is INVALID_ARGUMENT at the field.
        do {
            _ = try await gateway.send(Self.email("nobody"), key: Self.key(ada, "bad"))
            Issue.record("an invalid address was accepted")
        } catch let error as RPCError {
            #expect(error.code == .invalidArgument && error.message.contains("content.to"), "\(error)")
        }
    }

    @Test("delivery events reach campaign-analytics and are counted once, even when forwarded again")
    func eventsForwarded() async throws {
        let platform = try await Platform()
        defer { platform.stop() }
        let analyticsProcess = try await ServiceProcess.start("campaign-analytics", databaseURL: platform.database.url)
        defer { analyticsProcess.stop() }
        let campaign = try #require(
            UUID(
                canonical: try await TestDatabase.campaign(in: platform.database.url, createdBy: platform.database.user)
            ))
        let process = try await platform.startGateway(["ANALYTICS_SERVICE_PORT": "\(analyticsProcess.port)"])
        defer { process.stop() }
        let gateway = NotificationGatewayClient(Platform.client("notification-gateway", port: process.port))
        let analytics = CampaignAnalyticsClient(Platform.client("campaign-analytics", port: analyticsProcess.port))
        defer {
            gateway.client.close()
            analytics.client.close()
        }
        var users: [UUID] = []
        for i in 0..<10 { users.append(try await platform.user("reader\(i)@example.com")) }
        let bulk = users.map {
            BulkMessage(
                key: MessageKey(campaignID: campaign, userID: $0, executionID: "run", nodeID: "welcome"),
                content: Self.email("reader@example.com"))
        }
        _ = try await gateway.sendBulk(bulk)
        func sent() async throws -> Int64 { try await analytics.metrics(of: campaign).sent }
        let deadline = ContinuousClock.now + .seconds(20)
        while try await sent() < 10, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(200)) }
        #expect(try await sent() == 10)
        // As if the gateway had crashed between sending them and marking them forwarded: sent again, counted once.
        try await platform.pool.query("UPDATE delivery.events SET forwarded_at = NULL")
        while try await platform.pool.query(
            "SELECT count(*)::int8 AS n FROM delivery.events WHERE forwarded_at IS NULL")[0].decode("n", as: Int.self)
            > 0,
            ContinuousClock.now < deadline + .seconds(10)
        {
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(try await sent() == 10)
        let stored = try await platform.pool.query(
            "SELECT count(*)::int8 AS n, count(DISTINCT node_id)::int8 AS nodes FROM analytics.campaign_events")
        #expect(try stored[0].decode("n", as: Int.self) == 10)
    }

    @Test(
        "a relay that is down: failed attempts are retried until the circuit breaker opens; then messages wait without spending attempts"
    )
    func relayDown() async throws {
        let platform = try await Platform()
        defer { platform.stop() }
        let closedPort = try GRPCServer.freeLoopbackPort()
        let process = try await platform.startGateway([
            "SMTP_PORT": "\(closedPort)", "DELIVERY_MAX_ATTEMPTS": "3", "DELIVERY_DISPATCHERS": "1",
        ])
        defer { process.stop() }
        let gateway = NotificationGatewayClient(Platform.client("notification-gateway", port: process.port))
        let user = try await platform.user("down@example.com")
        let bulk = try await gateway.sendBulk(
            (0..<40).map { BulkMessage(key: Self.key(user, "d\($0)"), content: Self.email("down+\($0)@example.com")) })
        #expect(bulk.accepted == 40)
        let breakerOpen = "the SMTP relay's circuit breaker is open"
        var statuses: [DeliveryStatus] = []
        let deadline = ContinuousClock.now + .seconds(15)
        repeat {
            try await Task.sleep(for: .milliseconds(200))
            statuses = []
            for result in bulk.results { statuses.append(try await gateway.status(of: try #require(result.messageID))) }
        } while !statuses.contains(where: { $0.history.last?.detail == breakerOpen }) && ContinuousClock.now < deadline
        #expect(statuses.contains { $0.history.last?.detail == breakerOpen }, "\(statuses.map(\.history.last))")
        #expect(statuses.allSatisfy { $0.state == .queued }, "none dead-lettered while the relay is away")
        #expect(statuses.contains { $0.history.contains { $0.detail.hasPrefix("retry: ") } })
    }

    @Test(
        "kill -9 in the middle of a bulk send: after the restart every key is sent once inside Herald; the receiver sees at most the claimed batches again, with the same Message-IDs"
    )
    func killDuringBulkSend() async throws {
        let platform = try await Platform()
        defer { platform.stop() }
        let batch = 100
        let dispatchers = 2
        let settings = [
            "DELIVERY_BATCH_SIZE": "\(batch)", "DELIVERY_DISPATCHERS": "\(dispatchers)", "DELIVERY_LEASE_MS": "1000",
        ]
        // At 200 messages a second the first process is still sending when it is killed, however slow the machine.
        let first = try await platform.startGateway(settings.merging(["SMTP_RATE_PER_SECOND": "200"]) { $1 })
        let gateway = NotificationGatewayClient(Platform.client("notification-gateway", port: first.port))
        let user = try await platform.user("crowd@example.com")
        let count = 3000
        let messages = (0..<count).map {
            BulkMessage(key: Self.key(user, "m\($0)"), content: Self.email("crowd+\($0)@example.com"))
        }
        for start in stride(from: 0, to: count, by: 1000) {
            let result = try await gateway.sendBulk(Array(messages[start..<start + 1000]))
            #expect(result.accepted == 1000)
        }
        // Killed once the receiver has taken some of them.
        let killAt = ContinuousClock.now + .seconds(10)
        while try platform.mail().count < 300, ContinuousClock.now < killAt {
            try await Task.sleep(for: .milliseconds(20))
        }
        kill(first.pid, SIGKILL)
        first.stop()
        let before = try platform.mail().count
        #expect(before < count, "the send finished before the kill")

        let second = try await platform.startGateway(settings)
        defer { second.stop() }
        var sent = 0
        let deadline = ContinuousClock.now + .seconds(60)
        while sent < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            sent = try await platform.pool.query(
                "SELECT count(*) AS n FROM delivery.messages WHERE state = 'sent'")[0].decode("n")
        }
        #expect(sent == count)
        #expect(
            try await platform.pool.query("SELECT count(*) AS n FROM delivery.messages")[0].decode("n", as: Int.self)
                == count)
        let ids = try platform.mail().map { $0["message_id"].string ?? "" }
        let copies = Dictionary(grouping: ids, by: { $0 }).mapValues(\.count)
        let stored = try await platform.pool.query("SELECT provider_message_id FROM delivery.messages").map {
            try $0.decode("provider_message_id", as: String.self)
        }
        #expect(Set(stored) == Set(copies.keys), "every message received, under its stored Message-ID")
        let repeated = copies.values.reduce(0) { $0 + $1 - 1 }
        #expect(
            repeated <= batch * dispatchers,
            "\(repeated) messages received twice; at most the claimed batches, \(dispatchers) × \(batch)")
    }
}
