import Codec
import Foundation

/// `herald.triggers.v1` messages to and from the trigger domain types.
/// Where a definition's fields sit: in a `TriggerDefinition` message, or among the fields of a `Trigger`.
public struct TriggerDefinitionFields: Sendable {
    let name, description, conditions, actions, frequencyCap, cooldownPeriod, priority: Int32

    /// `herald.triggers.v1.TriggerDefinition`.
    public static let definition = TriggerDefinitionFields(
        name: 1, description: 2, conditions: 3, actions: 4, frequencyCap: 5, cooldownPeriod: 6, priority: 7)
    /// `herald.triggers.v1.Trigger`.
    public static let trigger = TriggerDefinitionFields(
        name: 2, description: 3, conditions: 4, actions: 5, frequencyCap: 6, cooldownPeriod: 7, priority: 8)
}

extension EventCondition: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(event: m.string(1), expression: m.string(2), minOccurrences: m.int32(3), window: m.timeSpan(4))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, event)
        b.set(2, expression)
        b.set(3, minOccurrences)
        b.set(4, timeSpan: window)
    }
}

extension TriggerAction: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            campaignID: issues.requiredUUID(m.string(1), at: path.field("campaign_id")), delay: m.timeSpan(2),
            parameters: m.object(3))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: campaignID)
        b.set(2, timeSpan: delay)
        b.set(3, object: parameters)
    }
}

extension TriggerPerformance: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            evaluations: m.int64(1), fired: m.int64(2), suppressedByCap: m.int64(3), suppressedByCooldown: m.int64(4),
            conversions: m.int64(5))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, evaluations)
        b.set(2, fired)
        b.set(3, suppressedByCap)
        b.set(4, suppressedByCooldown)
        b.set(5, conversions)
    }
}

extension TriggerDefinition: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(wire: m, at: path, &issues, fields: .definition)
    }

    /// Reads a definition from a `TriggerDefinition` message (or, with `.trigger`, from a `Trigger`).
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues, fields f: TriggerDefinitionFields) {
        self.init(
            name: m.string(f.name), description: m.string(f.description),
            conditions: m.readAll(f.conditions, at: path.field("conditions"), &issues),
            actions: m.readAll(f.actions, at: path.field("actions"), &issues),
            frequencyCap: m.message(f.frequencyCap).map {
                FrequencyCap(maxPerPeriod: $0.int32(1), period: $0.timeSpan(2))
            },
            cooldownPeriod: m.timeSpan(f.cooldownPeriod), priority: m.int32(f.priority))
    }

    public func write(to b: MessageBuilder) { write(to: b, fields: .definition) }

    /// Writes the definition as a `TriggerDefinition` message (or, with `.trigger`, as fields of a `Trigger`).
    public func write(to b: MessageBuilder, fields f: TriggerDefinitionFields) {
        b.set(f.name, name)
        b.set(f.description, description)
        b.set(f.conditions, each: conditions)
        b.set(f.actions, each: actions)
        if let frequencyCap {
            b.message(f.frequencyCap) {
                $0.set(1, frequencyCap.maxPerPeriod)
                $0.set(2, timeSpan: frequencyCap.period)
            }
        }
        b.set(f.cooldownPeriod, timeSpan: cooldownPeriod)
        b.set(f.priority, priority)
    }
}

extension Trigger: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            id: issues.requiredUUID(m.string(1), at: path.field("id")),
            definition: TriggerDefinition(wire: m, at: path, &issues, fields: .trigger),
            status: .required(m.enumValue(9), path.field("status"), &issues),
            performance: m.read(10, at: path.field("performance"), &issues),
            createdAt: m.requiredDate(11), createdBy: issues.requiredUUID(m.string(12), at: path.field("created_by")))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: id)
        definition.write(to: b, fields: .trigger)
        b.set(9, enum: status)
        b.set(10, performance)
        b.set(11, date: createdAt)
        b.set(12, id: createdBy)
    }
}

extension UserEvent: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(id: m.string(1), name: m.string(2), timestamp: m.date(3), properties: m.object(4))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id)
        b.set(2, name)
        b.set(3, date: timestamp)
        b.set(4, object: properties)
    }
}

extension TriggeredCampaign: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            triggerID: issues.requiredUUID(m.string(1), at: path.field("trigger_id")),
            campaignID: issues.requiredUUID(m.string(2), at: path.field("campaign_id")), scheduledAt: m.date(3))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: triggerID)
        b.set(2, id: campaignID)
        b.set(3, date: scheduledAt)
    }
}

extension TriggerAnalytics: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            triggerID: issues.requiredUUID(m.string(1), at: path.field("trigger_id")),
            performance: m.read(2, at: path.field("performance"), &issues),
            fireRate: m.double(3), conversionRate: m.double(4))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: triggerID)
        b.set(2, performance)
        b.set(3, fireRate)
        b.set(4, conversionRate)
    }
}

extension FrequencyStatus: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            userID: issues.requiredUUID(m.string(1), at: path.field("user_id")),
            triggerID: issues.requiredUUID(m.string(2), at: path.field("trigger_id")),
            firedInPeriod: m.int32(3), maxPerPeriod: m.int32(4), cooldownUntil: m.date(5), canFire: m.bool(6))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: userID)
        b.set(2, id: triggerID)
        b.set(3, firedInPeriod)
        b.set(4, maxPerPeriod)
        b.set(5, date: cooldownUntil)
        b.set(6, canFire)
    }
}
