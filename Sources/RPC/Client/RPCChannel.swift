/// What makes calls: one `GRPCClient`, or the service client library's balanced, retrying, breaker-guarded
/// `ServiceClient`. Code that only makes calls (the interop client) takes either.
public protocol RPCChannel: Sendable {
    func unary(_ path: String, _ request: [UInt8], metadata: [(String, String)], timeout: Duration?, compressed: Bool)
        async throws -> GRPCClient.Response
    func stream(_ path: String, metadata: [(String, String)], timeout: Duration?, compressed: Bool) -> ClientStream
}

extension RPCChannel {
    public func unary(_ path: String, _ request: [UInt8], metadata: [(String, String)] = [], timeout: Duration? = nil)
        async throws -> GRPCClient.Response
    {
        try await unary(path, request, metadata: metadata, timeout: timeout, compressed: false)
    }

    public func unary(_ path: String, _ request: [UInt8], timeout: Duration?, compressed: Bool) async throws
        -> GRPCClient.Response
    {
        try await unary(path, request, metadata: [], timeout: timeout, compressed: compressed)
    }

    public func stream(_ path: String, metadata: [(String, String)] = [], timeout: Duration? = nil) -> ClientStream {
        stream(path, metadata: metadata, timeout: timeout, compressed: false)
    }

    public func stream(_ path: String, timeout: Duration?, compressed: Bool) -> ClientStream {
        stream(path, metadata: [], timeout: timeout, compressed: compressed)
    }
}

extension GRPCClient: RPCChannel {}
