import Codec
import Foundation

/// A conversion reported for a user and a campaign (TrackConversion).
public struct ConversionEvent: Equatable, Sendable {
    public var id: UUID
    public var type: String
    public var value: Double
    /// ISO 4217.
    public var currency: String
    public var occurredAt: Date?
    public var properties: JSONValue?

    public init(
        id: UUID, type: String, value: Double, currency: String = "", occurredAt: Date? = nil,
        properties: JSONValue? = nil
    ) {
        self.id = id
        self.type = type
        self.value = value
        self.currency = currency
        self.occurredAt = occurredAt
        self.properties = properties
    }
}

/// TrackConversionRequest.
public struct ConversionReport: Equatable, Sendable {
    public var userID: UUID
    public var campaignID: UUID
    public var conversion: ConversionEvent

    public init(userID: UUID, campaignID: UUID, conversion: ConversionEvent) {
        self.userID = userID
        self.campaignID = campaignID
        self.conversion = conversion
    }
}

/// A number tracked for a campaign besides the built-in counts.
public struct CustomMetric: Equatable, Sendable {
    public var id: UUID
    public var campaignID: UUID
    public var name: String
    public var value: Double
    public var timestamp: Date?
    public var dimensions: [String: String]

    public init(
        id: UUID, campaignID: UUID, name: String, value: Double, timestamp: Date? = nil,
        dimensions: [String: String] = [:]
    ) {
        self.id = id
        self.campaignID = campaignID
        self.name = name
        self.value = value
        self.timestamp = timestamp
        self.dimensions = dimensions
    }
}

/// One user's engagement across campaigns (GetUserBehavior).
public struct BehaviorAnalysis: Equatable, Sendable {
    public var userID: UUID
    public var eventsByType: [String: Int64]
    public var campaigns: Int64
    public var firstEventAt: Date?
    public var lastEventAt: Date?
    public var conversions: Int64
    public var revenue: Double
    public var openRate: Double
    public var clickRate: Double
    /// -1 without opens or clicks.
    public var mostActiveHourUTC: Int

    public init(
        userID: UUID, eventsByType: [String: Int64] = [:], campaigns: Int64 = 0, firstEventAt: Date? = nil,
        lastEventAt: Date? = nil, conversions: Int64 = 0, revenue: Double = 0, openRate: Double = 0,
        clickRate: Double = 0, mostActiveHourUTC: Int = -1
    ) {
        self.userID = userID
        self.eventsByType = eventsByType
        self.campaigns = campaigns
        self.firstEventAt = firstEventAt
        self.lastEventAt = lastEventAt
        self.conversions = conversions
        self.revenue = revenue
        self.openRate = openRate
        self.clickRate = clickRate
        self.mostActiveHourUTC = mostActiveHourUTC
    }
}

/// GetUserBehaviorRequest.
public struct UserRange: Equatable, Sendable {
    public var userID: UUID
    public var timeRange: TimeRange?

    public init(_ userID: UUID, timeRange: TimeRange? = nil) {
        self.userID = userID
        self.timeRange = timeRange
    }
}
