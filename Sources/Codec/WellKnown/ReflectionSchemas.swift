/// `grpc/reflection/v1/reflection.proto` and its `v1alpha` twin, which differ only in package.
public enum ReflectionSchemas {
    static let packages = ["grpc.reflection.v1.", "grpc.reflection.v1alpha."]

    static func messages(_ p: String) -> [MessageSchema] {
        [
            MessageSchema(
                p + "ServerReflectionRequest",
                [
                    .init(1, "host", .string), .init(3, "file_by_filename", .string, oneof: "message_request"),
                    .init(4, "file_containing_symbol", .string, oneof: "message_request"),
                    .init(5, "file_containing_extension", .message(p + "ExtensionRequest"), oneof: "message_request"),
                    .init(6, "all_extension_numbers_of_type", .string, oneof: "message_request"),
                    .init(7, "list_services", .string, oneof: "message_request"),
                ]),
            MessageSchema(
                p + "ExtensionRequest", [.init(1, "containing_type", .string), .init(2, "extension_number", .int32)]),
            MessageSchema(
                p + "ServerReflectionResponse",
                [
                    .init(1, "valid_host", .string), .message(2, "original_request", p + "ServerReflectionRequest"),
                    .init(
                        4, "file_descriptor_response", .message(p + "FileDescriptorResponse"), oneof: "message_response"
                    ),
                    .init(
                        5, "all_extension_numbers_response", .message(p + "ExtensionNumberResponse"),
                        oneof: "message_response"),
                    .init(6, "list_services_response", .message(p + "ListServiceResponse"), oneof: "message_response"),
                    .init(7, "error_response", .message(p + "ErrorResponse"), oneof: "message_response"),
                ]),
            MessageSchema(p + "FileDescriptorResponse", [.init(1, "file_descriptor_proto", .bytes, .repeated)]),
            MessageSchema(
                p + "ExtensionNumberResponse",
                [
                    .init(1, "base_type_name", .string), .init(2, "extension_number", .int32, .repeated),
                ]),
            MessageSchema(p + "ListServiceResponse", [.message(1, "service", p + "ServiceResponse", .repeated)]),
            MessageSchema(p + "ServiceResponse", [.init(1, "name", .string)]),
            MessageSchema(p + "ErrorResponse", [.init(1, "error_code", .int32), .init(2, "error_message", .string)]),
        ]
    }

    public static let allMessages = packages.flatMap(messages)

    public static let services = packages.map { p in
        ServiceSchema(
            p + "ServerReflection",
            [
                .init(
                    "ServerReflectionInfo", p + "ServerReflectionRequest", p + "ServerReflectionResponse",
                    clientStreaming: true,
                    serverStreaming: true)
            ])
    }
}
