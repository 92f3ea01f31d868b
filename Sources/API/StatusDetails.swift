import Codec
import HeraldCore
import RPC

// gRPC's rich error model for INVALID_ARGUMENT: with the status message goes a `google.rpc.Status` holding a
// `google.rpc.BadRequest`, one field violation per invalid field, so that a client in any language reads the
// paths without parsing the message (grpcio: `grpc_status.rpc_status.from_call`). Written for the services'
// `ValidationError`, read by Herald's clients and heraldctl.

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
    /// A `google.rpc.Status` of `code` and `message` holding a `google.rpc.BadRequest` with `violations`: the
    /// status details (`grpc-status-details-bin`) of an INVALID_ARGUMENT.
    public static func badRequestDetails(code: StatusCode, message: String, violations: [FieldViolation]) -> [UInt8]? {
        let registry = HeraldAPI.registry
        guard let statusType = registry.message(GoogleRPCTypes.status), let badRequestType = registry.message(GoogleRPCTypes.badRequest),
            let badRequest = try? badRequestType.encode({ b in
                b.messages(1, count: violations.count) { i, violation in
                    violation.set(1, violations[i].field)
                    violation.set(2, violations[i].description)
                }
            })
        else { return nil }
        return try? statusType.encode { s in
            s.set(1, Int32(code.rawValue))
            s.set(2, message)
            s.messages(3, count: 1) { _, any in
                any.set(1, WellKnownTypes.typeURL(GoogleRPCTypes.badRequest))
                any.set(2, bytes: badRequest)
            }
        }
    }

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
