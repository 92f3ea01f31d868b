import Domain
import Foundation
import RPC
import ServiceKit

/// TrackDeliveryStatus and WatchDeliveryStatus.
extension NotificationGatewayService {
    func registerStatus(in services: inout ServiceRegistry) {
        let api = NotificationGatewayAPI.self
        services.unary(api.trackDeliveryStatus) { request, _ in Only(try await store.status(of: request.messageID)) }
        services.watch(
            api.watchDeliveryStatus, hub: hub, channel: OutboxStore.statusChannel, key: { $0.messageID.lowercased },
            final: { $0.value.state != .queued }
        ) { request in Only(try await store.status(of: request.messageID)) }
    }
}
