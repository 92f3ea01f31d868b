import Foundation

/// How a conversion's credit is shared among the campaign touches before it.
public enum AttributionModel: String, WireEnum {
    public static let wirePrefix = "ATTRIBUTION_MODEL_"
    case firstTouch = "first_touch"
    case lastTouch = "last_touch"
    case linear
    case timeDecay = "time_decay"
    case positionBased = "position_based"
}

/// AnalyzeAttributionRequest.
public struct AttributionRequest: Equatable, Sendable {
    public var campaignIDs: [UUID]
    public var model: AttributionModel?
    /// 1-90; 0: the default (30).
    public var windowDays: Int
    /// 0: the default (7).
    public var halfLifeDays: Double
    public var timeRange: TimeRange?
    public var holdoutTestID: UUID?

    public init(
        campaignIDs: [UUID] = [], model: AttributionModel?, windowDays: Int = 30, halfLifeDays: Double = 7,
        timeRange: TimeRange? = nil, holdoutTestID: UUID? = nil
    ) {
        self.campaignIDs = campaignIDs
        self.model = model
        self.windowDays = windowDays
        self.halfLifeDays = halfLifeDays
        self.timeRange = timeRange
        self.holdoutTestID = holdoutTestID
    }
}

public struct CampaignAttribution: Equatable, Sendable {
    public var campaignID: UUID
    public var conversions: Double
    public var revenue: Double
    public var touches: Int64

    public init(campaignID: UUID, conversions: Double = 0, revenue: Double = 0, touches: Int64 = 0) {
        self.campaignID = campaignID
        self.conversions = conversions
        self.revenue = revenue
        self.touches = touches
    }
}

/// Treated users against the holdout group of a test.
public struct Incrementality: Equatable, Sendable {
    public var testID: UUID
    public var treatedUsers: Int64
    public var treatedConverted: Int64
    public var holdoutUsers: Int64
    public var holdoutConverted: Int64
    public var lift: Double
    public var liftCILower: Double
    public var liftCIUpper: Double
    public var pValue: Double

    public init(
        testID: UUID, treatedUsers: Int64, treatedConverted: Int64, holdoutUsers: Int64, holdoutConverted: Int64,
        lift: Double = 0, liftCILower: Double = 0, liftCIUpper: Double = 0, pValue: Double = 1
    ) {
        self.testID = testID
        self.treatedUsers = treatedUsers
        self.treatedConverted = treatedConverted
        self.holdoutUsers = holdoutUsers
        self.holdoutConverted = holdoutConverted
        self.lift = lift
        self.liftCILower = liftCILower
        self.liftCIUpper = liftCIUpper
        self.pValue = pValue
    }
}

public struct AttributionAnalysis: Equatable, Sendable {
    public var model: AttributionModel
    public var campaigns: [CampaignAttribution]
    public var conversions: Int64
    public var revenue: Double
    public var unattributed: Int64
    public var incrementality: Incrementality?

    public init(
        model: AttributionModel, campaigns: [CampaignAttribution], conversions: Int64, revenue: Double,
        unattributed: Int64, incrementality: Incrementality? = nil
    ) {
        self.model = model
        self.campaigns = campaigns
        self.conversions = conversions
        self.revenue = revenue
        self.unattributed = unattributed
        self.incrementality = incrementality
    }
}
