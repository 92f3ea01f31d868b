import Codec
import Foundation

/// `herald.analytics.v1.CampaignAnalytics`: each method with its request and response types, shared by
/// campaign-analytics and `CampaignAnalyticsClient`.
public enum CampaignAnalyticsAPI {
    public static let service = "herald.analytics.v1.CampaignAnalytics"

    public static let trackCampaignEvent = RPCMethod<Only<CampaignEvent>, EventStored>(service, "TrackCampaignEvent")
    public static let trackCampaignEvents = RPCMethod<Many<CampaignEvent>, TrackedEvents>(
        service, "TrackCampaignEvents")
    public static let getCampaignMetrics = RPCMethod<CampaignRange, Only<CampaignMetrics>>(
        service, "GetCampaignMetrics")
    public static let watchCampaignMetrics = RPCMethod<ByID, Only<CampaignMetrics>>(service, "WatchCampaignMetrics")
    public static let calculateROI = RPCMethod<ByID, Only<ROIAnalysis>>(service, "CalculateROI")
    public static let analyzeFunnel = RPCMethod<CampaignRange, Only<FunnelAnalysis>>(service, "AnalyzeFunnel")
    public static let generateReport = RPCMethod<Only<ReportDefinition>, Only<CampaignReport>>(
        service, "GenerateReport")
    public static let createDashboard = RPCMethod<CreateDashboardRequest, Only<Dashboard>>(service, "CreateDashboard")
    public static let getDashboard = RPCMethod<ByID, Only<Dashboard>>(service, "GetDashboard")
    public static let analyzeAttribution = RPCMethod<AttributionRequest, Only<AttributionAnalysis>>(
        service, "AnalyzeAttribution")
    public static let trackConversion = RPCMethod<ConversionReport, EventStored>(service, "TrackConversion")
    public static let recordCustomMetric = RPCMethod<Only<CustomMetric>, EventStored>(service, "RecordCustomMetric")
    public static let getUserBehavior = RPCMethod<UserRange, Only<BehaviorAnalysis>>(service, "GetUserBehavior")

    /// Most events TrackCampaignEvents takes in one call.
    public static let maxBatch = 10_000
}

/// TrackCampaignEventResponse: whether the event was stored (false: stored before, a retry).
public struct EventStored: WireMapped, Sendable, Equatable {
    public var stored: Bool

    public init(_ stored: Bool) { self.stored = stored }
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) { stored = m.bool(1) }
    public func write(to b: MessageBuilder) { b.set(1, stored) }
}

extension TrackedEvents: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(stored: m.int64(1), duplicates: m.int64(2))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, stored)
        b.set(2, duplicates)
    }
}

/// CreateDashboardRequest.
public struct CreateDashboardRequest: WireMapped, Sendable, Equatable {
    public var definition: DashboardDefinition
    public var createdBy: UUID

    public init(_ definition: DashboardDefinition, by createdBy: UUID) {
        self.definition = definition
        self.createdBy = createdBy
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        definition = m.requiredMessage(1, at: path.field("definition"), &issues)
        createdBy = issues.requiredUUID(m.string(2), at: path.field("created_by"))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, definition)
        b.set(2, id: createdBy)
    }
}
