import Domain
import Foundation
import RPC
import ServiceKit

/// ExportUserData, EraseUser and GetDataSubjectRequest: GDPR data-subject requests (rectification is
/// UpdateUserProfile, audited like every change).
extension UserDirectoryService {
    func registerPrivacy(in services: inout ServiceRegistry) {
        let api = UserDirectoryAPI.self
        services.unary(api.exportUserData) { request, _ in
            try await privacy.export(request.userID, requestedBy: request.requestedBy)
        }
        services.unary(api.eraseUser) { request, _ in
            Only(try await privacy.erase(request.userID, requestedBy: request.requestedBy))
        }
        services.unary(api.getDataSubjectRequest) { request, _ in
            Only(try await store.dataSubjectRequest(request.requestID))
        }
    }
}
