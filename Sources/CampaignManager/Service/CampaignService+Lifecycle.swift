import Codec
import Domain
import Foundation
import Postgres

/// ExecuteCampaign, PauseCampaign, ResumeCampaign, TerminateCampaign, ArchiveCampaign and GetCampaignStatus.
extension CampaignService {
    typealias Method = (String, @escaping @Sendable (MessageView) throws -> Request) -> Void

    func registerLifecycle(_ method: Method) {
        method("ExecuteCampaign") { m in
            var issues = FieldIssues()
            let id = Self.uuid(m.string(1), "campaign_id", &issues)
            let actor = Self.actor(m.string(2), "requested_by", &issues)
            try issues.throwIfAny()
            return Request {
                let campaign = try await store.get(id!)
                try checkExecutable(campaign)
                let (_, execution) = try await store.execute(id!, by: actor!)
                return { b in b.message(1) { execution.write(to: $0) } }
            }
        }
        let transitions: [(String, CampaignTransition)] = [
            ("PauseCampaign", .pause), ("ResumeCampaign", .resume), ("TerminateCampaign", .terminate), ("ArchiveCampaign", .archive),
        ]
        for (name, transition) in transitions {
            method(name) { m in
                var issues = FieldIssues()
                let id = Self.uuid(m.string(1), "campaign_id", &issues)
                let actor = Self.actor(m.string(2), "requested_by", &issues)
                let reason = transition == .terminate ? m.string(3) : ""
                try issues.throwIfAny()
                return Request {
                    let campaign = try await store.transition(
                        id!, transition, by: actor!, detail: reason.isEmpty ? nil : ["reason": .string(reason)]
                    ) { db, _ in
                        if transition == .terminate { try await CampaignStore.cancelExecutions(db, id!) }
                    }
                    return campaignResponse(campaign)
                }
            }
        }
        method("GetCampaignStatus") { m in
            var issues = FieldIssues()
            let id = Self.uuid(m.string(1), "campaign_id", &issues)
            try issues.throwIfAny()
            return Request {
                let status = try await store.status(id!)
                return { b in b.message(1) { status.write(to: $0) } }
            }
        }
    }

    /// What a stored campaign needs before it can run, beyond the rules every definition follows.
    func checkExecutable(_ campaign: Campaign) throws {
        var issues = FieldIssues()
        validator.validate(campaign.definition, at: "campaign", into: &issues)
        let d = campaign.definition
        if d.targetSegments.isEmpty && d.type != .triggered {
            issues.add("campaign.target_segments", "a \(d.type?.rawValue ?? "") campaign needs at least one target segment to run")
        }
        if !d.workflow.nodes.contains(where: { if case .message = $0.config { true } else { false } }) {
            issues.add("campaign.workflow.nodes", "a campaign needs at least one message node to run")
        }
        if let end = d.schedule?.endDate, end <= Date() {
            issues.add("campaign.schedule.end_date", "the end date has passed")
        }
        if !issues.isEmpty {
            throw ServiceError.failedPrecondition(
                "campaign \(campaign.id.lowercased) cannot run: " + issues.issues.map(\.description).joined(separator: "; "))
        }
    }
}
