import Codec

/// `herald/campaigns/v1/campaigns.proto`.
enum CampaignSchemas {
    static let p = "herald.campaigns.v1."
    static let ts = WellKnownTypes.timestamp
    static let channel = FieldType.enumeration("herald.common.v1.NotificationChannel")

    static let model = [
        MessageSchema(
            p + "BusinessHours",
            [
                .init(1, "days", .int32, .repeated), .init(2, "start_time", .string), .init(3, "end_time", .string),
            ]),
        MessageSchema(
            p + "RecurrencePattern",
            [
                .init(1, "frequency", .enumeration(p + "RecurrenceFrequency")), .init(2, "interval", .int32),
                .init(3, "days_of_week", .int32, .repeated), .init(4, "day_of_month", .int32),
                .init(5, "cron", .string),
                .init(6, "max_occurrences", .int32),
            ]),
        MessageSchema(
            p + "TriggerCondition",
            [
                .init(1, "event", .string), .init(2, "expression", .string),
                .message(3, "delay", WellKnownTypes.duration),
            ]),
        MessageSchema(
            p + "CampaignSchedule",
            [
                .init(1, "type", .enumeration(p + "ScheduleType")), .message(2, "start_date", ts),
                .message(3, "end_date", ts),
                .init(4, "timezone", .string), .message(5, "business_hours", p + "BusinessHours"),
                .message(6, "frequency", p + "RecurrencePattern"),
                .message(7, "triggers", p + "TriggerCondition", .repeated),
            ]),
        .mapEntry(p + "CampaignBudget.CostPerMessageEntry", key: .string, value: .double),
        MessageSchema(
            p + "CampaignBudget",
            [
                .init(1, "total", .double), .init(2, "currency", .string), .init(3, "daily_limit", .double),
                .init(4, "spent", .double),
                .map(5, "cost_per_message", entry: p + "CampaignBudget.CostPerMessageEntry"),
            ]),
        MessageSchema(
            p + "CampaignGoal",
            [
                .init(1, "metric", .string), .init(2, "target", .double),
                .message(3, "window", WellKnownTypes.duration),
            ]),
        .mapEntry(p + "PersonalizationConfig.FallbackValuesEntry", key: .string, value: .string),
        MessageSchema(
            p + "PersonalizationConfig",
            [
                .init(1, "enabled", .bool), .init(2, "profile_fields", .string, .repeated),
                .init(3, "recommendation_strategy", .string),
                .init(4, "send_time_optimization", .bool), .init(5, "content_adaptation", .bool),
                .map(6, "fallback_values", entry: p + "PersonalizationConfig.FallbackValuesEntry"),
            ]),
        MessageSchema(
            p + "VariantConfig",
            [
                .init(1, "id", .string), .init(2, "name", .string), .init(3, "allocation", .double),
                .message(4, "content", WellKnownTypes.structType),
            ]),
        MessageSchema(
            p + "ABTestConfig",
            [
                .init(1, "test_id", .string), .init(2, "name", .string), .init(3, "type", .enumeration(p + "TestType")),
                .message(4, "variants", p + "VariantConfig", .repeated), .init(5, "success_metric", .string),
                .init(6, "traffic_percentage", .double),
            ]),
        MessageSchema(
            p + "Campaign",
            [
                .init(1, "id", .string), .init(2, "name", .string), .init(3, "description", .string),
                .init(4, "type", .enumeration(p + "CampaignType")),
                .init(5, "status", .enumeration(p + "CampaignStatus")),
                .init(6, "channels", channel, .repeated), .init(7, "target_segments", .string, .repeated),
                .message(8, "workflow", "herald.workflows.v1.WorkflowDefinition"),
                .message(9, "personalization", p + "PersonalizationConfig"),
                .message(10, "ab_tests", p + "ABTestConfig", .repeated),
                .message(11, "schedule", p + "CampaignSchedule"), .message(12, "budget", p + "CampaignBudget"),
                .message(13, "goals", p + "CampaignGoal", .repeated), .message(14, "created_at", ts),
                .message(15, "updated_at", ts),
                .init(16, "created_by", .string), .init(17, "version", .int64), .init(18, "tags", .string, .repeated),
                .message(19, "metadata", WellKnownTypes.structType), .init(20, "updated_by", .string),
                .init(21, "template_id", .string),
            ]),
        MessageSchema(
            p + "CampaignDefinition",
            [
                .init(1, "name", .string), .init(2, "description", .string),
                .init(3, "type", .enumeration(p + "CampaignType")),
                .init(4, "channels", channel, .repeated), .init(5, "target_segments", .string, .repeated),
                .message(6, "workflow", "herald.workflows.v1.WorkflowDefinition"),
                .message(7, "personalization", p + "PersonalizationConfig"),
                .message(8, "ab_tests", p + "ABTestConfig", .repeated),
                .message(9, "schedule", p + "CampaignSchedule"), .message(10, "budget", p + "CampaignBudget"),
                .message(11, "goals", p + "CampaignGoal", .repeated), .init(12, "tags", .string, .repeated),
                .message(13, "metadata", WellKnownTypes.structType),
            ]),
        MessageSchema(
            p + "CampaignExecutionError",
            [
                .init(1, "code", .string), .init(2, "message", .string), .init(3, "node_id", .string),
                .message(4, "at", ts),
            ]),
        MessageSchema(
            p + "CampaignExecution",
            [
                .init(1, "id", .string), .init(2, "campaign_id", .string), .init(3, "execution_id", .string),
                .init(4, "status", .enumeration(p + "ExecutionStatus")), .message(5, "started_at", ts),
                .message(6, "completed_at", ts),
                .message(7, "metrics", WellKnownTypes.structType),
                .message(8, "errors", p + "CampaignExecutionError", .repeated),
            ]),
        MessageSchema(
            p + "CampaignStatusReport",
            [
                .init(1, "campaign_id", .string), .init(2, "status", .enumeration(p + "CampaignStatus")),
                .init(3, "version", .int64),
                .message(4, "current_execution", p + "CampaignExecution"), .message(5, "updated_at", ts),
            ]),
        .mapEntry(p + "CampaignAnalytics.GoalProgressEntry", key: .string, value: .double),
        MessageSchema(
            p + "CampaignAnalytics",
            [
                .init(1, "campaign_id", .string), .message(2, "totals", "herald.common.v1.CampaignMetrics"),
                .message(3, "daily", "herald.common.v1.CampaignMetrics", .repeated),
                .map(4, "goal_progress", entry: p + "CampaignAnalytics.GoalProgressEntry"),
            ]),
        MessageSchema(
            p + "CampaignVersion",
            [
                .init(1, "campaign_id", .string), .init(2, "version", .int64), .message(3, "campaign", p + "Campaign"),
                .message(4, "created_at", ts), .init(5, "created_by", .string), .init(6, "change", .string),
            ]),
        MessageSchema(
            p + "CampaignTemplate",
            [
                .init(1, "id", .string), .init(2, "name", .string), .init(3, "description", .string),
                .message(4, "definition", p + "CampaignDefinition"), .message(5, "created_at", ts),
                .init(6, "created_by", .string),
                .init(7, "tags", .string, .repeated),
            ]),
        MessageSchema(
            p + "CampaignFilter",
            [
                .init(1, "statuses", .enumeration(p + "CampaignStatus"), .repeated),
                .init(2, "types", .enumeration(p + "CampaignType"), .repeated),
                .init(3, "channels", channel, .repeated),
                .init(4, "tags", .string, .repeated), .message(5, "created", "herald.common.v1.TimeRange"),
                .init(6, "name_contains", .string),
            ]),
    ]

    /// `{campaign_id, requested_by}` in, `{campaign}` out: the lifecycle transitions.
    static func transition(_ name: String, extra: [FieldSchema] = []) -> [MessageSchema] {
        [
            MessageSchema(
                p + name + "Request", [.init(1, "campaign_id", .string), .init(2, "requested_by", .string)] + extra),
            MessageSchema(p + name + "Response", [.message(1, "campaign", p + "Campaign")]),
        ]
    }

    static let requests: [MessageSchema] =
        [
            MessageSchema(
                p + "CreateCampaignRequest",
                [.message(1, "campaign", p + "CampaignDefinition"), .init(2, "created_by", .string)]),
            MessageSchema(p + "CreateCampaignResponse", [.message(1, "campaign", p + "Campaign")]),
            MessageSchema(
                p + "UpdateCampaignRequest",
                [
                    .init(1, "campaign_id", .string), .message(2, "campaign", p + "CampaignDefinition"),
                    .init(3, "expected_version", .int64),
                    .init(4, "updated_by", .string),
                ]),
            MessageSchema(p + "UpdateCampaignResponse", [.message(1, "campaign", p + "Campaign")]),
            MessageSchema(p + "GetCampaignRequest", [.init(1, "campaign_id", .string)]),
            MessageSchema(p + "GetCampaignResponse", [.message(1, "campaign", p + "Campaign")]),
            MessageSchema(
                p + "ListCampaignsRequest", [.message(1, "filter", p + "CampaignFilter"), CommonSchemas.page(2)]),
            MessageSchema(
                p + "ListCampaignsResponse",
                [.message(1, "campaigns", p + "Campaign", .repeated), CommonSchemas.pageResponse(2)]),
            MessageSchema(
                p + "ExecuteCampaignRequest", [.init(1, "campaign_id", .string), .init(2, "requested_by", .string)]),
            MessageSchema(p + "ExecuteCampaignResponse", [.message(1, "execution", p + "CampaignExecution")]),
            MessageSchema(
                p + "DuplicateCampaignRequest",
                [
                    .init(1, "campaign_id", .string), .init(2, "name", .string), .init(3, "created_by", .string),
                ]),
            MessageSchema(p + "DuplicateCampaignResponse", [.message(1, "campaign", p + "Campaign")]),
            MessageSchema(p + "GetCampaignStatusRequest", [.init(1, "campaign_id", .string)]),
            MessageSchema(p + "GetCampaignStatusResponse", [.message(1, "status", p + "CampaignStatusReport")]),
            MessageSchema(p + "WatchCampaignStatusRequest", [.init(1, "campaign_id", .string)]),
            MessageSchema(p + "WatchCampaignStatusResponse", [.message(1, "status", p + "CampaignStatusReport")]),
            MessageSchema(
                p + "GetCampaignAnalyticsRequest",
                [
                    .init(1, "campaign_id", .string), .message(2, "time_range", "herald.common.v1.TimeRange"),
                ]),
            MessageSchema(p + "GetCampaignAnalyticsResponse", [.message(1, "analytics", p + "CampaignAnalytics")]),
            MessageSchema(
                p + "ListCampaignVersionsRequest", [.init(1, "campaign_id", .string), CommonSchemas.page(2)]),
            MessageSchema(
                p + "ListCampaignVersionsResponse",
                [
                    .message(1, "versions", p + "CampaignVersion", .repeated), CommonSchemas.pageResponse(2),
                ]),
            MessageSchema(
                p + "GetCampaignVersionRequest", [.init(1, "campaign_id", .string), .init(2, "version", .int64)]),
            MessageSchema(p + "GetCampaignVersionResponse", [.message(1, "version", p + "CampaignVersion")]),
            MessageSchema(
                p + "RollbackCampaignRequest",
                [
                    .init(1, "campaign_id", .string), .init(2, "to_version", .int64),
                    .init(3, "expected_version", .int64),
                    .init(4, "requested_by", .string),
                ]),
            MessageSchema(p + "RollbackCampaignResponse", [.message(1, "campaign", p + "Campaign")]),
            MessageSchema(
                p + "CreateCampaignTemplateRequest",
                [
                    .init(1, "name", .string), .init(2, "description", .string),
                    .message(3, "definition", p + "CampaignDefinition"),
                    .init(4, "created_by", .string), .init(5, "tags", .string, .repeated),
                ]),
            MessageSchema(p + "CreateCampaignTemplateResponse", [.message(1, "template", p + "CampaignTemplate")]),
            MessageSchema(
                p + "ListCampaignTemplatesRequest", [.init(1, "tags", .string, .repeated), CommonSchemas.page(2)]),
            MessageSchema(
                p + "ListCampaignTemplatesResponse",
                [
                    .message(1, "templates", p + "CampaignTemplate", .repeated), CommonSchemas.pageResponse(2),
                ]),
            MessageSchema(
                p + "CreateCampaignFromTemplateRequest",
                [
                    .init(1, "template_id", .string), .init(2, "name", .string), .init(3, "created_by", .string),
                ]),
            MessageSchema(p + "CreateCampaignFromTemplateResponse", [.message(1, "campaign", p + "Campaign")]),
        ] + transition("PauseCampaign") + transition("ResumeCampaign") + transition("ArchiveCampaign")
        + transition("TerminateCampaign", extra: [.init(3, "reason", .string)])

    static let messages = model + requests

    static let enums = [
        EnumSchema(
            p + "CampaignType",
            [
                ("CAMPAIGN_TYPE_UNSPECIFIED", 0), ("CAMPAIGN_TYPE_ONE_TIME", 1), ("CAMPAIGN_TYPE_RECURRING", 2),
                ("CAMPAIGN_TYPE_TRIGGERED", 3), ("CAMPAIGN_TYPE_DRIP", 4),
            ]),
        EnumSchema(
            p + "CampaignStatus",
            [
                ("CAMPAIGN_STATUS_UNSPECIFIED", 0), ("CAMPAIGN_STATUS_DRAFT", 1), ("CAMPAIGN_STATUS_SCHEDULED", 2),
                ("CAMPAIGN_STATUS_ACTIVE", 3), ("CAMPAIGN_STATUS_PAUSED", 4), ("CAMPAIGN_STATUS_COMPLETED", 5),
                ("CAMPAIGN_STATUS_ARCHIVED", 6),
            ]),
        EnumSchema(
            p + "ScheduleType",
            [
                ("SCHEDULE_TYPE_UNSPECIFIED", 0), ("SCHEDULE_TYPE_IMMEDIATE", 1), ("SCHEDULE_TYPE_SCHEDULED", 2),
                ("SCHEDULE_TYPE_RECURRING", 3), ("SCHEDULE_TYPE_TRIGGERED", 4),
            ]),
        EnumSchema(
            p + "ExecutionStatus",
            [
                ("EXECUTION_STATUS_UNSPECIFIED", 0), ("EXECUTION_STATUS_PENDING", 1), ("EXECUTION_STATUS_RUNNING", 2),
                ("EXECUTION_STATUS_COMPLETED", 3), ("EXECUTION_STATUS_FAILED", 4), ("EXECUTION_STATUS_CANCELLED", 5),
            ]),
        EnumSchema(
            p + "RecurrenceFrequency",
            [
                ("RECURRENCE_FREQUENCY_UNSPECIFIED", 0), ("RECURRENCE_FREQUENCY_DAILY", 1),
                ("RECURRENCE_FREQUENCY_WEEKLY", 2),
                ("RECURRENCE_FREQUENCY_MONTHLY", 3), ("RECURRENCE_FREQUENCY_CRON", 4),
            ]),
        EnumSchema(
            p + "TestType",
            [
                ("TEST_TYPE_UNSPECIFIED", 0), ("TEST_TYPE_SUBJECT_LINE", 1), ("TEST_TYPE_CONTENT", 2),
                ("TEST_TYPE_SEND_TIME", 3),
                ("TEST_TYPE_CREATIVE", 4), ("TEST_TYPE_MULTIVARIATE", 5),
            ]),
    ]

    static let services = [
        ServiceSchema(
            p + "CampaignManager",
            unary(
                p,
                [
                    "CreateCampaign", "UpdateCampaign", "GetCampaign", "ListCampaigns", "ExecuteCampaign",
                    "PauseCampaign", "ResumeCampaign",
                    "TerminateCampaign", "ArchiveCampaign", "DuplicateCampaign", "GetCampaignStatus",
                    "GetCampaignAnalytics",
                    "ListCampaignVersions", "GetCampaignVersion", "RollbackCampaign", "CreateCampaignTemplate",
                    "ListCampaignTemplates",
                    "CreateCampaignFromTemplate",
                ]) + [serverStream(p, "WatchCampaignStatus")])
    ]
}
