import Codec
import Foundation
import TestSupport

/// The Swift schema of Fixtures/codec_test.proto.
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures"
    ).path

    static let registry: SchemaRegistry = {
        do {
            return try SchemaRegistry(
                messages: [
                    MessageSchema("herald.test.v1.Inner", [.init(1, "label", .string), .init(2, "weight", .int64)]),
                    MessageSchema(
                        "herald.test.v1.Node",
                        [.init(1, "child", .message("herald.test.v1.Node")), .init(2, "name", .string)]),
                    .mapEntry("herald.test.v1.Everything.CountsEntry", key: .string, value: .int64),
                    MessageSchema(
                        "herald.test.v1.Everything",
                        [
                            .init(1, "f_double", .double), .init(2, "f_float", .float), .init(3, "f_int64", .int64),
                            .init(4, "f_uint64", .uint64), .init(5, "f_int32", .int32), .init(6, "f_fixed64", .fixed64),
                            .init(7, "f_fixed32", .fixed32), .init(8, "f_bool", .bool), .init(9, "f_string", .string),
                            .init(10, "f_bytes", .bytes), .init(11, "f_uint32", .uint32),
                            .init(12, "f_sfixed32", .sfixed32),
                            .init(13, "f_sfixed64", .sfixed64), .init(14, "f_sint32", .sint32),
                            .init(15, "f_sint64", .sint64),
                            .init(16, "color", .enumeration("herald.test.v1.Color")),
                            .init(17, "inner", .message("herald.test.v1.Inner")),
                            .init(20, "r_int32", .int32, .repeated), .init(21, "r_string", .string, .repeated),
                            .init(22, "r_inner", .message("herald.test.v1.Inner"), .repeated),
                            .init(23, "r_double", .double, .repeated),
                            .init(24, "r_bool", .bool, .repeated), .init(25, "r_bytes", .bytes, .repeated),
                            .init(26, "r_color", .enumeration("herald.test.v1.Color"), .repeated),
                            .init(27, "r_sint64", .sint64, .repeated),
                            .map(30, "counts", entry: "herald.test.v1.Everything.CountsEntry"),
                            .init(31, "maybe", .int32, .optional), .init(32, "maybe_text", .string, .optional),
                            .init(40, "choice_text", .string, oneof: "choice"),
                            .init(41, "choice_inner", .message("herald.test.v1.Inner"), oneof: "choice"),
                            .init(42, "choice_number", .int64, oneof: "choice"),
                            .init(1000, "big_number_field", .int32),
                        ]),
                ] + WellKnownTypes.messages + [
                    MessageSchema(
                        "herald.test.v1.Wellknown",
                        [
                            .init(1, "at", .message(WellKnownTypes.timestamp)),
                            .init(2, "took", .message(WellKnownTypes.duration)),
                            .init(3, "metadata", .message(WellKnownTypes.structType)),
                            .init(4, "anything", .message(WellKnownTypes.value)),
                            .init(5, "count", .message("google.protobuf.Int64Value")),
                            .init(6, "nothing", .message(WellKnownTypes.empty)),
                            .init(7, "items", .message(WellKnownTypes.listValue)),
                        ])
                ],
                enums: WellKnownTypes.enums + [
                    EnumSchema(
                        "herald.test.v1.Color", [("COLOR_UNSPECIFIED", 0), ("COLOR_RED", 1), ("COLOR_GREEN", 2)])
                ])
        } catch {
            fatalError("fixture schema: \(error)")
        }
    }()

    static var everything: MessageType { registry.message("herald.test.v1.Everything")! }
    static var node: MessageType { registry.message("herald.test.v1.Node")! }
}

/// Runs protoc, the reference implementation, on the fixture.
enum Protoc {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func run(_ arguments: [String], input: [UInt8]) throws -> [UInt8] {
        let result = try runProcess(
            "/usr/bin/protoc",
            ["--proto_path=\(Fixture.directory)", "--proto_path=/usr/include"] + arguments + ["codec_test.proto"],
            input: input)
        guard result.status == 0 else { throw Failure(description: "protoc \(arguments): \(result.stderr)") }
        return result.stdout
    }

    /// Text format → binary, as protoc encodes it.
    static func encode(_ type: String, text: String) throws -> [UInt8] {
        try run(["--encode=\(type)"], input: Array(text.utf8))
    }

    /// Binary → text format, as protoc decodes it.
    static func decode(_ type: String, _ bytes: [UInt8]) throws -> String {
        String(decoding: try run(["--decode=\(type)"], input: bytes), as: UTF8.self)
    }
}
