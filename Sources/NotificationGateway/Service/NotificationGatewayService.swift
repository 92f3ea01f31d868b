import Domain
import Foundation
import HeraldCore
import Logging
import Postgres
import RPC
import ServiceKit
import TypedClients

/// `herald.delivery.v1.NotificationGateway`: sends accepted into the outbox once per key (a durable write, then
/// the answer), dispatched from there by the `Dispatcher` in the background; statuses, the in-app inbox and the
/// suppression list.
public struct NotificationGatewayService: Sendable {
    public static let name = NotificationGatewayAPI.service

    let store: OutboxStore
    let hub: NotificationHub
    /// The dispatchers, side by side (none in a process that only accepts: `delivery.dispatch` false).
    let dispatch: [BackgroundWork]
    let email: SMTPProvider?
    /// Delivery events on to campaign-analytics (none without a client for it).
    let forwarding: BackgroundWork?

    /// `users`: how the gateway reaches user-directory (consent, preferences, time zones); `analytics`: where its
    /// delivery events go.
    public init(
        pool: PostgresPool, users: UserDirectoryClient?, analytics: CampaignAnalyticsClient? = nil,
        config: HeraldConfig.Delivery
    ) throws {
        let store = OutboxStore(pool: pool)
        self.store = store
        hub = try NotificationHub(channels: [OutboxStore.statusChannel], configuration: pool.configuration.connection)
        let email = try config.smtp.map { try SMTPProvider($0, dispatchers: config.dispatchers) }
        self.email = email
        dispatch = (0..<(config.dispatch ? config.dispatchers : 0)).map { worker in
            let dispatcher = Dispatcher(
                store: store, users: users, email: email, config: config, worker: worker)
            return BackgroundWork(
                "dispatch", every: .milliseconds(500), logger: Logger(label: "herald.notification-gateway.dispatch"),
                step: dispatcher.step)
        }
        forwarding = analytics.map { analytics in
            let forwarder = EventForwarder(pool: pool, analytics: analytics, batchSize: 5_000)
            return BackgroundWork(
                "event forwarding", every: .seconds(2), logger: Logger(label: "herald.notification-gateway.forwarding"),
                step: forwarder.step)
        }
    }

    public func whenReady() async throws {
        for work in dispatch { work.start() }
        forwarding?.start()
    }

    /// New messages are due: the dispatchers look now rather than at their next interval.
    func wakeDispatchers() { for work in dispatch { work.wake() } }

    public func shutdown() async {
        for work in dispatch { work.stop() }
        forwarding?.stop()
        hub.stop()
        await email?.shutdown()
    }

    public func register(in services: inout ServiceRegistry) {
        registerSends(in: &services)
        registerStatus(in: &services)
        registerInbox(in: &services)
        registerSuppressions(in: &services)
    }
}
