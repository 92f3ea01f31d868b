import Foundation

public struct ROIAnalysis: Equatable, Sendable {
    public var campaignID: UUID
    public var revenue: Double
    public var cost: Double
    /// (revenue - cost) / cost.
    public var roi: Double
    public var costPerConversion: Double
    public var revenuePerMessage: Double
    /// By channel name.
    public var revenueByChannel: [String: Double]

    public init(
        campaignID: UUID, revenue: Double, cost: Double, roi: Double, costPerConversion: Double = 0,
        revenuePerMessage: Double = 0,
        revenueByChannel: [String: Double] = [:]
    ) {
        self.campaignID = campaignID
        self.revenue = revenue
        self.cost = cost
        self.roi = roi
        self.costPerConversion = costPerConversion
        self.revenuePerMessage = revenuePerMessage
        self.revenueByChannel = revenueByChannel
    }
}

/// Users who reached one event type, and the share of those before and at the start.
public struct FunnelStage: Equatable, Sendable {
    public var eventType: EventType
    public var users: Int64
    public var conversionFromPrevious: Double
    public var conversionFromStart: Double

    public init(eventType: EventType, users: Int64, conversionFromPrevious: Double, conversionFromStart: Double) {
        self.eventType = eventType
        self.users = users
        self.conversionFromPrevious = conversionFromPrevious
        self.conversionFromStart = conversionFromStart
    }
}

public struct FunnelAnalysis: Equatable, Sendable {
    public var campaignID: UUID
    public var stages: [FunnelStage]

    public init(campaignID: UUID, stages: [FunnelStage]) {
        self.campaignID = campaignID
        self.stages = stages
    }
}
