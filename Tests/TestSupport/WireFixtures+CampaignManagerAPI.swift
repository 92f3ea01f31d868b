import Domain
import Foundation

/// Requests and responses of `CampaignManagerAPI`, populated by the conventions of `WireConventions`.
extension WireFixtures {
    public static var definition: CampaignDefinition { campaign.definition }
    public static let page = PageRequest(size: 1)
    public static let filter: CampaignFilter = {
        var filter = CampaignFilter()
        filter.statuses = [.active]
        filter.types = [.drip]
        filter.channels = [.sms]
        filter.tags = ["tags"]
        filter.createdFrom = time
        filter.createdBefore = time.addingTimeInterval(1)
        filter.nameContains = "name_contains"
        return filter
    }()
    public static let campaignVersion = CampaignVersion(
        campaign: {
            var c = campaign
            c.version = 2
            return c
        }(), createdAt: time, createdBy: id(3), change: "change")
    public static let campaignTemplate = CampaignTemplate(
        id: id(16), name: "name", description: "description", definition: definition, createdAt: time, createdBy: id(3),
        tags: ["tags"])
    public static let campaignAnalytics = CampaignAnalytics(
        campaignID: id(2), totals: metrics, daily: [metrics], goalProgress: ["key": 2])
}
