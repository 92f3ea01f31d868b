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
    let dispatch: BackgroundWork
    let email: SMTPProvider?

    /// `users`: how the gateway reaches user-directory (consent, preferences, time zones).
    public init(pool: PostgresPool, users: UserDirectoryClient?, config: HeraldConfig.Delivery) throws {
        let store = OutboxStore(pool: pool)
        self.store = store
        hub = try NotificationHub(channels: [OutboxStore.statusChannel], configuration: pool.configuration.connection)
        let email = try config.smtp.map { try SMTPProvider($0) }
        self.email = email
        let dispatcher = Dispatcher(store: store, users: users, email: email, config: config)
        dispatch = BackgroundWork(
            "dispatch", every: .milliseconds(500), logger: Logger(label: "herald.notification-gateway.dispatch"),
            step: dispatcher.step)
    }

    public func whenReady() async throws { dispatch.start() }

    public func shutdown() async {
        dispatch.stop()
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
