import Codec
import RPC

/// `google.rpc.Status` and the error details Herald sends with it, as googleapis declares them
/// (`google/rpc/status.proto`, `google/rpc/error_details.proto`). They are not in `Protos/`: every gRPC language
/// ships them already (googleapis-common-protos), and a second copy would clash with it in a client.
public enum GoogleRPCTypes {
    public static let status = "google.rpc.Status"
    public static let badRequest = "google.rpc.BadRequest"
}

enum GoogleRPCSchemas {
    static let status = GoogleRPCTypes.status
    static let badRequest = GoogleRPCTypes.badRequest

    static let messages = [
        MessageSchema(status, [
            .init(1, "code", .int32), .init(2, "message", .string), .message(3, "details", WellKnownTypes.any, .repeated),
        ]),
        MessageSchema(badRequest, [.message(1, "field_violations", badRequest + ".FieldViolation", .repeated)]),
        MessageSchema(badRequest + ".FieldViolation", [
            .init(1, "field", .string), .init(2, "description", .string), .init(3, "reason", .string),
            .message(4, "localized_message", "google.rpc.LocalizedMessage"),
        ]),
        MessageSchema("google.rpc.LocalizedMessage", [.init(1, "locale", .string), .init(2, "message", .string)]),
    ]
}

/// One invalid field of a request, as a `google.rpc.BadRequest` names it.
public struct FieldViolation: Equatable, Sendable, CustomStringConvertible {
    /// The field's path, e.g. `campaign.workflow.nodes[3].config`.
    public let field: String
    public let description: String

    public init(field: String, description: String) {
        self.field = field
        self.description = description
    }
}

extension RPCError {
    /// The field violations of the `google.rpc.BadRequest` among the status details (`grpc-status-details-bin`);
    /// empty when the status has none.
    public var fieldViolations: [FieldViolation] {
        guard let details, let statusType = HeraldAPI.registry.message(GoogleRPCTypes.status),
            let badRequestType = HeraldAPI.registry.message(GoogleRPCTypes.badRequest)
        else { return [] }
        let badRequestURL = WellKnownTypes.typeURL(GoogleRPCTypes.badRequest)
        let packed = (try? statusType.decode(details) { $0.map(3) { any in any.string(1) == badRequestURL ? any.bytes(2) : nil } }) ?? []
        return packed.compactMap { $0 }.flatMap { bytes in
            (try? badRequestType.decode(bytes) { $0.map(1) { FieldViolation(field: $0.string(1), description: $0.string(2)) } }) ?? []
        }
    }

    /// The status for a person: the code and message, or the code and one line per field violation.
    public var report: String {
        let violations = fieldViolations
        guard !violations.isEmpty else { return "\(code): \(message)" }
        return "\(code):" + violations.map { "\n  \($0.field): \($0.description)" }.joined()
    }
}
