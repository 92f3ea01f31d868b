import Domain
import RPC
import ServiceKit

/// ListCampaignVersions, GetCampaignVersion and RollbackCampaign.
extension CampaignService {
    func registerVersions(in services: inout ServiceRegistry) {
        let api = CampaignManagerAPI.self
        services.unary(api.listCampaignVersions) { request, _ in
            try await store.versions(request.campaignID, page: request.page)
        }
        services.unary(api.getCampaignVersion) { request, _ in
            Only(try await store.version(request.campaignID, request.version))
        }
        services.unary(api.rollbackCampaign) { request, _ in
            let old = try await store.version(request.campaignID, request.toVersion)
            return Only(
                try await store.update(
                    request.campaignID, to: old.campaign.definition, expectedVersion: request.expectedVersion,
                    by: CampaignStore.Actor(request.requestedBy, field: "requested_by"), action: "rollback",
                    change: "rollback to \(request.toVersion)"))
        }
    }
}
