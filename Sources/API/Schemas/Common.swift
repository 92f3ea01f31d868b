import Codec

/// `herald/common/v1/common.proto`.
enum CommonSchemas {
    static let c = "herald.common.v1."
    static let timestamp = FieldType.message(WellKnownTypes.timestamp)

    static let messages = [
        MessageSchema(c + "TimeRange", [.init(1, "start", timestamp), .init(2, "end", timestamp)]),
        MessageSchema(c + "PageRequest", [.init(1, "page_size", .int32), .init(2, "page_token", .string)]),
        MessageSchema(c + "PageResponse", [.init(1, "next_page_token", .string)]),
        MessageSchema(
            c + "GeoLocation",
            [
                .init(1, "latitude", .double), .init(2, "longitude", .double), .init(3, "country", .string),
                .init(4, "region", .string),
                .init(5, "city", .string), .init(6, "postal_code", .string), .init(7, "timezone", .string),
            ]),
        MessageSchema(
            c + "CampaignMetrics",
            [
                .init(1, "campaign_id", .string), .init(2, "time_range", .message(c + "TimeRange")),
                .init(3, "sent", .int64),
                .init(4, "delivered", .int64), .init(5, "opened", .int64), .init(6, "clicked", .int64),
                .init(7, "converted", .int64),
                .init(8, "unsubscribed", .int64), .init(9, "bounced", .int64), .init(10, "delivery_rate", .double),
                .init(11, "open_rate", .double), .init(12, "click_rate", .double),
                .init(13, "conversion_rate", .double),
                .init(14, "unsubscribe_rate", .double), .init(15, "bounce_rate", .double),
                .init(16, "revenue", .double),
                .init(17, "roi", .double), .init(18, "cost_per_conversion", .double),
                .init(19, "engagement_score", .double), .init(20, "unique_opened", .int64),
                .init(21, "unique_clicked", .int64), .message(22, "rate_intervals", c + "RateInterval", .repeated),
                .init(23, "cost", .double), .map(24, "custom_metrics", entry: c + "CampaignMetrics.CustomMetricsEntry"),
            ]),
        .mapEntry(c + "CampaignMetrics.CustomMetricsEntry", key: .string, value: .double),
        MessageSchema(
            c + "RateInterval", [.init(1, "rate", .string), .init(2, "lower", .double), .init(3, "upper", .double)]),
    ]
    static let enums = [
        EnumSchema(
            c + "NotificationChannel",
            [
                ("NOTIFICATION_CHANNEL_UNSPECIFIED", 0), ("NOTIFICATION_CHANNEL_EMAIL", 1),
                ("NOTIFICATION_CHANNEL_SMS", 2),
                ("NOTIFICATION_CHANNEL_PUSH", 3), ("NOTIFICATION_CHANNEL_IN_APP", 4),
            ])
    ]

    /// Request/response pairs with the same shape recur in every service; these build them.
    static func page(_ number: Int32) -> FieldSchema { .init(number, "page", .message(c + "PageRequest")) }
    static func pageResponse(_ number: Int32) -> FieldSchema { .init(number, "page", .message(c + "PageResponse")) }
}
