import Codec

/// `herald/analytics/v1/analytics.proto`.
enum AnalyticsSchemas {
    static let p = "herald.analytics.v1."
    static let ts = WellKnownTypes.timestamp
    static let metrics = "herald.common.v1.CampaignMetrics"
    static let range = "herald.common.v1.TimeRange"

    static let model = [
        MessageSchema(
            p + "ConversionEvent",
            [
                .init(1, "id", .string), .init(2, "type", .string), .init(3, "value", .double),
                .init(4, "currency", .string), .message(5, "occurred_at", ts),
                .message(6, "properties", WellKnownTypes.structType),
            ]),
        .mapEntry(p + "CustomMetric.DimensionsEntry", key: .string, value: .string),
        MessageSchema(
            p + "CustomMetric",
            [
                .init(1, "id", .string), .init(2, "campaign_id", .string), .init(3, "name", .string),
                .init(4, "value", .double), .message(5, "timestamp", ts),
                .map(6, "dimensions", entry: p + "CustomMetric.DimensionsEntry"),
            ]),
        .mapEntry(p + "BehaviorAnalysis.EventsByTypeEntry", key: .string, value: .int64),
        MessageSchema(
            p + "BehaviorAnalysis",
            [
                .init(1, "user_id", .string),
                .map(2, "events_by_type", entry: p + "BehaviorAnalysis.EventsByTypeEntry"),
                .init(3, "campaigns", .int64), .message(4, "first_event_at", ts), .message(5, "last_event_at", ts),
                .init(6, "conversions", .int64), .init(7, "revenue", .double), .init(8, "open_rate", .double),
                .init(9, "click_rate", .double), .init(10, "most_active_hour_utc", .int32),
            ]),
        MessageSchema(
            p + "CampaignAttribution",
            [
                .init(1, "campaign_id", .string), .init(2, "conversions", .double), .init(3, "revenue", .double),
                .init(4, "touches", .int64),
            ]),
        MessageSchema(
            p + "Incrementality",
            [
                .init(1, "test_id", .string), .init(2, "treated_users", .int64), .init(3, "treated_converted", .int64),
                .init(4, "holdout_users", .int64), .init(5, "holdout_converted", .int64), .init(6, "lift", .double),
                .init(7, "lift_ci_lower", .double), .init(8, "lift_ci_upper", .double), .init(9, "p_value", .double),
            ]),
        MessageSchema(
            p + "AttributionAnalysis",
            [
                .init(1, "model", .enumeration(p + "AttributionModel")),
                .message(2, "campaigns", p + "CampaignAttribution", .repeated), .init(3, "conversions", .int64),
                .init(4, "revenue", .double), .init(5, "unattributed", .int64),
                .message(6, "incrementality", p + "Incrementality"),
            ]),
        MessageSchema(
            p + "CampaignEvent",
            [
                .init(1, "id", .string), .init(2, "campaign_id", .string), .init(3, "user_id", .string),
                .init(4, "event_type", .enumeration(p + "EventType")), .message(5, "timestamp", ts),
                .init(6, "channel", .enumeration("herald.common.v1.NotificationChannel")),
                .init(7, "device_type", .string),
                .message(8, "location", "herald.common.v1.GeoLocation"),
                .message(9, "metadata", WellKnownTypes.structType),
                .init(10, "value", .double), .init(11, "variant_id", .string), .init(12, "node_id", .string),
            ]),
        .mapEntry(p + "ROIAnalysis.RevenueByChannelEntry", key: .string, value: .double),
        MessageSchema(
            p + "ROIAnalysis",
            [
                .init(1, "campaign_id", .string), .init(2, "revenue", .double), .init(3, "cost", .double),
                .init(4, "roi", .double),
                .init(5, "cost_per_conversion", .double), .init(6, "revenue_per_message", .double),
                .map(7, "revenue_by_channel", entry: p + "ROIAnalysis.RevenueByChannelEntry"),
            ]),
        MessageSchema(
            p + "FunnelStage",
            [
                .init(1, "event_type", .enumeration(p + "EventType")), .init(2, "users", .int64),
                .init(3, "conversion_from_previous", .double), .init(4, "conversion_from_start", .double),
            ]),
        MessageSchema(
            p + "FunnelAnalysis",
            [.init(1, "campaign_id", .string), .message(2, "stages", p + "FunnelStage", .repeated)]),
        MessageSchema(
            p + "ReportDefinition",
            [
                .init(1, "name", .string), .init(2, "campaign_ids", .string, .repeated),
                .message(3, "time_range", range),
                .init(4, "metrics", .string, .repeated), .init(5, "dimensions", .string, .repeated),
                .init(6, "granularity", .enumeration(p + "Granularity")),
                .init(7, "format", .enumeration(p + "ReportFormat")),
            ]),
        .mapEntry(p + "ReportRow.ValuesEntry", key: .string, value: .double),
        MessageSchema(
            p + "ReportRow",
            [
                .init(1, "dimensions", .string, .repeated), .message(2, "period_start", ts),
                .map(3, "values", entry: p + "ReportRow.ValuesEntry"),
            ]),
        MessageSchema(
            p + "CampaignReport",
            [
                .init(1, "id", .string), .message(2, "definition", p + "ReportDefinition"),
                .message(3, "rows", p + "ReportRow", .repeated),
                .message(4, "generated_at", ts), .init(5, "rendered", .bytes),
            ]),
        MessageSchema(
            p + "DashboardWidget",
            [
                .init(1, "id", .string), .init(2, "kind", .string), .init(3, "title", .string),
                .message(4, "query", p + "ReportDefinition"),
                .init(5, "x", .int32), .init(6, "y", .int32), .init(7, "width", .int32), .init(8, "height", .int32),
            ]),
        MessageSchema(
            p + "DashboardDefinition",
            [
                .init(1, "name", .string), .message(2, "widgets", p + "DashboardWidget", .repeated),
                .init(3, "refresh_interval_seconds", .int32),
            ]),
        MessageSchema(
            p + "Dashboard",
            [
                .init(1, "id", .string), .message(2, "definition", p + "DashboardDefinition"),
                .message(3, "created_at", ts),
                .init(4, "created_by", .string),
            ]),
    ]

    static let requests = [
        MessageSchema(p + "TrackCampaignEventRequest", [.message(1, "event", p + "CampaignEvent")]),
        MessageSchema(p + "TrackCampaignEventResponse", [.init(1, "stored", .bool)]),
        MessageSchema(p + "TrackCampaignEventsRequest", [.message(1, "events", p + "CampaignEvent", .repeated)]),
        MessageSchema(p + "TrackCampaignEventsResponse", [.init(1, "stored", .int64), .init(2, "duplicates", .int64)]),
        MessageSchema(
            p + "GetCampaignMetricsRequest", [.init(1, "campaign_id", .string), .message(2, "time_range", range)]),
        MessageSchema(p + "GetCampaignMetricsResponse", [.message(1, "metrics", metrics)]),
        MessageSchema(p + "CalculateROIRequest", [.init(1, "campaign_id", .string)]),
        MessageSchema(p + "CalculateROIResponse", [.message(1, "analysis", p + "ROIAnalysis")]),
        MessageSchema(
            p + "AnalyzeFunnelRequest", [.init(1, "campaign_id", .string), .message(2, "time_range", range)]),
        MessageSchema(p + "AnalyzeFunnelResponse", [.message(1, "funnel", p + "FunnelAnalysis")]),
        MessageSchema(p + "GenerateReportRequest", [.message(1, "definition", p + "ReportDefinition")]),
        MessageSchema(p + "GenerateReportResponse", [.message(1, "report", p + "CampaignReport")]),
        MessageSchema(
            p + "CreateDashboardRequest",
            [.message(1, "definition", p + "DashboardDefinition"), .init(2, "created_by", .string)]),
        MessageSchema(p + "CreateDashboardResponse", [.message(1, "dashboard", p + "Dashboard")]),
        MessageSchema(p + "GetDashboardRequest", [.init(1, "dashboard_id", .string)]),
        MessageSchema(p + "GetDashboardResponse", [.message(1, "dashboard", p + "Dashboard")]),
        MessageSchema(p + "WatchCampaignMetricsRequest", [.init(1, "campaign_id", .string)]),
        MessageSchema(p + "WatchCampaignMetricsResponse", [.message(1, "metrics", metrics)]),
        MessageSchema(
            p + "AnalyzeAttributionRequest",
            [
                .init(1, "campaign_ids", .string, .repeated), .init(2, "model", .enumeration(p + "AttributionModel")),
                .init(3, "window_days", .int32), .init(4, "half_life_days", .double),
                .message(5, "time_range", range), .init(6, "holdout_test_id", .string),
            ]),
        MessageSchema(p + "AnalyzeAttributionResponse", [.message(1, "analysis", p + "AttributionAnalysis")]),
        MessageSchema(
            p + "TrackConversionRequest",
            [
                .init(1, "user_id", .string), .init(2, "campaign_id", .string),
                .message(3, "conversion", p + "ConversionEvent"),
            ]),
        MessageSchema(p + "TrackConversionResponse", [.init(1, "stored", .bool)]),
        MessageSchema(p + "RecordCustomMetricRequest", [.message(1, "metric", p + "CustomMetric")]),
        MessageSchema(p + "RecordCustomMetricResponse", [.init(1, "stored", .bool)]),
        MessageSchema(p + "GetUserBehaviorRequest", [.init(1, "user_id", .string), .message(2, "time_range", range)]),
        MessageSchema(p + "GetUserBehaviorResponse", [.message(1, "behavior", p + "BehaviorAnalysis")]),
    ]

    static let messages = model + requests

    static let enums = [
        EnumSchema(
            p + "EventType",
            [
                ("EVENT_TYPE_UNSPECIFIED", 0), ("EVENT_TYPE_SENT", 1), ("EVENT_TYPE_DELIVERED", 2),
                ("EVENT_TYPE_OPENED", 3),
                ("EVENT_TYPE_CLICKED", 4), ("EVENT_TYPE_CONVERTED", 5), ("EVENT_TYPE_UNSUBSCRIBED", 6),
                ("EVENT_TYPE_BOUNCED", 7),
            ]),
        EnumSchema(
            p + "ReportFormat",
            [
                ("REPORT_FORMAT_UNSPECIFIED", 0), ("REPORT_FORMAT_JSON", 1), ("REPORT_FORMAT_CSV", 2),
                ("REPORT_FORMAT_HTML", 3),
            ]),
        EnumSchema(
            p + "Granularity",
            [
                ("GRANULARITY_UNSPECIFIED", 0), ("GRANULARITY_HOURLY", 1), ("GRANULARITY_DAILY", 2),
                ("GRANULARITY_WEEKLY", 3),
                ("GRANULARITY_MONTHLY", 4),
            ]),
        EnumSchema(
            p + "AttributionModel",
            [
                ("ATTRIBUTION_MODEL_UNSPECIFIED", 0), ("ATTRIBUTION_MODEL_FIRST_TOUCH", 1),
                ("ATTRIBUTION_MODEL_LAST_TOUCH", 2), ("ATTRIBUTION_MODEL_LINEAR", 3),
                ("ATTRIBUTION_MODEL_TIME_DECAY", 4), ("ATTRIBUTION_MODEL_POSITION_BASED", 5),
            ]),
    ]

    static let services = [
        ServiceSchema(
            p + "CampaignAnalytics",
            unary(
                p,
                [
                    "TrackCampaignEvent", "TrackCampaignEvents", "GetCampaignMetrics", "CalculateROI", "AnalyzeFunnel",
                    "GenerateReport",
                    "CreateDashboard", "GetDashboard",
                ]) + [serverStream(p, "WatchCampaignMetrics")]
                + unary(p, ["AnalyzeAttribution", "TrackConversion", "RecordCustomMetric", "GetUserBehavior"]))
    ]
}
