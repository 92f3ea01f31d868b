import HeraldCore

/// A request a service refuses for a reason other than its shape: the status and a message that says why.
public struct ServiceError: Error, Sendable, Equatable, StatusConvertibleError, CustomStringConvertible {
    public let statusCode: StatusCode
    public let statusMessage: String

    public init(_ code: StatusCode, _ message: String) {
        statusCode = code
        statusMessage = message
    }

    public var description: String { "\(statusCode): \(statusMessage)" }

    public static func notFound(_ message: String) -> ServiceError { ServiceError(.notFound, message) }
    public static func aborted(_ message: String) -> ServiceError { ServiceError(.aborted, message) }
    public static func failedPrecondition(_ message: String) -> ServiceError {
        ServiceError(.failedPrecondition, message)
    }
}
