import Codec

/// `grpc/testing/{empty,messages,test}.proto`: gRPC's interop test service, with the original field numbers.
enum InteropTestingSchemas {
    static let t = "grpc.testing."
    static let messages = [
        MessageSchema(t + "Empty", []),
        MessageSchema(t + "BoolValue", [.init(1, "value", .bool)]),
        MessageSchema(t + "Payload", [.init(1, "type", .enumeration(t + "PayloadType")), .init(2, "body", .bytes)]),
        MessageSchema(t + "EchoStatus", [.init(1, "code", .int32), .init(2, "message", .string)]),
        MessageSchema(
            t + "SimpleRequest",
            [
                .init(1, "response_type", .enumeration(t + "PayloadType")), .init(2, "response_size", .int32),
                .init(3, "payload", .message(t + "Payload")), .init(4, "fill_username", .bool),
                .init(5, "fill_oauth_scope", .bool),
                .init(6, "response_compressed", .message(t + "BoolValue")),
                .init(7, "response_status", .message(t + "EchoStatus")),
                .init(8, "expect_compressed", .message(t + "BoolValue")), .init(9, "fill_server_id", .bool),
            ]),
        MessageSchema(
            t + "SimpleResponse",
            [
                .init(1, "payload", .message(t + "Payload")), .init(2, "username", .string),
                .init(3, "oauth_scope", .string),
                .init(4, "server_id", .string),
            ]),
        MessageSchema(
            t + "StreamingInputCallRequest",
            [
                .init(1, "payload", .message(t + "Payload")), .init(2, "expect_compressed", .message(t + "BoolValue")),
            ]),
        MessageSchema(t + "StreamingInputCallResponse", [.init(1, "aggregated_payload_size", .int32)]),
        MessageSchema(
            t + "ResponseParameters",
            [
                .init(1, "size", .int32), .init(2, "interval_us", .int32),
                .init(3, "compressed", .message(t + "BoolValue")),
            ]),
        MessageSchema(
            t + "StreamingOutputCallRequest",
            [
                .init(1, "response_type", .enumeration(t + "PayloadType")),
                .init(2, "response_parameters", .message(t + "ResponseParameters"), .repeated),
                .init(3, "payload", .message(t + "Payload")), .init(7, "response_status", .message(t + "EchoStatus")),
            ]),
        MessageSchema(t + "StreamingOutputCallResponse", [.init(1, "payload", .message(t + "Payload"))]),
    ]
    static let enums = [EnumSchema(t + "PayloadType", [("COMPRESSABLE", 0)])]
    static let services = [
        ServiceSchema(
            t + "TestService",
            [
                .init("EmptyCall", t + "Empty", t + "Empty"),
                .init("UnaryCall", t + "SimpleRequest", t + "SimpleResponse"),
                .init("CacheableUnaryCall", t + "SimpleRequest", t + "SimpleResponse"),
                .init(
                    "StreamingOutputCall", t + "StreamingOutputCallRequest", t + "StreamingOutputCallResponse",
                    serverStreaming: true),
                .init(
                    "StreamingInputCall", t + "StreamingInputCallRequest", t + "StreamingInputCallResponse",
                    clientStreaming: true),
                .init(
                    "FullDuplexCall", t + "StreamingOutputCallRequest", t + "StreamingOutputCallResponse",
                    clientStreaming: true, serverStreaming: true),
                .init(
                    "HalfDuplexCall", t + "StreamingOutputCallRequest", t + "StreamingOutputCallResponse",
                    clientStreaming: true, serverStreaming: true),
                .init("UnimplementedCall", t + "Empty", t + "Empty"),
            ]),
        ServiceSchema(t + "UnimplementedService", [.init("UnimplementedCall", t + "Empty", t + "Empty")]),
    ]
}
