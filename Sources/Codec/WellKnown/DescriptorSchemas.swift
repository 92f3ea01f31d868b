/// The part of `google/protobuf/descriptor.proto` Herald reads and writes: file descriptor sets as protoc emits
/// them (`--descriptor_set_out`), and as server reflection returns them. Fields not listed are skipped as
/// unknown. descriptor.proto is proto2 and its enums start at 1; the `*_UNSPECIFIED = 0` values here only
/// satisfy proto3's rule for Swift schemas and never appear on the wire.
public enum DescriptorSchemas {
    static let p = "google.protobuf."

    public static let messages: [MessageSchema] = [
        MessageSchema(p + "FileDescriptorSet", [.init(1, "file", .message(p + "FileDescriptorProto"), .repeated)]),
        MessageSchema(
            p + "FileDescriptorProto",
            [
                .init(1, "name", .string), .init(2, "package", .string), .init(3, "dependency", .string, .repeated),
                .init(4, "message_type", .message(p + "DescriptorProto"), .repeated),
                .init(5, "enum_type", .message(p + "EnumDescriptorProto"), .repeated),
                .init(6, "service", .message(p + "ServiceDescriptorProto"), .repeated), .init(12, "syntax", .string),
            ]),
        MessageSchema(
            p + "DescriptorProto",
            [
                .init(1, "name", .string), .init(2, "field", .message(p + "FieldDescriptorProto"), .repeated),
                .init(3, "nested_type", .message(p + "DescriptorProto"), .repeated),
                .init(4, "enum_type", .message(p + "EnumDescriptorProto"), .repeated),
                .init(7, "options", .message(p + "MessageOptions")),
                .init(8, "oneof_decl", .message(p + "OneofDescriptorProto"), .repeated),
            ]),
        MessageSchema(
            p + "FieldDescriptorProto",
            [
                .init(1, "name", .string), .init(3, "number", .int32),
                .init(4, "label", .enumeration(p + "FieldDescriptorProto.Label")),
                .init(5, "type", .enumeration(p + "FieldDescriptorProto.Type")), .init(6, "type_name", .string),
                .init(9, "oneof_index", .int32, .optional), .init(10, "json_name", .string),
                .init(17, "proto3_optional", .bool),
            ]),
        MessageSchema(p + "OneofDescriptorProto", [.init(1, "name", .string)]),
        MessageSchema(
            p + "EnumDescriptorProto",
            [
                .init(1, "name", .string), .init(2, "value", .message(p + "EnumValueDescriptorProto"), .repeated),
            ]),
        MessageSchema(p + "EnumValueDescriptorProto", [.init(1, "name", .string), .init(2, "number", .int32)]),
        MessageSchema(
            p + "ServiceDescriptorProto",
            [
                .init(1, "name", .string), .init(2, "method", .message(p + "MethodDescriptorProto"), .repeated),
            ]),
        MessageSchema(
            p + "MethodDescriptorProto",
            [
                .init(1, "name", .string), .init(2, "input_type", .string), .init(3, "output_type", .string),
                .init(5, "client_streaming", .bool), .init(6, "server_streaming", .bool),
            ]),
        MessageSchema(p + "MessageOptions", [.init(7, "map_entry", .bool)]),
    ]

    public static let enums: [EnumSchema] = [
        EnumSchema(
            p + "FieldDescriptorProto.Type",
            [
                ("TYPE_UNSPECIFIED", 0), ("TYPE_DOUBLE", 1), ("TYPE_FLOAT", 2), ("TYPE_INT64", 3), ("TYPE_UINT64", 4),
                ("TYPE_INT32", 5), ("TYPE_FIXED64", 6), ("TYPE_FIXED32", 7), ("TYPE_BOOL", 8), ("TYPE_STRING", 9),
                ("TYPE_GROUP", 10), ("TYPE_MESSAGE", 11), ("TYPE_BYTES", 12), ("TYPE_UINT32", 13), ("TYPE_ENUM", 14),
                ("TYPE_SFIXED32", 15), ("TYPE_SFIXED64", 16), ("TYPE_SINT32", 17), ("TYPE_SINT64", 18),
            ]),
        EnumSchema(
            p + "FieldDescriptorProto.Label",
            [
                ("LABEL_UNSPECIFIED", 0), ("LABEL_OPTIONAL", 1), ("LABEL_REQUIRED", 2), ("LABEL_REPEATED", 3),
            ]),
    ]

    /// The descriptor.proto type number of a field type (TYPE_INT32 = 5, ...).
    public static func typeNumber(_ type: FieldType) -> Int32 {
        switch type {
        case .double: return 1
        case .float: return 2
        case .int64: return 3
        case .uint64: return 4
        case .int32: return 5
        case .fixed64: return 6
        case .fixed32: return 7
        case .bool: return 8
        case .string: return 9
        case .message: return 11
        case .bytes: return 12
        case .uint32: return 13
        case .enumeration: return 14
        case .sfixed32: return 15
        case .sfixed64: return 16
        case .sint32: return 17
        case .sint64: return 18
        }
    }
}
