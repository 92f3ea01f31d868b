/// A gRPC status code (see gRPC's doc/statuscodes.md).
///
/// Defined below every layer so that each layer's error type can say once which status it maps to;
/// only the RPC server turns it into `grpc-status` on the wire.
public struct StatusCode: Hashable, Sendable, CustomStringConvertible {
    /// The number carried in `grpc-status`.
    public let rawValue: Int

    /// Codes outside 0...16 are kept as numbers: a peer may send one, and gRPC says to treat it as UNKNOWN.
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let ok = StatusCode(rawValue: 0)
    public static let cancelled = StatusCode(rawValue: 1)
    public static let unknown = StatusCode(rawValue: 2)
    public static let invalidArgument = StatusCode(rawValue: 3)
    public static let deadlineExceeded = StatusCode(rawValue: 4)
    public static let notFound = StatusCode(rawValue: 5)
    public static let alreadyExists = StatusCode(rawValue: 6)
    public static let permissionDenied = StatusCode(rawValue: 7)
    public static let resourceExhausted = StatusCode(rawValue: 8)
    public static let failedPrecondition = StatusCode(rawValue: 9)
    public static let aborted = StatusCode(rawValue: 10)
    public static let outOfRange = StatusCode(rawValue: 11)
    public static let unimplemented = StatusCode(rawValue: 12)
    public static let `internal` = StatusCode(rawValue: 13)
    public static let unavailable = StatusCode(rawValue: 14)
    public static let dataLoss = StatusCode(rawValue: 15)
    public static let unauthenticated = StatusCode(rawValue: 16)

    private static let names = [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ]

    /// The code with a canonical name (`UNAVAILABLE`), or nil.
    public init?(name: String) {
        guard let index = Self.names.firstIndex(of: name) else { return nil }
        self.init(rawValue: index)
    }

    /// The canonical upper-case name, e.g. `ALREADY_EXISTS`.
    public var description: String {
        Self.names.indices.contains(rawValue) ? Self.names[rawValue] : "CODE_\(rawValue)"
    }
}

/// An error that knows which gRPC status it becomes at the server boundary.
public protocol StatusConvertibleError: Error {
    /// The status code a client sees.
    var statusCode: StatusCode { get }
    /// The message a client sees: what was wrong and where, never internal secrets.
    var statusMessage: String { get }
    /// A `google.rpc.Status` (its code and message the same as the two above, its details structured), sent as
    /// `grpc-status-details-bin`; nil for none.
    var statusDetails: [UInt8]? { get }
    /// The invalid fields of a request, for INVALID_ARGUMENT: the server sends them as a `google.rpc.BadRequest`
    /// and builds the status message from them, both within the bound every gRPC client accepts (`StatusLimits`).
    var fieldViolations: [FieldViolation] { get }
    /// How many fields were invalid in all; more than `fieldViolations` holds when the collector stopped early.
    var violationCount: Int { get }
}

extension StatusConvertibleError {
    public var statusDetails: [UInt8]? { nil }
    public var fieldViolations: [FieldViolation] { [] }
    public var violationCount: Int { fieldViolations.count }
}

/// One invalid field of a request, as a `google.rpc.BadRequest` names it.
public struct FieldViolation: Equatable, Sendable {
    /// The field's path, e.g. `campaign.workflow.nodes[3].config`.
    public let field: String
    /// What is wrong with it, and what was expected.
    public let description: String

    public init(field: String, description: String) {
        self.field = field
        self.description = description
    }
}
