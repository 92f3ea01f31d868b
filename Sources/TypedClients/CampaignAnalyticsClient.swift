import Domain
import Foundation
import ServiceClients

/// `herald.analytics.v1.CampaignAnalytics` for other services: domain values in and out through
/// `CampaignAnalyticsAPI`'s mappers, every call through a `ServiceClient`. Errors are the call's `RPCError`.
public struct CampaignAnalyticsClient: Sendable {
    public var client: ServiceClient { calls.client }
    let calls: ServiceCalls
    private typealias API = CampaignAnalyticsAPI

    public init(_ client: ServiceClient) {
        calls = ServiceCalls(client, package: "herald.analytics.v1", service: "CampaignAnalytics")
    }

    /// Records one event; false when an event with its id was stored before (a retry).
    @discardableResult
    public func track(_ event: CampaignEvent) async throws -> Bool {
        try await calls.call(API.trackCampaignEvent, Only(event)).stored
    }

    /// Records up to `CampaignAnalyticsAPI.maxBatch` events; events whose ids were stored before count as
    /// duplicates.
    @discardableResult
    public func track(_ events: [CampaignEvent]) async throws -> TrackedEvents {
        try await calls.call(API.trackCampaignEvents, Many(events))
    }

    public func metrics(of campaign: UUID, in range: TimeRange? = nil) async throws -> CampaignMetrics {
        try await calls.call(API.getCampaignMetrics, CampaignRange(campaign, timeRange: range)).value
    }

    public func roi(of campaign: UUID) async throws -> ROIAnalysis {
        try await calls.call(API.calculateROI, ByID(campaign)).value
    }

    public func funnel(of campaign: UUID, in range: TimeRange? = nil) async throws -> FunnelAnalysis {
        try await calls.call(API.analyzeFunnel, CampaignRange(campaign, timeRange: range)).value
    }

    public func report(_ definition: ReportDefinition) async throws -> CampaignReport {
        try await calls.call(API.generateReport, Only(definition)).value
    }

    public func createDashboard(_ definition: DashboardDefinition, by user: UUID) async throws -> Dashboard {
        try await calls.call(API.createDashboard, CreateDashboardRequest(definition, by: user)).value
    }

    public func dashboard(_ id: UUID) async throws -> Dashboard {
        try await calls.call(API.getDashboard, ByID(id)).value
    }

    /// Conversions credited to campaign touches by `request.model`, and a test's incrementality when it names one.
    public func attribution(_ request: AttributionRequest) async throws -> AttributionAnalysis {
        try await calls.call(API.analyzeAttribution, request).value
    }

    /// Records a conversion of `user` for `campaign` (stored once by its id); false for a repeat.
    @discardableResult
    public func trackConversion(_ conversion: ConversionEvent, of user: UUID, for campaign: UUID) async throws -> Bool {
        try await calls.call(
            API.trackConversion, ConversionReport(userID: user, campaignID: campaign, conversion: conversion)
        ).stored
    }

    /// Records a custom metric's value (stored once by its id); false for a repeat.
    @discardableResult
    public func record(_ metric: CustomMetric) async throws -> Bool {
        try await calls.call(API.recordCustomMetric, Only(metric)).stored
    }

    public func behavior(of user: UUID, in range: TimeRange? = nil) async throws -> BehaviorAnalysis {
        try await calls.call(API.getUserBehavior, UserRange(user, timeRange: range)).value
    }

    /// The campaign's metrics each time they change, until `timeout` passes.
    public func watchMetrics(of campaign: UUID, timeout: Duration? = nil) throws -> AsyncThrowingStream<
        CampaignMetrics, any Error
    > {
        try calls.watch(API.watchCampaignMetrics, ByID(campaign), timeout: timeout)
    }
}
