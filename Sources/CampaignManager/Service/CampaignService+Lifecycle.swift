import Domain
import Foundation
import RPC
import ServiceKit

/// ExecuteCampaign, PauseCampaign, ResumeCampaign, TerminateCampaign, ArchiveCampaign and GetCampaignStatus.
extension CampaignService {
    func registerLifecycle(in services: inout ServiceRegistry) {
        let api = CampaignManagerAPI.self
        services.unary(api.executeCampaign) { request, _ in
            try checkExecutable(try await store.get(request.campaignID))
            let (_, execution) = try await store.execute(
                request.campaignID, by: CampaignStore.Actor(request.requestedBy, field: "requested_by"))
            return Only(execution)
        }
        for (method, transition) in [
            (api.pauseCampaign, CampaignTransition.pause), (api.resumeCampaign, .resume),
            (api.archiveCampaign, .archive),
        ] {
            services.unary(method) { request, _ in
                Only(
                    try await store.transition(
                        request.campaignID, transition,
                        by: CampaignStore.Actor(request.requestedBy, field: "requested_by")))
            }
        }
        services.unary(api.terminateCampaign) { request, _ in
            let id = request.action.campaignID
            let campaign = try await store.transition(
                id, .terminate, by: CampaignStore.Actor(request.action.requestedBy, field: "requested_by"),
                detail: request.reason.isEmpty ? nil : ["reason": .string(request.reason)]
            ) { db, _ in try await CampaignStore.cancelExecutions(db, id) }
            return Only(campaign)
        }
        services.unary(api.getCampaignStatus) { request, _ in Only(try await store.status(request.campaignID)) }
    }

    /// What a stored campaign needs before it can run, beyond the rules every definition follows.
    func checkExecutable(_ campaign: Campaign) throws {
        var issues = FieldIssues()
        validator.validate(campaign.definition, at: "campaign", into: &issues)
        let d = campaign.definition
        if d.targetSegments.isEmpty && d.type != .triggered {
            issues.add(
                "campaign.target_segments",
                "a \(d.type?.rawValue ?? "") campaign needs at least one target segment to run")
        }
        if !d.workflow.nodes.contains(where: { if case .message = $0.config { true } else { false } }) {
            issues.add("campaign.workflow.nodes", "a campaign needs at least one message node to run")
        }
        if let end = d.schedule?.endDate, end <= Date() {
            issues.add("campaign.schedule.end_date", "the end date has passed")
        }
        if !issues.isEmpty {
            throw ServiceError.failedPrecondition(
                "campaign \(campaign.id.lowercased) cannot run: "
                    + issues.issues.map(\.description).joined(separator: "; "))
        }
    }
}
