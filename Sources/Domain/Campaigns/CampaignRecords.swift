import Codec
import Foundation
import Statistics

public enum ExecutionStatus: String, WireEnum {
    public static let wirePrefix = "EXECUTION_STATUS_"
    case pending, running, completed, failed, cancelled
}

/// One run of a campaign (the spec's CampaignExecution).
public struct CampaignExecution: Equatable, Sendable {
    public var id: UUID
    public var campaignID: UUID
    /// The workflow execution carrying it out; empty until the workflow engine picks it up.
    public var executionID: String
    public var status: ExecutionStatus
    public var startedAt: Date?
    public var completedAt: Date?
    public var metrics: JSONValue?
    public var errors: [ExecutionErrorRecord]

    public init(
        id: UUID, campaignID: UUID, executionID: String, status: ExecutionStatus, startedAt: Date?,
        completedAt: Date? = nil,
        metrics: JSONValue? = nil, errors: [ExecutionErrorRecord] = []
    ) {
        self.id = id
        self.campaignID = campaignID
        self.executionID = executionID
        self.status = status
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.metrics = metrics
        self.errors = errors
    }
}

public struct ExecutionErrorRecord: Codable, Equatable, Sendable {
    public var code: String
    public var message: String
    public var nodeID: String
    public var at: Date?

    public init(code: String, message: String, nodeID: String = "", at: Date? = nil) {
        self.code = code
        self.message = message
        self.nodeID = nodeID
        self.at = at
    }
}

/// Where a campaign stands (the spec's CampaignStatus).
public struct CampaignStatusReport: Equatable, Sendable {
    public var campaignID: UUID
    public var status: CampaignStatus
    public var version: Int64
    public var currentExecution: CampaignExecution?
    public var updatedAt: Date

    public init(
        campaignID: UUID, status: CampaignStatus, version: Int64, currentExecution: CampaignExecution?, updatedAt: Date
    ) {
        self.campaignID = campaignID
        self.status = status
        self.version = version
        self.currentExecution = currentExecution
        self.updatedAt = updatedAt
    }
}

/// A stored version of a campaign.
public struct CampaignVersion: Equatable, Sendable {
    public var campaign: Campaign
    public var createdAt: Date
    public var createdBy: UUID
    /// "create", "update", "rollback to 3", ...
    public var change: String

    public init(campaign: Campaign, createdAt: Date, createdBy: UUID, change: String) {
        self.campaign = campaign
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.change = change
    }
}

public struct CampaignTemplate: Equatable, Sendable {
    public var id: UUID
    public var name: String
    public var description: String
    public var definition: CampaignDefinition
    public var createdAt: Date
    public var createdBy: UUID
    public var tags: [String]

    public init(
        id: UUID, name: String, description: String, definition: CampaignDefinition, createdAt: Date, createdBy: UUID,
        tags: [String]
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.definition = definition
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.tags = tags
    }
}

/// The spec's CampaignMetrics for one period: counts and the rates derived from them.
/// A campaign's figures: its totals, its days, and its progress towards each goal (the spec's CampaignAnalytics).
public struct CampaignAnalytics: Equatable, Sendable {
    public var campaignID: UUID
    public var totals: CampaignMetrics
    /// One entry per day with activity, oldest first.
    public var daily: [CampaignMetrics]
    /// Goal metric → progress towards its target, 0 to 1.
    public var goalProgress: [String: Double]

    public init(campaignID: UUID, totals: CampaignMetrics, daily: [CampaignMetrics], goalProgress: [String: Double]) {
        self.campaignID = campaignID
        self.totals = totals
        self.daily = daily
        self.goalProgress = goalProgress
    }
}

public struct CampaignMetrics: Equatable, Sendable {
    public var campaignID: UUID
    public var start: Date?
    public var end: Date?
    public var sent: Int64 = 0
    public var delivered: Int64 = 0
    public var opened: Int64 = 0
    public var clicked: Int64 = 0
    public var converted: Int64 = 0
    public var unsubscribed: Int64 = 0
    public var bounced: Int64 = 0
    public var revenue: Double = 0
    public var cost: Double = 0
    /// Distinct users who opened / clicked.
    public var uniqueOpened: Int64 = 0
    public var uniqueClicked: Int64 = 0
    /// Custom metrics (RecordCustomMetric) summed by name.
    public var customMetrics: [String: Double] = [:]

    public init(campaignID: UUID, start: Date? = nil, end: Date? = nil) {
        self.campaignID = campaignID
        self.start = start
        self.end = end
    }

    static func rate(_ part: Int64, _ whole: Int64) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }
    public var deliveryRate: Double { Self.rate(delivered, sent) }
    public var openRate: Double { Self.rate(opened, delivered) }
    public var clickRate: Double { Self.rate(clicked, delivered) }
    public var conversionRate: Double { Self.rate(converted, delivered) }
    public var unsubscribeRate: Double { Self.rate(unsubscribed, delivered) }
    public var bounceRate: Double { Self.rate(bounced, sent) }
    /// (revenue - cost) / cost; 0 without cost.
    public var roi: Double { cost == 0 ? 0 : (revenue - cost) / cost }
    public var costPerConversion: Double { converted == 0 ? 0 : cost / Double(converted) }

    /// 95 % Wilson intervals of the rates, by the wire's rate names.
    public var rateIntervals: [(rate: String, interval: Interval)] {
        [
            ("delivery_rate", delivered, sent), ("open_rate", opened, delivered), ("click_rate", clicked, delivered),
            ("conversion_rate", converted, delivered), ("unsubscribe_rate", unsubscribed, delivered),
            ("bounce_rate", bounced, sent),
        ].filter { $0.2 > 0 }.map { name, part, whole in
            (name, Frequentist.wilsonInterval(Double(min(part, whole)), Double(whole), confidence: 0.95))
        }
    }
    /// Weighted engagement 0-100: opens count once, clicks twice, conversions three times, per delivered message.
    public var engagementScore: Double {
        delivered == 0 ? 0 : min(100, 100 * Double(opened + 2 * clicked + 3 * converted) / Double(6 * delivered))
    }

    public mutating func add(_ other: CampaignMetrics) {
        sent += other.sent
        delivered += other.delivered
        opened += other.opened
        clicked += other.clicked
        converted += other.converted
        unsubscribed += other.unsubscribed
        bounced += other.bounced
        revenue += other.revenue
        cost += other.cost
    }

    /// The value of a metric by its CampaignMetrics field name (for goals), nil for an unknown name.
    public func value(of metric: String) -> Double? {
        switch metric {
        case "sent": Double(sent)
        case "delivered": Double(delivered)
        case "opened": Double(opened)
        case "clicked": Double(clicked)
        case "converted": Double(converted)
        case "unsubscribed": Double(unsubscribed)
        case "bounced": Double(bounced)
        case "delivery_rate": deliveryRate
        case "open_rate": openRate
        case "click_rate": clickRate
        case "conversion_rate": conversionRate
        case "unsubscribe_rate": unsubscribeRate
        case "bounce_rate": bounceRate
        case "revenue": revenue
        case "roi": roi
        case "cost_per_conversion": costPerConversion
        case "engagement_score": engagementScore
        default: nil
        }
    }

    public static let metricNames = [
        "sent", "delivered", "opened", "clicked", "converted", "unsubscribed", "bounced", "delivery_rate", "open_rate",
        "click_rate", "conversion_rate", "unsubscribe_rate", "bounce_rate", "revenue", "roi", "cost_per_conversion",
        "engagement_score",
    ]
}
