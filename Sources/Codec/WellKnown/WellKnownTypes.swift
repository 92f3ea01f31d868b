/// The schemas of protobuf's well-known types that Herald's APIs use: Timestamp, Duration, Empty,
/// Struct/Value/ListValue (the spec's `Record<string, any>` fields), the wrappers, and Any (the details of an error
/// status, `google.rpc.Status`).
public enum WellKnownTypes {
    public static let timestamp = "google.protobuf.Timestamp"
    public static let duration = "google.protobuf.Duration"
    public static let empty = "google.protobuf.Empty"
    public static let structType = "google.protobuf.Struct"
    public static let value = "google.protobuf.Value"
    public static let listValue = "google.protobuf.ListValue"
    public static let nullValue = "google.protobuf.NullValue"
    public static let any = "google.protobuf.Any"
    public static let fieldMask = "google.protobuf.FieldMask"

    /// The `type_url` of a packed message: `type.googleapis.com/` and its full name.
    public static func typeURL(_ fullName: String) -> String { "type.googleapis.com/" + fullName }

    /// The full name in a `type_url` (what follows its last "/").
    public static func typeName(inURL url: String) -> String {
        String(url.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
    }

    /// Wrapper message name → the type of its `value` field.
    public static let wrappers: [String: FieldType] = [
        "google.protobuf.DoubleValue": .double, "google.protobuf.FloatValue": .float,
        "google.protobuf.Int64Value": .int64, "google.protobuf.UInt64Value": .uint64,
        "google.protobuf.Int32Value": .int32, "google.protobuf.UInt32Value": .uint32,
        "google.protobuf.BoolValue": .bool, "google.protobuf.StringValue": .string,
        "google.protobuf.BytesValue": .bytes,
    ]

    public static let messages: [MessageSchema] =
        [
            MessageSchema(timestamp, [.init(1, "seconds", .int64), .init(2, "nanos", .int32)]),
            MessageSchema(duration, [.init(1, "seconds", .int64), .init(2, "nanos", .int32)]),
            MessageSchema(empty, []),
            MessageSchema(structType, [.map(1, "fields", entry: "google.protobuf.Struct.FieldsEntry")]),
            .mapEntry("google.protobuf.Struct.FieldsEntry", key: .string, value: .message(value)),
            MessageSchema(
                value,
                [
                    .init(1, "null_value", .enumeration(nullValue), oneof: "kind"),
                    .init(2, "number_value", .double, oneof: "kind"),
                    .init(3, "string_value", .string, oneof: "kind"),
                    .init(4, "bool_value", .bool, oneof: "kind"),
                    .init(5, "struct_value", .message(structType), oneof: "kind"),
                    .init(6, "list_value", .message(listValue), oneof: "kind"),
                ]),
            MessageSchema(listValue, [.init(1, "values", .message(value), .repeated)]),
            MessageSchema(any, [.init(1, "type_url", .string), .init(2, "value", .bytes)]),
            MessageSchema(fieldMask, [.init(1, "paths", .string, .repeated)]),
        ] + wrappers.keys.sorted().map { MessageSchema($0, [.init(1, "value", wrappers[$0]!)]) }

    public static let enums: [EnumSchema] = [EnumSchema(nullValue, [("NULL_VALUE", 0)])]
}
