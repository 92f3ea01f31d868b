import Codec

/// `herald/triggers/v1/triggers.proto`.
enum TriggerSchemas {
    static let p = "herald.triggers.v1."
    static let ts = WellKnownTypes.timestamp
    static let duration = WellKnownTypes.duration

    static let model = [
        MessageSchema(
            p + "TriggerCondition",
            [
                .init(1, "event", .string), .init(2, "expression", .string), .init(3, "min_occurrences", .int32),
                .message(4, "window", duration),
            ]),
        MessageSchema(
            p + "TriggerAction",
            [
                .init(1, "campaign_id", .string), .message(2, "delay", duration),
                .message(3, "parameters", WellKnownTypes.structType),
            ]),
        MessageSchema(p + "FrequencyCap", [.init(1, "max_per_period", .int32), .message(2, "period", duration)]),
        MessageSchema(
            p + "TriggerPerformance",
            [
                .init(1, "evaluations", .int64), .init(2, "fired", .int64), .init(3, "suppressed_by_cap", .int64),
                .init(4, "suppressed_by_cooldown", .int64), .init(5, "conversions", .int64),
            ]),
        MessageSchema(
            p + "Trigger",
            [
                .init(1, "id", .string), .init(2, "name", .string), .init(3, "description", .string),
                .message(4, "conditions", p + "TriggerCondition", .repeated),
                .message(5, "actions", p + "TriggerAction", .repeated),
                .message(6, "frequency_cap", p + "FrequencyCap"), .message(7, "cooldown_period", duration),
                .init(8, "priority", .int32),
                .init(9, "status", .enumeration(p + "TriggerStatus")),
                .message(10, "performance", p + "TriggerPerformance"),
                .message(11, "created_at", ts), .init(12, "created_by", .string),
            ]),
        MessageSchema(
            p + "TriggerDefinition",
            [
                .init(1, "name", .string), .init(2, "description", .string),
                .message(3, "conditions", p + "TriggerCondition", .repeated),
                .message(4, "actions", p + "TriggerAction", .repeated),
                .message(5, "frequency_cap", p + "FrequencyCap"),
                .message(6, "cooldown_period", duration), .init(7, "priority", .int32),
            ]),
        MessageSchema(
            p + "UserEvent",
            [
                .init(1, "id", .string), .init(2, "name", .string), .message(3, "timestamp", ts),
                .message(4, "properties", WellKnownTypes.structType),
            ]),
        MessageSchema(
            p + "TriggeredCampaign",
            [
                .init(1, "trigger_id", .string), .init(2, "campaign_id", .string), .message(3, "scheduled_at", ts),
            ]),
        MessageSchema(
            p + "TriggerAnalytics",
            [
                .init(1, "trigger_id", .string), .message(2, "performance", p + "TriggerPerformance"),
                .init(3, "fire_rate", .double),
                .init(4, "conversion_rate", .double),
            ]),
        MessageSchema(
            p + "FrequencyStatus",
            [
                .init(1, "user_id", .string), .init(2, "trigger_id", .string), .init(3, "fired_in_period", .int32),
                .init(4, "max_per_period", .int32), .message(5, "cooldown_until", ts), .init(6, "can_fire", .bool),
            ]),
    ]

    static let requests = [
        MessageSchema(
            p + "CreateTriggerRequest",
            [.message(1, "trigger", p + "TriggerDefinition"), .init(2, "created_by", .string)]),
        MessageSchema(p + "CreateTriggerResponse", [.message(1, "trigger", p + "Trigger")]),
        MessageSchema(p + "GetTriggerRequest", [.init(1, "trigger_id", .string)]),
        MessageSchema(p + "GetTriggerResponse", [.message(1, "trigger", p + "Trigger")]),
        MessageSchema(
            p + "ListTriggersRequest", [.init(1, "status", .enumeration(p + "TriggerStatus")), CommonSchemas.page(2)]),
        MessageSchema(
            p + "ListTriggersResponse",
            [.message(1, "triggers", p + "Trigger", .repeated), CommonSchemas.pageResponse(2)]),
        MessageSchema(p + "DeleteTriggerRequest", [.init(1, "trigger_id", .string)]),
        MessageSchema(p + "DeleteTriggerResponse", []),
        MessageSchema(
            p + "SetTriggerStatusRequest",
            [.init(1, "trigger_id", .string), .init(2, "status", .enumeration(p + "TriggerStatus"))]),
        MessageSchema(p + "SetTriggerStatusResponse", [.message(1, "trigger", p + "Trigger")]),
        MessageSchema(
            p + "EvaluateTriggersRequest", [.init(1, "user_id", .string), .message(2, "event", p + "UserEvent")]),
        MessageSchema(p + "EvaluateTriggersResponse", [.message(1, "triggered", p + "TriggeredCampaign", .repeated)]),
        MessageSchema(
            p + "UpdateTriggerConditionsRequest",
            [
                .init(1, "trigger_id", .string), .message(2, "conditions", p + "TriggerCondition", .repeated),
            ]),
        MessageSchema(p + "UpdateTriggerConditionsResponse", [.message(1, "trigger", p + "Trigger")]),
        MessageSchema(p + "GetTriggerPerformanceRequest", [.init(1, "trigger_id", .string)]),
        MessageSchema(p + "GetTriggerPerformanceResponse", [.message(1, "analytics", p + "TriggerAnalytics")]),
        MessageSchema(
            p + "ManageTriggerFrequencyRequest", [.init(1, "user_id", .string), .init(2, "trigger_id", .string)]),
        MessageSchema(p + "ManageTriggerFrequencyResponse", [.message(1, "status", p + "FrequencyStatus")]),
    ]

    static let messages = model + requests

    static let enums = [
        EnumSchema(
            p + "TriggerStatus",
            [
                ("TRIGGER_STATUS_UNSPECIFIED", 0), ("TRIGGER_STATUS_ACTIVE", 1), ("TRIGGER_STATUS_INACTIVE", 2),
                ("TRIGGER_STATUS_PAUSED", 3),
            ])
    ]

    static let services = [
        ServiceSchema(
            p + "TriggerManager",
            unary(
                p,
                [
                    "CreateTrigger", "GetTrigger", "ListTriggers", "DeleteTrigger", "SetTriggerStatus",
                    "EvaluateTriggers",
                    "UpdateTriggerConditions", "GetTriggerPerformance", "ManageTriggerFrequency",
                ]))
    ]
}
