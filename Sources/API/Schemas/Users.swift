import Codec

/// `herald/users/v1/users.proto`.
enum UserSchemas {
    static let p = "herald.users.v1."
    static let ts = FieldType.message(WellKnownTypes.timestamp)
    static let object = FieldType.message(WellKnownTypes.structType)
    static let channel = FieldType.enumeration("herald.common.v1.NotificationChannel")
    static let purpose = FieldType.enumeration(p + "ConsentPurpose")

    static let model = [
        MessageSchema(
            p + "UserProfile",
            [
                .init(1, "id", .string), .init(2, "external_id", .string), .init(3, "email", .string),
                .init(4, "phone", .string),
                .init(5, "display_name", .string), .init(6, "locale", .string), .init(7, "timezone", .string),
                .init(8, "attributes", object), .init(9, "device_tokens", .string, .repeated),
                .init(10, "created_at", ts),
                .init(11, "updated_at", ts), .init(12, "version", .int64),
                .message(13, "devices", p + "Device", .repeated),
            ]),
        MessageSchema(
            p + "Device",
            [
                .init(1, "token", .string), .init(2, "platform", .enumeration(p + "DevicePlatform")),
                .init(3, "app_id", .string),
                .init(4, "registered_at", ts),
            ]),
        MessageSchema(
            p + "UserPreferences",
            [
                .init(1, "preferred_channels", channel, .repeated), .init(2, "language", .string),
                .init(3, "topics", .string, .repeated),
                .init(4, "max_messages_per_day", .int32), .init(5, "quiet_hours", .string),
                .init(6, "unsubscribed_topics", .string, .repeated),
            ]),
        .mapEntry(p + "SegmentData.EventCountsEntry", key: .string, value: .int64),
        .mapEntry(p + "SegmentData.LifetimeEventCountsEntry", key: .string, value: .int64),
        MessageSchema(
            p + "SegmentData",
            [
                .init(1, "user_id", .string), .init(2, "attributes", object),
                .map(3, "event_counts", entry: p + "SegmentData.EventCountsEntry"),
                .init(4, "last_active_at", ts), .init(5, "lifetime_value", .double),
                .init(6, "computed_traits", object),
                .map(7, "lifetime_event_counts", entry: p + "SegmentData.LifetimeEventCountsEntry"),
                .init(8, "first_seen_at", ts),
            ]),
        MessageSchema(
            p + "ChannelConsent",
            [
                .init(1, "channel", channel), .init(2, "granted", .bool), .init(3, "updated_at", ts),
                .init(4, "source", .string),
                .init(5, "legal_basis", .string),
            ]),
        MessageSchema(
            p + "PurposeConsent",
            [
                .init(1, "purpose", purpose), .init(2, "granted", .bool), .init(3, "updated_at", ts),
                .init(4, "source", .string),
                .init(5, "legal_basis", .string),
            ]),
        MessageSchema(
            p + "ConsentChange",
            [
                .init(1, "at", ts), .init(2, "channel", channel, oneof: "subject"),
                .init(3, "purpose", purpose, oneof: "subject"),
                .init(4, "granted", .bool), .init(5, "source", .string), .init(6, "legal_basis", .string),
            ]),
        MessageSchema(
            p + "ConsentStatus",
            [
                .init(1, "user_id", .string), .message(2, "channels", p + "ChannelConsent", .repeated),
                .init(3, "marketing", .bool),
                .init(4, "analytics", .bool), .init(5, "updated_at", ts),
                .message(6, "purposes", p + "PurposeConsent", .repeated),
                .message(7, "history", p + "ConsentChange", .repeated),
            ]),
        MessageSchema(
            p + "ConsentUpdate",
            [
                .message(1, "channels", p + "ChannelConsent", .repeated), .init(2, "marketing", .bool, .optional),
                .init(3, "analytics", .bool, .optional), .init(4, "source", .string),
                .message(5, "purposes", p + "PurposeConsent", .repeated), .init(6, "legal_basis", .string),
            ]),
        MessageSchema(
            p + "UserActivity",
            [
                .init(1, "id", .string), .init(2, "type", .string), .init(3, "at", ts), .init(4, "properties", object),
                .init(5, "channel", channel), .init(6, "campaign_id", .string),
            ]),
        MessageSchema(
            p + "UserFilter",
            [
                .init(1, "attributes", object), .message(2, "created", "herald.common.v1.TimeRange"),
                .init(3, "consented_to", purpose),
                .init(4, "reachable_on", channel), .init(5, "external_id_prefix", .string),
            ]),
        MessageSchema(
            p + "UserContact",
            [
                .init(1, "user_id", .string), .init(2, "email", .string), .init(3, "phone", .string),
                .message(4, "devices", p + "Device", .repeated), .init(5, "locale", .string),
                .init(6, "timezone", .string),
                .message(7, "preferences", p + "UserPreferences"), .message(8, "consent", p + "ConsentStatus"),
                .init(9, "display_name", .string), .init(10, "attributes", object),
            ]),
        MessageSchema(
            p + "ImportRow", [.message(1, "user", p + "UserProfile"), .message(2, "consent", p + "ConsentUpdate")]),
        MessageSchema(
            p + "ImportRowError",
            [.init(1, "row", .int64), .init(2, "field", .string), .init(3, "description", .string)]),
        MessageSchema(
            p + "DataSubjectStep",
            [
                .init(1, "service", .string), .init(2, "done", .bool), .init(3, "attempts", .int32),
                .init(4, "last_error", .string),
                .init(5, "completed_at", ts),
            ]),
        MessageSchema(
            p + "DataSubjectRequest",
            [
                .init(1, "id", .string), .init(2, "user_id", .string),
                .init(3, "kind", .enumeration(p + "DataSubjectRequestKind")),
                .init(4, "state", .enumeration(p + "DataSubjectRequestState")), .init(5, "requested_by", .string),
                .init(6, "requested_at", ts), .init(7, "completed_at", ts),
                .message(8, "steps", p + "DataSubjectStep", .repeated),
            ]),
    ]

    static let requests = [
        MessageSchema(p + "CreateUserRequest", [.message(1, "user", p + "UserProfile")]),
        MessageSchema(p + "CreateUserResponse", [.message(1, "user", p + "UserProfile")]),
        MessageSchema(p + "GetUserProfileRequest", [.init(1, "user_id", .string)]),
        MessageSchema(p + "GetUserProfileResponse", [.message(1, "user", p + "UserProfile")]),
        MessageSchema(
            p + "UpdateUserProfileRequest",
            [
                .message(1, "user", p + "UserProfile"), .message(2, "update_mask", WellKnownTypes.fieldMask),
                .init(3, "expected_version", .int64), .init(4, "updated_by", .string),
            ]),
        MessageSchema(p + "UpdateUserProfileResponse", [.message(1, "user", p + "UserProfile")]),
        MessageSchema(p + "DeleteUserRequest", [.init(1, "user_id", .string), .init(2, "erase", .bool)]),
        MessageSchema(p + "DeleteUserResponse", []),
        MessageSchema(p + "ListUsersRequest", [CommonSchemas.page(1), .message(2, "filter", p + "UserFilter")]),
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
        MessageSchema(p + "GetUserConsentRequest", [.init(1, "user_id", .string), .init(2, "include_history", .bool)]),
        MessageSchema(p + "GetUserConsentResponse", [.message(1, "consent", p + "ConsentStatus")]),
        MessageSchema(
            p + "UpdateUserConsentRequest", [.init(1, "user_id", .string), .message(2, "consent", p + "ConsentUpdate")]),
        MessageSchema(p + "UpdateUserConsentResponse", []),
        MessageSchema(
            p + "TrackUserActivityRequest", [.init(1, "user_id", .string), .message(2, "activity", p + "UserActivity")]),
        MessageSchema(p + "TrackUserActivityResponse", []),
        MessageSchema(
            p + "TrackUserActivitiesRequest", [.message(1, "activities", p + "TrackUserActivityRequest", .repeated)]),
        MessageSchema(p + "TrackUserActivitiesResponse", [.init(1, "stored", .int32)]),
        MessageSchema(p + "ImportUsersRequest", [.message(1, "rows", p + "ImportRow", .repeated)]),
        MessageSchema(
            p + "ImportUsersResponse",
            [
                .init(1, "rows", .int64), .init(2, "created", .int64), .init(3, "updated", .int64),
                .message(4, "errors", p + "ImportRowError", .repeated), .init(5, "rejected", .int64),
            ]),
        MessageSchema(p + "ExportUsersRequest", [.message(1, "filter", p + "UserFilter")]),
        MessageSchema(p + "ExportUsersResponse", [.message(1, "users", p + "UserProfile", .repeated)]),
        MessageSchema(p + "LookupUsersRequest", [.init(1, "user_ids", .string, .repeated)]),
        MessageSchema(p + "LookupUsersResponse", [.message(1, "users", p + "UserContact", .repeated)]),
        MessageSchema(
            p + "RegisterDeviceRequest", [.init(1, "user_id", .string), .message(2, "device", p + "Device")]),
        MessageSchema(p + "RegisterDeviceResponse", [.message(1, "user", p + "UserProfile")]),
        MessageSchema(p + "UnregisterDeviceRequest", [.init(1, "user_id", .string), .init(2, "token", .string)]),
        MessageSchema(p + "UnregisterDeviceResponse", []),
        MessageSchema(p + "ExportUserDataRequest", [.init(1, "user_id", .string), .init(2, "requested_by", .string)]),
        MessageSchema(
            p + "ExportUserDataResponse", [.init(1, "data", object), .message(2, "request", p + "DataSubjectRequest")]),
        MessageSchema(p + "EraseUserRequest", [.init(1, "user_id", .string), .init(2, "requested_by", .string)]),
        MessageSchema(p + "EraseUserResponse", [.message(1, "request", p + "DataSubjectRequest")]),
        MessageSchema(p + "GetDataSubjectRequestRequest", [.init(1, "request_id", .string)]),
        MessageSchema(p + "GetDataSubjectRequestResponse", [.message(1, "request", p + "DataSubjectRequest")]),
    ]

    static let messages = model + requests

    static let enums = [
        EnumSchema(
            p + "DevicePlatform",
            [("DEVICE_PLATFORM_UNSPECIFIED", 0), ("DEVICE_PLATFORM_APNS", 1), ("DEVICE_PLATFORM_FCM", 2)]),
        EnumSchema(
            p + "ConsentPurpose",
            [
                ("CONSENT_PURPOSE_UNSPECIFIED", 0), ("CONSENT_PURPOSE_MARKETING", 1),
                ("CONSENT_PURPOSE_TRANSACTIONAL", 2),
                ("CONSENT_PURPOSE_ANALYTICS", 3), ("CONSENT_PURPOSE_PERSONALIZATION", 4),
            ]),
        EnumSchema(
            p + "DataSubjectRequestKind",
            [
                ("DATA_SUBJECT_REQUEST_KIND_UNSPECIFIED", 0), ("DATA_SUBJECT_REQUEST_KIND_ACCESS", 1),
                ("DATA_SUBJECT_REQUEST_KIND_ERASURE", 2),
            ]),
        EnumSchema(
            p + "DataSubjectRequestState",
            [
                ("DATA_SUBJECT_REQUEST_STATE_UNSPECIFIED", 0), ("DATA_SUBJECT_REQUEST_STATE_PENDING", 1),
                ("DATA_SUBJECT_REQUEST_STATE_RUNNING", 2), ("DATA_SUBJECT_REQUEST_STATE_COMPLETED", 3),
            ]),
    ]

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
                    "TrackUserActivities",
                ])
                + [
                    .init("ImportUsers", p + "ImportUsersRequest", p + "ImportUsersResponse", clientStreaming: true),
                    serverStream(p, "ExportUsers"),
                ]
                + unary(
                    p,
                    [
                        "LookupUsers", "RegisterDevice", "UnregisterDevice", "ExportUserData", "EraseUser",
                        "GetDataSubjectRequest",
                    ]))
    ]
}
