import HeraldCore

/// A message that could not be decoded or encoded, with the path of the field at fault
/// (`workflow.nodes[3].config`) and what was wrong.
public struct CodecError: Error, Sendable, CustomStringConvertible, StatusConvertibleError, Equatable {
    public let path: String
    public let message: String

    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
    public var statusCode: StatusCode { .invalidArgument }
    public var statusMessage: String { description }
}

/// Bounds on what a decoder accepts, so that hostile input costs bounded time and memory.
public struct CodecLimits: Sendable {
    /// Largest encoded message (gRPC's default receive limit).
    public var maxMessageBytes = 4 * 1024 * 1024
    /// Deepest nesting of messages.
    public var maxDepth = 64
    /// Most elements in one repeated field.
    public var maxRepeated = 1_000_000
    /// Most memory the decoded form of one message may take (C structures, repeated arrays, unknown fields), so that
    /// input made of tiny submessages cannot multiply into gigabytes: 16 times the largest message.
    public var maxDecodedBytes = 64 * 1024 * 1024

    public init() {}
    public static let `default` = CodecLimits()
}
