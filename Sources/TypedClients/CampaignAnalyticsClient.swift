import Domain
import Foundation
import ServiceClients

/// `herald.analytics.v1.CampaignAnalytics` for other services: domain values in and out, every call through a
/// `ServiceClient`. Errors are the call's `RPCError`.
public struct CampaignAnalyticsClient: Sendable {
    public var client: ServiceClient { calls.client }
    let calls: ServiceCalls

    public init(_ client: ServiceClient) {
        calls = ServiceCalls(client, package: "herald.analytics.v1", service: "CampaignAnalytics")
    }

    /// Records one event; false when an event with its id was stored before (a retry).
    @discardableResult
    public func track(_ event: CampaignEvent) async throws -> Bool {
        try await calls.unary("TrackCampaignEvent", { $0.set(1, event) }) { $0.bool(1) }
    }

    /// Records a batch of events; events whose ids were stored before count as duplicates.
    @discardableResult
    public func track(_ events: [CampaignEvent]) async throws -> TrackedEvents {
        try await calls.unary("TrackCampaignEvents", { $0.set(1, each: events) }) {
            TrackedEvents(stored: $0.int64(1), duplicates: $0.int64(2))
        }
    }

    public func metrics(of campaign: UUID, in range: TimeRange? = nil) async throws -> CampaignMetrics {
        try await calls.unary("GetCampaignMetrics", returning: "metrics") { b in
            b.set(1, id: campaign)
            b.set(2, range)
        }
    }

    public func roi(of campaign: UUID) async throws -> ROIAnalysis {
        try await calls.unary("CalculateROI", returning: "analysis") { $0.set(1, id: campaign) }
    }

    public func funnel(of campaign: UUID, in range: TimeRange? = nil) async throws -> FunnelAnalysis {
        try await calls.unary("AnalyzeFunnel", returning: "funnel") { b in
            b.set(1, id: campaign)
            b.set(2, range)
        }
    }

    public func report(_ definition: ReportDefinition) async throws -> CampaignReport {
        try await calls.unary("GenerateReport", returning: "report") { $0.set(1, definition) }
    }

    public func createDashboard(_ definition: DashboardDefinition, by user: UUID) async throws -> Dashboard {
        try await calls.unary("CreateDashboard", returning: "dashboard") { b in
            b.set(1, definition)
            b.set(2, id: user)
        }
    }

    public func dashboard(_ id: UUID) async throws -> Dashboard {
        try await calls.unary("GetDashboard", returning: "dashboard") { $0.set(1, id: id) }
    }

    /// The campaign's metrics each time they change, until `timeout` passes.
    public func watchMetrics(of campaign: UUID, timeout: Duration? = nil) throws -> AsyncThrowingStream<
        CampaignMetrics, any Error
    > {
        try calls.watch("WatchCampaignMetrics", returning: "metrics", timeout: timeout) { $0.set(1, id: campaign) }
    }
}
