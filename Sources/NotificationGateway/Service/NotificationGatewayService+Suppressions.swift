import Domain
import Foundation
import RPC
import ServiceKit

/// AddSuppression, RemoveSuppression and ListSuppressions.
extension NotificationGatewayService {
    func registerSuppressions(in services: inout ServiceRegistry) {
        let api = NotificationGatewayAPI.self
        services.unary(
            api.addSuppression,
            validate: { request, issues in
                if !issues.reported("suppression.channel") {
                    MessageValidator.validate(&request.value, at: "suppression", into: &issues)
                }
            }
        ) { request, _ in Only(try await store.suppress(request.value)) }
        services.unary(
            api.removeSuppression,
            validate: { request, issues in
                if !issues.reported("channel") {
                    request.address = MessageValidator.normalized(
                        request.address, on: request.channel, at: "address", &issues)
                }
            }
        ) { request, _ in Removed(try await store.unsuppress(request.address, on: request.channel)) }
        services.unary(api.listSuppressions) { request, _ in
            try await store.suppressions(on: request.channel, page: request.page)
        }
    }
}
