import Codec
import Foundation

/// The spec's trigger states (`herald.triggers.v1.TriggerStatus`, `triggers.trigger_status`).
public enum TriggerStatus: String, WireEnum {
    public static let wirePrefix = "TRIGGER_STATUS_"
    case active, inactive, paused
}

/// When a trigger fires: an event, a condition on its properties, and how often it must occur within a window
/// (`herald.triggers.v1.TriggerCondition`; a campaign schedule's `TriggerCondition` is another, simpler type).
public struct EventCondition: Codable, Equatable, Sendable {
    /// The event name, e.g. "cart_abandoned".
    public var event: String
    /// A boolean expression over the event's properties, or empty.
    public var expression: String
    public var minOccurrences: Int32
    public var window: TimeSpan?

    public init(event: String, expression: String = "", minOccurrences: Int32 = 0, window: TimeSpan? = nil) {
        self.event = event
        self.expression = expression
        self.minOccurrences = minOccurrences
        self.window = window
    }
}

/// What a trigger does when it fires: run a campaign for the user, after a delay.
public struct TriggerAction: Codable, Equatable, Sendable {
    public var campaignID: UUID
    public var delay: TimeSpan?
    /// Passed to the campaign's workflow as variables (a JSON object).
    public var parameters: JSONValue?

    public init(campaignID: UUID, delay: TimeSpan? = nil, parameters: JSONValue? = nil) {
        self.campaignID = campaignID
        self.delay = delay
        self.parameters = parameters
    }
}

/// At most `maxPerPeriod` firings per user within `period`.
public struct FrequencyCap: Codable, Equatable, Sendable {
    public var maxPerPeriod: Int32
    public var period: TimeSpan?

    public init(maxPerPeriod: Int32, period: TimeSpan?) {
        self.maxPerPeriod = maxPerPeriod
        self.period = period
    }
}

public struct TriggerPerformance: Codable, Equatable, Sendable {
    public var evaluations: Int64
    public var fired: Int64
    public var suppressedByCap: Int64
    public var suppressedByCooldown: Int64
    public var conversions: Int64

    public init(
        evaluations: Int64 = 0, fired: Int64 = 0, suppressedByCap: Int64 = 0, suppressedByCooldown: Int64 = 0,
        conversions: Int64 = 0
    ) {
        self.evaluations = evaluations
        self.fired = fired
        self.suppressedByCap = suppressedByCap
        self.suppressedByCooldown = suppressedByCooldown
        self.conversions = conversions
    }
}

/// What a client defines (the spec's TriggerDefinition); `Trigger` adds what Herald maintains.
public struct TriggerDefinition: Equatable, Sendable {
    public var name: String
    public var description: String
    public var conditions: [EventCondition]
    public var actions: [TriggerAction]
    public var frequencyCap: FrequencyCap?
    /// No second firing for the same user within this time.
    public var cooldownPeriod: TimeSpan?
    /// Higher first when several triggers match one event.
    public var priority: Int32

    public init(
        name: String, description: String = "", conditions: [EventCondition], actions: [TriggerAction],
        frequencyCap: FrequencyCap? = nil,
        cooldownPeriod: TimeSpan? = nil, priority: Int32 = 0
    ) {
        self.name = name
        self.description = description
        self.conditions = conditions
        self.actions = actions
        self.frequencyCap = frequencyCap
        self.cooldownPeriod = cooldownPeriod
        self.priority = priority
    }
}

/// A stored trigger (the spec's Trigger).
public struct Trigger: Equatable, Sendable {
    public var id: UUID
    public var definition: TriggerDefinition
    public var status: TriggerStatus
    public var performance: TriggerPerformance?
    public var createdAt: Date
    public var createdBy: UUID

    public init(
        id: UUID, definition: TriggerDefinition, status: TriggerStatus, performance: TriggerPerformance? = nil,
        createdAt: Date, createdBy: UUID
    ) {
        self.id = id
        self.definition = definition
        self.status = status
        self.performance = performance
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}

/// Something a user did, evaluated against the active triggers.
public struct UserEvent: Equatable, Sendable {
    public var id: String
    public var name: String
    public var timestamp: Date?
    public var properties: JSONValue?

    public init(id: String = "", name: String, timestamp: Date? = nil, properties: JSONValue? = nil) {
        self.id = id
        self.name = name
        self.timestamp = timestamp
        self.properties = properties
    }
}

/// A campaign a trigger scheduled for the user.
public struct TriggeredCampaign: Equatable, Sendable {
    public var triggerID: UUID
    public var campaignID: UUID
    public var scheduledAt: Date?

    public init(triggerID: UUID, campaignID: UUID, scheduledAt: Date?) {
        self.triggerID = triggerID
        self.campaignID = campaignID
        self.scheduledAt = scheduledAt
    }
}

public struct TriggerAnalytics: Equatable, Sendable {
    public var triggerID: UUID
    public var performance: TriggerPerformance?
    /// Fired per evaluation.
    public var fireRate: Double
    /// Conversions per firing.
    public var conversionRate: Double

    public init(triggerID: UUID, performance: TriggerPerformance?, fireRate: Double = 0, conversionRate: Double = 0) {
        self.triggerID = triggerID
        self.performance = performance
        self.fireRate = fireRate
        self.conversionRate = conversionRate
    }
}

/// Where a user stands against a trigger's frequency cap and cooldown.
public struct FrequencyStatus: Equatable, Sendable {
    public var userID: UUID
    public var triggerID: UUID
    public var firedInPeriod: Int32
    public var maxPerPeriod: Int32
    public var cooldownUntil: Date?
    public var canFire: Bool

    public init(
        userID: UUID, triggerID: UUID, firedInPeriod: Int32, maxPerPeriod: Int32, cooldownUntil: Date? = nil,
        canFire: Bool
    ) {
        self.userID = userID
        self.triggerID = triggerID
        self.firedInPeriod = firedInPeriod
        self.maxPerPeriod = maxPerPeriod
        self.cooldownUntil = cooldownUntil
        self.canFire = canFire
    }
}
