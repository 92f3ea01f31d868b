/// `google.rpc.Status` and the error details Herald sends with it, as googleapis declares them
/// (`google/rpc/status.proto`, `google/rpc/error_details.proto`). They are not in `Protos/`: every gRPC language
/// ships them already (googleapis-common-protos), and a second copy would clash with it in a client.
public enum GoogleRPCTypes {
    public static let status = "google.rpc.Status"
    public static let badRequest = "google.rpc.BadRequest"
}

public enum GoogleRPCSchemas {
    static let status = GoogleRPCTypes.status
    static let badRequest = GoogleRPCTypes.badRequest

    public static let messages = [
        MessageSchema(
            status,
            [
                .init(1, "code", .int32), .init(2, "message", .string),
                .message(3, "details", WellKnownTypes.any, .repeated),
            ]),
        MessageSchema(badRequest, [.message(1, "field_violations", badRequest + ".FieldViolation", .repeated)]),
        MessageSchema(
            badRequest + ".FieldViolation",
            [
                .init(1, "field", .string), .init(2, "description", .string), .init(3, "reason", .string),
                .message(4, "localized_message", "google.rpc.LocalizedMessage"),
            ]),
        MessageSchema("google.rpc.LocalizedMessage", [.init(1, "locale", .string), .init(2, "message", .string)]),
    ]
}
