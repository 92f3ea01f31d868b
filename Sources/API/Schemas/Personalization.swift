import Codec

/// `herald/personalization/v1/personalization.proto`.
enum PersonalizationSchemas {
    static let p = "herald.personalization.v1."
    static let ts = WellKnownTypes.timestamp
    static let channel = FieldType.enumeration("herald.common.v1.NotificationChannel")
    static let geo = "herald.common.v1.GeoLocation"

    static let model = [
        MessageSchema(
            p + "UserPreferences",
            [
                .init(1, "preferred_channels", channel, .repeated), .init(2, "language", .string),
                .init(3, "categories", .string, .repeated),
                .init(4, "max_messages_per_day", .int32), .init(5, "quiet_hours", .string),
            ]),
        MessageSchema(
            p + "PageView",
            [
                .init(1, "url", .string), .init(2, "title", .string), .message(3, "at", ts),
                .init(4, "duration_ms", .int64),
            ]),
        MessageSchema(
            p + "Purchase",
            [
                .init(1, "order_id", .string), .init(2, "product_ids", .string, .repeated), .init(3, "amount", .double),
                .init(4, "currency", .string), .message(5, "at", ts),
            ]),
        MessageSchema(
            p + "Interaction",
            [
                .init(1, "type", .string), .init(2, "campaign_id", .string), .init(3, "channel", channel),
                .message(4, "at", ts),
            ]),
        .mapEntry(p + "DeviceUsage.ShareEntry", key: .string, value: .double),
        MessageSchema(
            p + "DeviceUsage",
            [.map(1, "share", entry: p + "DeviceUsage.ShareEntry"), .init(2, "primary_device", .string)]),
        MessageSchema(
            p + "LocationData", [.message(1, "last_known", geo), .init(2, "frequent_cities", .string, .repeated)]),
        MessageSchema(
            p + "SessionData",
            [
                .init(1, "sessions_last_30_days", .int64), .init(2, "average_session_seconds", .int64),
                .message(3, "last_session_at", ts),
            ]),
        MessageSchema(
            p + "BehaviorProfile",
            [
                .message(1, "page_views", p + "PageView", .repeated),
                .message(2, "purchases", p + "Purchase", .repeated),
                .message(3, "interactions", p + "Interaction", .repeated),
                .message(4, "device_usage", p + "DeviceUsage"),
                .message(5, "location_data", p + "LocationData"), .message(6, "session_data", p + "SessionData"),
            ]),
        MessageSchema(
            p + "Demographics",
            [
                .init(1, "age_range", .string), .init(2, "gender", .string), .message(3, "location", geo),
                .init(4, "occupation", .string),
            ]),
        MessageSchema(
            p + "EngagementHistory",
            [
                .init(1, "messages_received", .int64), .init(2, "messages_opened", .int64),
                .init(3, "messages_clicked", .int64),
                .message(4, "last_engaged_at", ts), .init(5, "engagement_score", .double),
            ]),
        .mapEntry(p + "RecommendationProfile.CategoryAffinityEntry", key: .string, value: .double),
        MessageSchema(
            p + "RecommendationProfile",
            [
                .init(1, "recent_item_ids", .string, .repeated),
                .map(2, "category_affinity", entry: p + "RecommendationProfile.CategoryAffinityEntry"),
            ]),
        MessageSchema(
            p + "OptimalTime", [.init(1, "day_of_week", .int32), .init(2, "hour", .int32), .init(3, "score", .double)]),
        MessageSchema(
            p + "DevicePreference",
            [.init(1, "device", .string), .init(2, "channel", channel), .init(3, "score", .double)]),
        MessageSchema(p + "EngagementPattern", [.init(1, "pattern", .string), .init(2, "strength", .double)]),
        MessageSchema(
            p + "SendTimeProfile",
            [
                .message(1, "optimal_times", p + "OptimalTime", .repeated), .init(2, "timezone_preference", .string),
                .message(3, "device_preferences", p + "DevicePreference", .repeated),
                .message(4, "engagement_patterns", p + "EngagementPattern", .repeated), .init(5, "confidence", .double),
            ]),
        MessageSchema(
            p + "ContentPreferences",
            [
                .init(1, "topics", .string, .repeated), .init(2, "preferred_length", .string),
                .init(3, "tone", .string),
            ]),
        MessageSchema(
            p + "PersonalizationProfile",
            [
                .init(1, "user_id", .string), .message(2, "preferences", p + "UserPreferences"),
                .message(3, "behavior", p + "BehaviorProfile"),
                .message(4, "demographics", p + "Demographics"), .message(5, "engagement", p + "EngagementHistory"),
                .message(6, "recommendations", p + "RecommendationProfile"),
                .message(7, "send_time_optimization", p + "SendTimeProfile"),
                .message(8, "content_preferences", p + "ContentPreferences"), .message(9, "updated_at", ts),
            ]),
        .mapEntry(p + "ContentTemplate.DefaultsEntry", key: .string, value: .string),
        MessageSchema(
            p + "ContentTemplate",
            [
                .init(1, "id", .string), .init(2, "channel", channel), .init(3, "subject", .string),
                .init(4, "body", .string),
                .map(5, "defaults", entry: p + "ContentTemplate.DefaultsEntry"),
            ]),
        MessageSchema(
            p + "PersonalizedContent",
            [
                .init(1, "user_id", .string), .init(2, "template_id", .string), .init(3, "subject", .string),
                .init(4, "body", .string),
                .init(5, "used_defaults", .string, .repeated),
            ]),
        MessageSchema(
            p + "RecommendationContext",
            [
                .init(1, "campaign_id", .string), .init(2, "exclude_item_ids", .string, .repeated),
                .init(3, "category", .string),
                .init(4, "limit", .int32),
            ]),
        MessageSchema(
            p + "Recommendation",
            [.init(1, "item_id", .string), .init(2, "score", .double), .init(3, "reason", .string)]),
        MessageSchema(
            p + "OptimalSendTime",
            [
                .init(1, "user_id", .string), .message(2, "send_at", ts), .init(3, "timezone", .string),
                .init(4, "confidence", .double),
            ]),
        MessageSchema(
            p + "UserContext",
            [
                .init(1, "device", .string), .message(2, "location", geo), .message(3, "local_time", ts),
                .message(4, "attributes", WellKnownTypes.structType),
            ]),
        .mapEntry(p + "AdaptedContent.BlocksEntry", key: .string, value: .string),
        MessageSchema(
            p + "AdaptedContent",
            [
                .init(1, "user_id", .string), .map(2, "blocks", entry: p + "AdaptedContent.BlocksEntry"),
                .init(3, "applied_rules", .string, .repeated),
            ]),
    ]

    static let requests = [
        MessageSchema(p + "GetProfileRequest", [.init(1, "user_id", .string)]),
        MessageSchema(p + "GetProfileResponse", [.message(1, "profile", p + "PersonalizationProfile")]),
        MessageSchema(p + "UpdateProfileRequest", [.message(1, "profile", p + "PersonalizationProfile")]),
        MessageSchema(p + "UpdateProfileResponse", [.message(1, "profile", p + "PersonalizationProfile")]),
        MessageSchema(
            p + "PersonalizeContentRequest",
            [.init(1, "user_id", .string), .message(2, "template", p + "ContentTemplate")]),
        MessageSchema(p + "PersonalizeContentResponse", [.message(1, "content", p + "PersonalizedContent")]),
        MessageSchema(
            p + "GenerateRecommendationsRequest",
            [
                .init(1, "user_id", .string), .message(2, "context", p + "RecommendationContext"),
            ]),
        MessageSchema(
            p + "GenerateRecommendationsResponse", [.message(1, "recommendations", p + "Recommendation", .repeated)]),
        MessageSchema(
            p + "OptimizeSendTimeRequest", [.init(1, "user_id", .string), .init(2, "campaign_type", .string)]),
        MessageSchema(p + "OptimizeSendTimeResponse", [.message(1, "send_time", p + "OptimalSendTime")]),
        MessageSchema(
            p + "AdaptContentRequest", [.init(1, "user_id", .string), .message(2, "context", p + "UserContext")]),
        MessageSchema(p + "AdaptContentResponse", [.message(1, "content", p + "AdaptedContent")]),
        MessageSchema(
            p + "TrackPersonalizationPerformanceRequest",
            [
                .init(1, "user_id", .string), .init(2, "content_id", .string), .init(3, "outcome", .string),
            ]),
        MessageSchema(p + "TrackPersonalizationPerformanceResponse", []),
    ]

    static let messages = model + requests

    static let services = [
        ServiceSchema(
            p + "PersonalizationEngine",
            unary(
                p,
                [
                    "GetProfile", "UpdateProfile", "PersonalizeContent", "GenerateRecommendations", "OptimizeSendTime",
                    "AdaptContent",
                    "TrackPersonalizationPerformance",
                ]))
    ]
}
