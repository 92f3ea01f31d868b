import Codec
import Domain
import Foundation

/// ListCampaignVersions, GetCampaignVersion and RollbackCampaign.
extension CampaignService {
    func registerVersions(_ method: Method) {
        method("ListCampaignVersions") { m in
            var issues = FieldIssues()
            let id = Self.uuid(m.string(1), "campaign_id", &issues)
            let page = PageRequest(wire: m.message(2), at: "page", &issues)
            try issues.throwIfAny()
            return Request {
                let result = try await store.versions(id!, page: page)
                return { b in result.write(to: b) { $0.write(to: $1) } }
            }
        }
        method("GetCampaignVersion") { m in
            var issues = FieldIssues()
            let id = Self.uuid(m.string(1), "campaign_id", &issues)
            let number = m.int64(2)
            issues.check(number > 0, "version", "required: a version number from 1")
            try issues.throwIfAny()
            return Request {
                let version = try await store.version(id!, number)
                return { b in b.message(1) { version.write(to: $0) } }
            }
        }
        method("RollbackCampaign") { m in
            var issues = FieldIssues()
            let id = Self.uuid(m.string(1), "campaign_id", &issues)
            let target = m.int64(2)
            issues.check(target > 0, "to_version", "required: the version to return to")
            let expected = Self.expectedVersion(m.int64(3), "expected_version", &issues)
            let actor = Self.actor(m.string(4), "requested_by", &issues)
            try issues.throwIfAny()
            return Request {
                let old = try await store.version(id!, target)
                let campaign = try await store.update(
                    id!, to: old.campaign.definition, expectedVersion: expected, by: actor!, action: "rollback",
                    change: "rollback to \(target)")
                return campaignResponse(campaign)
            }
        }
    }
}
