import API
import HeraldCore
import RPC

/// INVALID_ARGUMENT's structured details: every issue as a field violation of a `google.rpc.BadRequest` (see
/// `RPCError.badRequestDetails`).
extension ValidationError {
    public var statusDetails: [UInt8]? {
        RPCError.badRequestDetails(
            code: statusCode, message: statusMessage, violations: issues.map { FieldViolation(field: $0.path, description: $0.problem) })
    }
}
