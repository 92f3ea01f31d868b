import Domain
import Foundation
import RPC
import ServiceKit

/// CreateUser, GetUserProfile, UpdateUserProfile, DeleteUser, ListUsers, RegisterDevice and UnregisterDevice.
extension UserDirectoryService {
    func registerProfiles(in services: inout ServiceRegistry) {
        let api = UserDirectoryAPI.self
        services.unary(
            api.createUser,
            validate: { request, issues in
                request.value = UserValidator.normalize(request.value, at: "user", into: &issues)
            }
        ) { request, context in
            Only(try await store.create(request.value, actor: context.actor))
        }
        services.unary(api.getUserProfile) { request, _ in Only(try await store.get(request.userID)) }
        services.unary(
            api.updateUserProfile,
            validate: { request, issues in
                request.user = UserValidator.normalize(request.user, at: "user", into: &issues)
                UserValidator.validate(mask: request.updateMask, at: "update_mask.paths", into: &issues)
            }
        ) { request, context in
            Only(
                try await store.update(
                    request.user, mask: request.updateMask, expectedVersion: request.expectedVersion,
                    actor: request.updatedBy?.lowercased ?? context.actor))
        }
        services.unary(api.deleteUser) { request, context in
            try await store.delete(request.userID, actor: context.actor)
            if request.erase { _ = try await privacy.erase(request.userID, requestedBy: context.actor) }
            return NoContent()
        }
        services.unary(
            api.listUsers, validate: { UserValidator.validate($0.filter, at: "filter", into: &$1) }
        ) { request, _ in
            try await store.list(request.filter, page: request.page)
        }
        services.unary(api.registerDevice) { request, context in
            Only(try await store.register(request.device, for: request.userID, actor: context.actor))
        }
        services.unary(api.unregisterDevice) { request, context in
            try await store.unregister(token: request.token, of: request.userID, actor: context.actor)
            return NoContent()
        }
    }
}
