import API
import Codec
import HeraldCore
import RPC

/// INVALID_ARGUMENT's structured details: with the message (`campaign.name: required; …`) goes a
/// `google.rpc.Status` holding a `google.rpc.BadRequest`, one field violation per issue, so that a client in any
/// language reads the paths without parsing the message (grpcio: `grpc_status.rpc_status.from_call`).
extension ValidationError {
    public var statusDetails: [UInt8]? {
        let registry = HeraldAPI.registry
        guard let statusType = registry.message(GoogleRPCTypes.status), let badRequestType = registry.message(GoogleRPCTypes.badRequest),
            let badRequest = try? badRequestType.encode({ b in
                b.messages(1, count: issues.count) { i, violation in
                    violation.set(1, issues[i].path)
                    violation.set(2, issues[i].problem)
                }
            })
        else { return nil }
        return try? statusType.encode { s in
            s.set(1, Int32(statusCode.rawValue))
            s.set(2, statusMessage)
            s.messages(3, count: 1) { _, any in
                any.set(1, WellKnownTypes.typeURL(GoogleRPCTypes.badRequest))
                any.set(2, bytes: badRequest)
            }
        }
    }
}
