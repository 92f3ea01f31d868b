import Codec
import Foundation
import HeraldCore

/// `herald.campaigns.v1` messages to and from the campaign domain types. Reading records every enum value this
/// build does not know; whether a field is required is the validators' business.
/// Where a definition's fields sit: in a `CampaignDefinition` message, or among the fields of a `Campaign`.
public struct DefinitionFields: Sendable {
    let name, description, type, channels, targetSegments, workflow, personalization, abTests, schedule, budget, goals,
        tags, metadata: Int32

    /// `herald.campaigns.v1.CampaignDefinition`.
    public static let definition = DefinitionFields(
        name: 1, description: 2, type: 3, channels: 4, targetSegments: 5, workflow: 6, personalization: 7, abTests: 8,
        schedule: 9, budget: 10, goals: 11, tags: 12, metadata: 13)
    /// `herald.campaigns.v1.Campaign`.
    public static let campaign = DefinitionFields(
        name: 2, description: 3, type: 4, channels: 6, targetSegments: 7, workflow: 8, personalization: 9, abTests: 10,
        schedule: 11, budget: 12, goals: 13, tags: 18, metadata: 19)
}

extension CampaignDefinition: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(wire: m, at: path, &issues, fields: .definition)
    }

    public func write(to b: MessageBuilder) { write(to: b, fields: .definition) }

    /// Reads a definition from a `CampaignDefinition` message (or, with `.campaign`, from a `Campaign`).
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues, fields f: DefinitionFields) {
        var channels: [NotificationChannel] = []
        for (i, raw) in m.enumValues(f.channels).enumerated() {
            if let channel = NotificationChannel.read(raw, path.field("channels").index(i), &issues) {
                channels.append(channel)
            }
        }
        var abTests: [ABTestConfig] = []
        for (i, test) in m.messages(f.abTests).enumerated() {
            abTests.append(ABTestConfig(wire: test, at: path.field("ab_tests").index(i), &issues))
        }
        self.init(
            name: m.string(f.name), description: m.string(f.description),
            type: CampaignType.read(m.enumValue(f.type), path.field("type"), &issues, required: false),
            channels: channels, targetSegments: m.strings(f.targetSegments),
            workflow: m.message(f.workflow).map { WorkflowDefinition(wire: $0, at: path.field("workflow"), &issues) }
                ?? WorkflowDefinition(),
            personalization: m.message(f.personalization).map {
                PersonalizationConfig(
                    enabled: $0.bool(1), profileFields: $0.strings(2), recommendationStrategy: $0.string(3),
                    sendTimeOptimization: $0.bool(4), contentAdaptation: $0.bool(5),
                    fallbackValues: $0.dictionary(6) { $0.string(2) })
            },
            abTests: abTests,
            schedule: m.message(f.schedule).map { CampaignSchedule(wire: $0, at: path.field("schedule"), &issues) },
            budget: m.message(f.budget).map {
                CampaignBudget(
                    total: $0.double(1), currency: $0.string(2), dailyLimit: $0.double(3),
                    costPerMessage: $0.dictionary(5) { $0.double(2) })
            },
            goals: m.map(f.goals) { CampaignGoal(metric: $0.string(1), target: $0.double(2), window: $0.timeSpan(3)) },
            tags: m.strings(f.tags), metadata: m.object(f.metadata))
    }

    /// Writes the definition as a `CampaignDefinition` message (or, with `.campaign`, as the definition's fields of
    /// a `Campaign`, see `Campaign.writeState`); the budget's `spent` is Herald's, given by a whole Campaign.
    public func write(to b: MessageBuilder, fields f: DefinitionFields, spent: Double = 0) {
        b.set(f.name, name)
        b.set(f.description, description)
        b.set(f.type, enum: type)
        b.set(f.channels, enums: channels)
        b.set(f.targetSegments, repeated: targetSegments)
        b.set(f.workflow, workflow)
        if let personalization { b.message(f.personalization) { personalization.write(to: $0) } }
        b.messages(f.abTests, count: abTests.count) { abTests[$0].write(to: $1) }
        if let schedule { b.message(f.schedule) { schedule.write(to: $0) } }
        if let budget { b.message(f.budget) { budget.write(to: $0, spent: spent) } }
        b.messages(f.goals, count: goals.count) { goals[$0].write(to: $1) }
        b.set(f.tags, repeated: tags)
        b.set(f.metadata, object: metadata)
    }
}

extension Campaign: WireMapped {
    /// Reads a `Campaign` message (what a client of the campaign manager receives).
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            id: issues.requiredUUID(m.string(1), at: path.field("id")),
            definition: CampaignDefinition(wire: m, at: path, &issues, fields: .campaign),
            status: .required(m.enumValue(5), path.field("status"), &issues), version: m.int64(17),
            createdAt: m.requiredDate(14),
            updatedAt: m.requiredDate(15), createdBy: issues.requiredUUID(m.string(16), at: path.field("created_by")),
            updatedBy: issues.optionalUUID(m.string(20), at: path.field("updated_by")),
            templateID: issues.optionalUUID(m.string(21), at: path.field("template_id")),
            spent: m.message(12)?.double(4) ?? 0)
    }

    /// Writes a `Campaign` message: the definition's fields and the state Herald maintains. The spend goes into
    /// the definition's budget message (a second budget message in the same builder would replace the first).
    public func write(to b: MessageBuilder) {
        definition.write(to: b, fields: .campaign, spent: spent)
        writeState(to: b, spent: definition.budget == nil)
    }

    /// Writes the fields of a `Campaign` message that are not part of its definition (id, status, version,
    /// timestamps, users, template, and with `spent` the budget's spend). Protobuf concatenation merges a message
    /// holding these with one holding the definition's fields (`write(to:fields: .campaign)`) into the whole
    /// campaign: a parser merges the two budget messages.
    public func writeState(to b: MessageBuilder, spent includeSpent: Bool = true) {
        b.set(1, id: id)
        b.set(5, enum: status)
        if includeSpent, spent != 0 { b.message(12) { $0.set(4, spent) } }
        b.set(14, date: createdAt)
        b.set(15, date: updatedAt)
        b.set(16, id: createdBy)
        b.set(17, version)
        b.set(20, id: updatedBy)
        b.set(21, id: templateID)
    }
}

extension CampaignSchedule {
    init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            type: ScheduleType.read(m.enumValue(1), path.field("type"), &issues, required: false), startDate: m.date(2),
            endDate: m.date(3),
            timezone: m.string(4),
            businessHours: m.message(5).map {
                BusinessHours(days: $0.int32s(1), startTime: $0.string(2), endTime: $0.string(3))
            },
            recurrence: m.message(6).map {
                RecurrencePattern(
                    frequency: RecurrenceFrequency.read(
                        $0.enumValue(1), path.field("frequency.frequency"), &issues, required: false),
                    interval: $0.int32(2), daysOfWeek: $0.int32s(3), dayOfMonth: $0.int32(4), cron: $0.string(5),
                    maxOccurrences: $0.int32(6))
            },
            triggers: m.map(7) {
                TriggerCondition(event: $0.string(1), expression: $0.string(2), delay: $0.timeSpan(3))
            })
    }

    func write(to b: MessageBuilder) {
        b.set(1, enum: type)
        b.set(2, date: startDate)
        b.set(3, date: endDate)
        b.set(4, timezone)
        if let businessHours {
            b.message(5) {
                $0.set(1, repeated: businessHours.days)
                $0.set(2, businessHours.startTime)
                $0.set(3, businessHours.endTime)
            }
        }
        if let recurrence {
            b.message(6) {
                $0.set(1, enum: recurrence.frequency)
                $0.set(2, recurrence.interval)
                $0.set(3, repeated: recurrence.daysOfWeek)
                $0.set(4, recurrence.dayOfMonth)
                $0.set(5, recurrence.cron)
                $0.set(6, recurrence.maxOccurrences)
            }
        }
        b.messages(7, count: triggers.count) { i, t in
            t.set(1, triggers[i].event)
            t.set(2, triggers[i].expression)
            t.set(3, timeSpan: triggers[i].delay)
        }
    }
}

extension CampaignBudget {
    func write(to b: MessageBuilder, spent: Double) {
        b.set(1, total)
        b.set(2, currency)
        b.set(3, dailyLimit)
        b.set(4, spent)
        b.set(5, dictionary: costPerMessage) { $1.set(2, $0) }
    }
}

extension CampaignGoal {
    func write(to b: MessageBuilder) {
        b.set(1, metric)
        b.set(2, target)
        b.set(3, timeSpan: window)
    }
}

extension PersonalizationConfig {
    func write(to b: MessageBuilder) {
        b.set(1, enabled)
        b.set(2, repeated: profileFields)
        b.set(3, recommendationStrategy)
        b.set(4, sendTimeOptimization)
        b.set(5, contentAdaptation)
        b.set(6, dictionary: fallbackValues) { $1.set(2, $0) }
    }
}

extension ABTestConfig {
    init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            testID: m.string(1), name: m.string(2),
            type: TestType.read(m.enumValue(3), path.field("type"), &issues, required: false),
            variants: m.map(4) {
                VariantConfig(id: $0.string(1), name: $0.string(2), allocation: $0.double(3), content: $0.object(4))
            },
            successMetric: m.string(5), trafficPercentage: m.double(6))
    }

    func write(to b: MessageBuilder) {
        b.set(1, testID)
        b.set(2, name)
        b.set(3, enum: type)
        b.messages(4, count: variants.count) { i, v in
            v.set(1, variants[i].id)
            v.set(2, variants[i].name)
            v.set(3, variants[i].allocation)
            v.set(4, object: variants[i].content)
        }
        b.set(5, successMetric)
        b.set(6, trafficPercentage)
    }
}

extension CampaignExecution: WireMapped {
    /// Reads a `CampaignExecution` message.
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            id: issues.requiredUUID(m.string(1), at: path.field("id")),
            campaignID: issues.requiredUUID(m.string(2), at: path.field("campaign_id")),
            executionID: m.string(3), status: .required(m.enumValue(4), path.field("status"), &issues),
            startedAt: m.date(5),
            completedAt: m.date(6), metrics: m.object(7),
            errors: m.map(8) {
                ExecutionErrorRecord(code: $0.string(1), message: $0.string(2), nodeID: $0.string(3), at: $0.date(4))
            })
    }

    /// Writes a `CampaignExecution` message.
    public func write(to b: MessageBuilder) {
        b.set(1, id: id)
        b.set(2, id: campaignID)
        b.set(3, executionID)
        b.set(4, enum: status)
        b.set(5, date: startedAt)
        b.set(6, date: completedAt)
        b.set(7, object: metrics)
        b.messages(8, count: errors.count) { i, e in
            e.set(1, errors[i].code)
            e.set(2, errors[i].message)
            e.set(3, errors[i].nodeID)
            e.set(4, date: errors[i].at)
        }
    }
}

extension CampaignStatusReport: WireMapped {
    /// Reads a `CampaignStatusReport` message.
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            campaignID: issues.requiredUUID(m.string(1), at: path.field("campaign_id")),
            status: .required(m.enumValue(2), path.field("status"), &issues), version: m.int64(3),
            currentExecution: m.read(4, at: path.field("current_execution"), &issues), updatedAt: m.requiredDate(5))
    }

    /// Writes a `CampaignStatusReport` message.
    public func write(to b: MessageBuilder) {
        b.set(1, id: campaignID)
        b.set(2, enum: status)
        b.set(3, version)
        b.set(4, currentExecution)
        b.set(5, date: updatedAt)
    }
}

extension CampaignVersion: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        var campaign: Campaign = m.requiredMessage(3, at: path.field("campaign"), &issues)
        campaign.version = m.int64(2)
        self.init(
            campaign: campaign, createdAt: m.requiredDate(4),
            createdBy: issues.requiredUUID(m.string(5), at: path.field("created_by")),
            change: m.string(6))
    }

    /// Writes a `CampaignVersion` message.
    public func write(to b: MessageBuilder) {
        b.set(1, id: campaign.id)
        b.set(2, campaign.version)
        b.set(3, campaign)
        b.set(4, date: createdAt)
        b.set(5, id: createdBy)
        b.set(6, change)
    }
}

extension CampaignTemplate: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            id: issues.requiredUUID(m.string(1), at: path.field("id")), name: m.string(2), description: m.string(3),
            definition: m.requiredMessage(4, at: path.field("definition"), &issues), createdAt: m.requiredDate(5),
            createdBy: issues.requiredUUID(m.string(6), at: path.field("created_by")), tags: m.strings(7))
    }

    /// Writes a `CampaignTemplate` message.
    public func write(to b: MessageBuilder) {
        b.set(1, id: id)
        b.set(2, name)
        b.set(3, description)
        b.set(4, definition)
        b.set(5, date: createdAt)
        b.set(6, id: createdBy)
        b.set(7, repeated: tags)
    }
}

extension CampaignAnalytics: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            campaignID: issues.requiredUUID(m.string(1), at: path.field("campaign_id")),
            totals: m.requiredMessage(2, at: path.field("totals"), &issues),
            daily: m.readAll(3, at: path.field("daily"), &issues),
            goalProgress: m.dictionary(4) { $0.double(2) })
    }

    /// Writes a `CampaignAnalytics` message.
    public func write(to b: MessageBuilder) {
        b.set(1, id: campaignID)
        b.set(2, totals)
        b.set(3, each: daily)
        b.set(4, dictionary: goalProgress) { $1.set(2, $0) }
    }
}
