import Codec
import Foundation

public enum CampaignType: String, WireEnum {
    public static let wirePrefix = "CAMPAIGN_TYPE_"
    case oneTime = "one_time"
    case recurring, triggered, drip
}

public enum ScheduleType: String, WireEnum {
    public static let wirePrefix = "SCHEDULE_TYPE_"
    case immediate, scheduled, recurring, triggered
}

public enum RecurrenceFrequency: String, WireEnum {
    public static let wirePrefix = "RECURRENCE_FREQUENCY_"
    case daily, weekly, monthly, cron
}

public enum TestType: String, WireEnum {
    public static let wirePrefix = "TEST_TYPE_"
    case subjectLine = "subject_line"
    case content
    case sendTime = "send_time"
    case creative, multivariate
}

/// What a client defines (the spec's CampaignDefinition); `Campaign` adds what Herald maintains. A stored
/// version of a campaign is its definition at that version.
public struct CampaignDefinition: Codable, Equatable, Sendable {
    public var name: String
    public var description: String
    /// nil only in a request that left it unspecified (validation reports it).
    public var type: CampaignType?
    public var channels: [NotificationChannel]
    /// Segment ids.
    public var targetSegments: [String]
    public var workflow: WorkflowDefinition
    public var personalization: PersonalizationConfig?
    public var abTests: [ABTestConfig]
    public var schedule: CampaignSchedule?
    public var budget: CampaignBudget?
    public var goals: [CampaignGoal]
    public var tags: [String]
    /// A JSON object, or nil.
    public var metadata: JSONValue?

    public init(
        name: String, description: String = "", type: CampaignType?, channels: [NotificationChannel],
        targetSegments: [String] = [], workflow: WorkflowDefinition, personalization: PersonalizationConfig? = nil,
        abTests: [ABTestConfig] = [], schedule: CampaignSchedule? = nil, budget: CampaignBudget? = nil,
        goals: [CampaignGoal] = [], tags: [String] = [], metadata: JSONValue? = nil
    ) {
        self.name = name
        self.description = description
        self.type = type
        self.channels = channels
        self.targetSegments = targetSegments
        self.workflow = workflow
        self.personalization = personalization
        self.abTests = abTests
        self.schedule = schedule
        self.budget = budget
        self.goals = goals
        self.tags = tags
        self.metadata = metadata
    }
}

/// A stored campaign (the spec's Campaign).
public struct Campaign: Equatable, Sendable {
    public var id: UUID
    public var definition: CampaignDefinition
    public var status: CampaignStatus
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date
    public var createdBy: UUID
    public var updatedBy: UUID?
    public var templateID: UUID?
    /// Spent so far (the budget's `spent`), maintained by Herald.
    public var spent: Double

    public init(
        id: UUID, definition: CampaignDefinition, status: CampaignStatus, version: Int64, createdAt: Date,
        updatedAt: Date,
        createdBy: UUID, updatedBy: UUID? = nil, templateID: UUID? = nil, spent: Double = 0
    ) {
        self.id = id
        self.definition = definition
        self.status = status
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.createdBy = createdBy
        self.updatedBy = updatedBy
        self.templateID = templateID
        self.spent = spent
    }
}

public struct CampaignSchedule: Codable, Equatable, Sendable {
    public var type: ScheduleType?
    public var startDate: Date?
    public var endDate: Date?
    /// IANA time zone name.
    public var timezone: String
    public var businessHours: BusinessHours?
    public var recurrence: RecurrencePattern?
    public var triggers: [TriggerCondition]

    public init(
        type: ScheduleType?, startDate: Date? = nil, endDate: Date? = nil, timezone: String = "",
        businessHours: BusinessHours? = nil, recurrence: RecurrencePattern? = nil, triggers: [TriggerCondition] = []
    ) {
        self.type = type
        self.startDate = startDate
        self.endDate = endDate
        self.timezone = timezone
        self.businessHours = businessHours
        self.recurrence = recurrence
        self.triggers = triggers
    }
}

public struct BusinessHours: Codable, Equatable, Sendable {
    /// ISO weekdays, 1 = Monday.
    public var days: [Int32]
    public var startTime: String
    public var endTime: String
    public init(days: [Int32], startTime: String, endTime: String) {
        self.days = days
        self.startTime = startTime
        self.endTime = endTime
    }
}

public struct RecurrencePattern: Codable, Equatable, Sendable {
    public var frequency: RecurrenceFrequency?
    public var interval: Int32
    public var daysOfWeek: [Int32]
    public var dayOfMonth: Int32
    public var cron: String
    public var maxOccurrences: Int32
    public init(
        frequency: RecurrenceFrequency?, interval: Int32 = 1, daysOfWeek: [Int32] = [], dayOfMonth: Int32 = 0,
        cron: String = "",
        maxOccurrences: Int32 = 0
    ) {
        self.frequency = frequency
        self.interval = interval
        self.daysOfWeek = daysOfWeek
        self.dayOfMonth = dayOfMonth
        self.cron = cron
        self.maxOccurrences = maxOccurrences
    }
}

public struct TriggerCondition: Codable, Equatable, Sendable {
    public var event: String
    public var expression: String
    public var delay: TimeSpan?
    public init(event: String, expression: String = "", delay: TimeSpan? = nil) {
        self.event = event
        self.expression = expression
        self.delay = delay
    }
}

public struct CampaignBudget: Codable, Equatable, Sendable {
    public var total: Double
    /// ISO 4217.
    public var currency: String
    public var dailyLimit: Double
    public var costPerMessage: [String: Double]
    public init(total: Double, currency: String, dailyLimit: Double = 0, costPerMessage: [String: Double] = [:]) {
        self.total = total
        self.currency = currency
        self.dailyLimit = dailyLimit
        self.costPerMessage = costPerMessage
    }
}

public struct CampaignGoal: Codable, Equatable, Sendable {
    public var metric: String
    public var target: Double
    public var window: TimeSpan?
    public init(metric: String, target: Double, window: TimeSpan? = nil) {
        self.metric = metric
        self.target = target
        self.window = window
    }
}

public struct PersonalizationConfig: Codable, Equatable, Sendable {
    public var enabled: Bool
    public var profileFields: [String]
    public var recommendationStrategy: String
    public var sendTimeOptimization: Bool
    public var contentAdaptation: Bool
    public var fallbackValues: [String: String]
    public init(
        enabled: Bool, profileFields: [String] = [], recommendationStrategy: String = "",
        sendTimeOptimization: Bool = false,
        contentAdaptation: Bool = false, fallbackValues: [String: String] = [:]
    ) {
        self.enabled = enabled
        self.profileFields = profileFields
        self.recommendationStrategy = recommendationStrategy
        self.sendTimeOptimization = sendTimeOptimization
        self.contentAdaptation = contentAdaptation
        self.fallbackValues = fallbackValues
    }
}

public struct ABTestConfig: Codable, Equatable, Sendable {
    /// Set once the experiments service has created the test.
    public var testID: String
    public var name: String
    public var type: TestType?
    public var variants: [VariantConfig]
    public var successMetric: String
    public var trafficPercentage: Double
    public init(
        testID: String = "", name: String, type: TestType?, variants: [VariantConfig], successMetric: String,
        trafficPercentage: Double
    ) {
        self.testID = testID
        self.name = name
        self.type = type
        self.variants = variants
        self.successMetric = successMetric
        self.trafficPercentage = trafficPercentage
    }
}

public struct VariantConfig: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    public var allocation: Double
    public var content: JSONValue?
    public init(id: String, name: String, allocation: Double, content: JSONValue? = nil) {
        self.id = id
        self.name = name
        self.allocation = allocation
        self.content = content
    }
}
