import Codec
import Foundation

/// A campaign and an optional time range, absent for its whole life (`campaign_id = 1, time_range = 2`):
/// CampaignManager's GetCampaignAnalytics, CampaignAnalytics' GetCampaignMetrics and AnalyzeFunnel.
public struct CampaignRange: WireMapped, Sendable, Equatable {
    public var campaignID: UUID
    public var timeRange: TimeRange?

    public init(_ campaignID: UUID, timeRange: TimeRange? = nil) {
        self.campaignID = campaignID
        self.timeRange = timeRange
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        campaignID = issues.requiredUUID(m.string(1), at: path.field("campaign_id"))
        timeRange = m.read(2, at: path.field("time_range"), &issues)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: campaignID)
        b.set(2, timeRange)
    }
}
