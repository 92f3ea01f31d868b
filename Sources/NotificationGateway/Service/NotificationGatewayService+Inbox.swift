import Domain
import Foundation
import RPC
import ServiceKit

/// ListInAppMessages and UpdateInAppMessage.
extension NotificationGatewayService {
    func registerInbox(in services: inout ServiceRegistry) {
        let api = NotificationGatewayAPI.self
        services.unary(api.listInAppMessages) { request, _ in
            InAppPage(try await store.inbox(of: request.userID, page: request.page))
        }
        services.unary(api.updateInAppMessage) { request, _ in
            try await store.update(inApp: request.messageID, of: request.userID, request.action)
            return NoContent()
        }
    }
}
