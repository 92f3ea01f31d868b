import Domain
import Foundation
import RPC
import ServiceKit

/// GetUserPreferences, UpdateUserPreferences, GetUserConsent and UpdateUserConsent.
extension UserDirectoryService {
    func registerPreferences(in services: inout ServiceRegistry) {
        let api = UserDirectoryAPI.self
        services.unary(api.getUserPreferences) { request, _ in Only(try await store.preferences(of: request.userID)) }
        services.unary(
            api.updateUserPreferences,
            validate: { UserValidator.validate($0.preferences, at: "preferences", into: &$1) }
        ) { request, context in
            try await store.setPreferences(of: request.userID, to: request.preferences, actor: context.actor)
            return NoContent()
        }
        services.unary(api.getUserConsent) { request, _ in
            Only(try await store.consent(of: request.userID, includeHistory: request.includeHistory))
        }
        services.unary(
            api.updateUserConsent, validate: { UserValidator.validate($0.consent, at: "consent", into: &$1) }
        ) { request, context in
            try await store.updateConsent(of: request.userID, request.consent, actor: context.actor)
            return NoContent()
        }
    }
}
