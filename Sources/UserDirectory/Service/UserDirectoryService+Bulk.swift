import Domain
import Foundation
import RPC
import ServiceKit

/// ImportUsers, ExportUsers and LookupUsers: the paths that move many users at once.
extension UserDirectoryService {
    func registerBulk(in services: inout ServiceRegistry) {
        let api = UserDirectoryAPI.self
        // One transaction for the whole stream: a client that goes away, or a message that cannot be read, leaves
        // nothing stored; a bad row is reported with its number and left out.
        services.clientStreaming(api.importUsers) { chunks, context in
            try await store.importUsers(chunks, actor: context.actor)
        }
        services.serverStreaming(
            api.exportUsers, validate: { UserValidator.validate($0.filter, at: "filter", into: &$1) }
        ) { request, responses, _ in
            try await store.export(request.filter) { try await responses.send(Many($0)) }
        }
        services.unary(api.lookupUsers) { request, _ in Many(try await store.lookup(request.userIDs)) }
    }
}
