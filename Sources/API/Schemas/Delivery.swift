import Codec

/// `herald/delivery/v1/delivery.proto`.
enum DeliverySchemas {
    static let p = "herald.delivery.v1."
    static let ts = WellKnownTypes.timestamp
    static let channel = FieldType.enumeration("herald.common.v1.NotificationChannel")

    static let model = [
        .mapEntry(p + "EmailContent.HeadersEntry", key: .string, value: .string),
        MessageSchema(
            p + "EmailContent",
            [
                .init(1, "to", .string), .init(2, "from", .string), .init(3, "reply_to", .string),
                .init(4, "subject", .string),
                .init(5, "html_body", .string), .init(6, "text_body", .string),
                .map(7, "headers", entry: p + "EmailContent.HeadersEntry"),
            ]),
        MessageSchema(
            p + "SMSContent", [.init(1, "to", .string), .init(2, "body", .string), .init(3, "sender_id", .string)]),
        MessageSchema(
            p + "PushContent",
            [
                .init(1, "device_tokens", .string, .repeated), .init(2, "title", .string), .init(3, "body", .string),
                .init(4, "deep_link", .string), .message(5, "data", WellKnownTypes.structType),
                .init(6, "badge", .int32),
            ]),
        MessageSchema(
            p + "InAppContent",
            [
                .init(1, "title", .string), .init(2, "body", .string), .init(3, "image_url", .string),
                .init(4, "layout", .string),
                .message(5, "expires_at", ts), .message(6, "read_at", ts),
            ]),
        MessageSchema(
            p + "MessageKey",
            [
                .init(1, "campaign_id", .string), .init(2, "user_id", .string), .init(3, "execution_id", .string),
                .init(4, "node_id", .string),
            ]),
        MessageSchema(
            p + "DeliveryResult",
            [
                .init(1, "message_id", .string), .init(2, "state", .enumeration(p + "DeliveryState")),
                .init(3, "duplicate", .bool),
                .init(4, "provider", .string), .init(5, "provider_message_id", .string), .init(6, "error", .string),
                .message(7, "accepted_at", ts),
            ]),
        MessageSchema(
            p + "DeliveryEvent",
            [
                .init(1, "state", .enumeration(p + "DeliveryState")), .message(2, "at", ts),
                .init(3, "detail", .string),
            ]),
        MessageSchema(
            p + "DeliveryStatus",
            [
                .init(1, "message_id", .string), .message(2, "key", p + "MessageKey"),
                .init(3, "channel", .enumeration("herald.common.v1.NotificationChannel")),
                .init(4, "state", .enumeration(p + "DeliveryState")),
                .message(5, "history", p + "DeliveryEvent", .repeated), .init(6, "attempts", .int32),
            ]),
        MessageSchema(
            p + "BulkMessage",
            [
                .message(1, "key", p + "MessageKey"),
                .init(2, "email", .message(p + "EmailContent"), oneof: "content"),
                .init(3, "sms", .message(p + "SMSContent"), oneof: "content"),
                .init(4, "push", .message(p + "PushContent"), oneof: "content"),
                .init(5, "in_app", .message(p + "InAppContent"), oneof: "content"),
                .init(6, "purpose", UserSchemas.purpose),
            ]),
        MessageSchema(
            p + "BulkDeliveryResult",
            [
                .message(1, "results", p + "DeliveryResult", .repeated), .init(2, "accepted", .int64),
                .init(3, "duplicates", .int64),
                .init(4, "rejected", .int64),
            ]),
    ]

    /// `{key, content}` in, `{result}` out: the single sends.
    static func send(_ name: String, content: String) -> [MessageSchema] {
        [
            MessageSchema(
                p + name + "Request",
                [
                    .message(1, "key", p + "MessageKey"), .message(2, "content", p + content),
                    .init(3, "purpose", UserSchemas.purpose),
                ]),
            MessageSchema(p + name + "Response", [.message(1, "result", p + "DeliveryResult")]),
        ]
    }

    static let requests =
        send("SendEmail", content: "EmailContent") + send("SendSMS", content: "SMSContent")
        + send("SendPushNotification", content: "PushContent") + send("SendInAppMessage", content: "InAppContent") + [
            MessageSchema(p + "TrackDeliveryStatusRequest", [.init(1, "message_id", .string)]),
            MessageSchema(p + "TrackDeliveryStatusResponse", [.message(1, "status", p + "DeliveryStatus")]),
            MessageSchema(p + "SendBulkMessagesRequest", [.message(1, "messages", p + "BulkMessage", .repeated)]),
            MessageSchema(p + "SendBulkMessagesResponse", [.message(1, "result", p + "BulkDeliveryResult")]),
            MessageSchema(p + "ListInAppMessagesRequest", [.init(1, "user_id", .string), CommonSchemas.page(2)]),
            MessageSchema(
                p + "ListInAppMessagesResponse",
                [
                    .message(1, "messages", p + "DeliveryStatus", .repeated),
                    .message(2, "contents", p + "InAppContent", .repeated),
                    CommonSchemas.pageResponse(3),
                ]),
            MessageSchema(p + "WatchDeliveryStatusRequest", [.init(1, "message_id", .string)]),
            MessageSchema(p + "WatchDeliveryStatusResponse", [.message(1, "status", p + "DeliveryStatus")]),
            MessageSchema(
                p + "Suppression",
                [
                    .init(1, "channel", channel), .init(2, "address", .string), .init(3, "reason", .string),
                    .message(4, "created_at", ts),
                ]),
            MessageSchema(p + "AddSuppressionRequest", [.message(1, "suppression", p + "Suppression")]),
            MessageSchema(p + "AddSuppressionResponse", [.message(1, "suppression", p + "Suppression")]),
            MessageSchema(
                p + "RemoveSuppressionRequest", [.init(1, "channel", channel), .init(2, "address", .string)]),
            MessageSchema(p + "RemoveSuppressionResponse", [.init(1, "removed", .bool)]),
            MessageSchema(p + "ListSuppressionsRequest", [.init(1, "channel", channel), CommonSchemas.page(2)]),
            MessageSchema(
                p + "ListSuppressionsResponse",
                [.message(1, "suppressions", p + "Suppression", .repeated), CommonSchemas.pageResponse(2)]),
            MessageSchema(
                p + "UpdateInAppMessageRequest",
                [
                    .init(1, "message_id", .string), .init(2, "user_id", .string),
                    .init(3, "action", .enumeration(p + "InAppAction")),
                ]),
            MessageSchema(p + "UpdateInAppMessageResponse", []),
        ]

    static let messages = model + requests

    static let enums = [
        EnumSchema(
            p + "DeliveryState",
            [
                ("DELIVERY_STATE_UNSPECIFIED", 0), ("DELIVERY_STATE_QUEUED", 1), ("DELIVERY_STATE_SENT", 2),
                ("DELIVERY_STATE_DELIVERED", 3),
                ("DELIVERY_STATE_BOUNCED", 4), ("DELIVERY_STATE_FAILED", 5), ("DELIVERY_STATE_SUPPRESSED", 6),
            ]),
        EnumSchema(
            p + "InAppAction",
            [("IN_APP_ACTION_UNSPECIFIED", 0), ("IN_APP_ACTION_READ", 1), ("IN_APP_ACTION_DISMISS", 2)]),
    ]

    static let services = [
        ServiceSchema(
            p + "NotificationGateway",
            unary(
                p,
                [
                    "SendEmail", "SendSMS", "SendPushNotification", "SendInAppMessage", "TrackDeliveryStatus",
                    "SendBulkMessages",
                    "ListInAppMessages",
                ]) + [serverStream(p, "WatchDeliveryStatus")]
                + unary(p, ["AddSuppression", "RemoveSuppression", "ListSuppressions", "UpdateInAppMessage"]))
    ]
}
