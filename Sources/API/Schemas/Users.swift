import Codec

/// `herald/users/v1/users.proto`.
enum UserSchemas {
    static let p = "herald.users.v1."
    static let ts = WellKnownTypes.timestamp
    static let channel = FieldType.enumeration("herald.common.v1.NotificationChannel")

    static let model = [
        MessageSchema(
            p + "UserProfile",
            [
                .init(1, "id", .string), .init(2, "external_id", .string), .init(3, "email", .string),
                .init(4, "phone", .string),
                .init(5, "display_name", .string), .init(6, "locale", .string), .init(7, "timezone", .string),
                .message(8, "attributes", WellKnownTypes.structType), .init(9, "device_tokens", .string, .repeated),
                .message(10, "created_at", ts), .message(11, "updated_at", ts),
            ]),
        MessageSchema(
            p + "UserPreferences",
            [
                .init(1, "preferred_channels", channel, .repeated), .init(2, "language", .string),
                .init(3, "topics", .string, .repeated),
                .init(4, "max_messages_per_day", .int32), .init(5, "quiet_hours", .string),
            ]),
        .mapEntry(p + "SegmentData.EventCountsEntry", key: .string, value: .int64),
        MessageSchema(
            p + "SegmentData",
            [
                .init(1, "user_id", .string), .message(2, "attributes", WellKnownTypes.structType),
                .map(3, "event_counts", entry: p + "SegmentData.EventCountsEntry"), .message(4, "last_active_at", ts),
                .init(5, "lifetime_value", .double),
            ]),
        MessageSchema(
            p + "ChannelConsent",
            [
                .init(1, "channel", channel), .init(2, "granted", .bool), .message(3, "updated_at", ts),
                .init(4, "source", .string),
            ]),
        MessageSchema(
            p + "ConsentStatus",
            [
                .init(1, "user_id", .string), .message(2, "channels", p + "ChannelConsent", .repeated),
                .init(3, "marketing", .bool),
                .init(4, "analytics", .bool), .message(5, "updated_at", ts),
            ]),
        MessageSchema(
            p + "ConsentUpdate",
            [
                .message(1, "channels", p + "ChannelConsent", .repeated), .init(2, "marketing", .bool, .optional),
                .init(3, "analytics", .bool, .optional), .init(4, "source", .string),
            ]),
        MessageSchema(
            p + "UserActivity",
            [
                .init(1, "id", .string), .init(2, "type", .string), .message(3, "at", ts),
                .message(4, "properties", WellKnownTypes.structType),
            ]),
    ]

    static let requests = [
        MessageSchema(p + "CreateUserRequest", [.message(1, "user", p + "UserProfile")]),
        MessageSchema(p + "CreateUserResponse", [.message(1, "user", p + "UserProfile")]),
        MessageSchema(p + "GetUserProfileRequest", [.init(1, "user_id", .string)]),
        MessageSchema(p + "GetUserProfileResponse", [.message(1, "user", p + "UserProfile")]),
        MessageSchema(p + "UpdateUserProfileRequest", [.message(1, "user", p + "UserProfile")]),
        MessageSchema(p + "UpdateUserProfileResponse", [.message(1, "user", p + "UserProfile")]),
        MessageSchema(p + "DeleteUserRequest", [.init(1, "user_id", .string), .init(2, "erase", .bool)]),
        MessageSchema(p + "DeleteUserResponse", []),
        MessageSchema(p + "ListUsersRequest", [CommonSchemas.page(1)]),
        MessageSchema(
            p + "ListUsersResponse",
            [.message(1, "users", p + "UserProfile", .repeated), CommonSchemas.pageResponse(2)]),
        MessageSchema(p + "GetUserPreferencesRequest", [.init(1, "user_id", .string)]),
        MessageSchema(p + "GetUserPreferencesResponse", [.message(1, "preferences", p + "UserPreferences")]),
        MessageSchema(
            p + "UpdateUserPreferencesRequest",
            [.init(1, "user_id", .string), .message(2, "preferences", p + "UserPreferences")]),
        MessageSchema(p + "UpdateUserPreferencesResponse", []),
        MessageSchema(p + "GetUserSegmentDataRequest", [.init(1, "user_id", .string)]),
        MessageSchema(p + "GetUserSegmentDataResponse", [.message(1, "data", p + "SegmentData")]),
        MessageSchema(p + "GetUserConsentRequest", [.init(1, "user_id", .string)]),
        MessageSchema(p + "GetUserConsentResponse", [.message(1, "consent", p + "ConsentStatus")]),
        MessageSchema(
            p + "UpdateUserConsentRequest", [.init(1, "user_id", .string), .message(2, "consent", p + "ConsentUpdate")]),
        MessageSchema(p + "UpdateUserConsentResponse", []),
        MessageSchema(
            p + "TrackUserActivityRequest", [.init(1, "user_id", .string), .message(2, "activity", p + "UserActivity")]),
        MessageSchema(p + "TrackUserActivityResponse", []),
    ]

    static let messages = model + requests

    static let services = [
        ServiceSchema(
            p + "UserDirectory",
            unary(
                p,
                [
                    "CreateUser", "GetUserProfile", "UpdateUserProfile", "DeleteUser", "ListUsers",
                    "GetUserPreferences",
                    "UpdateUserPreferences", "GetUserSegmentData", "GetUserConsent", "UpdateUserConsent",
                    "TrackUserActivity",
                ]))
    ]
}
