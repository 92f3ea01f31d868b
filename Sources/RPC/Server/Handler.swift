import EventLoop
import HeraldCore
import Logging

/// What a handler knows about its call.
public struct ServerContext: Sendable {
    /// `/package.Service/Method`.
    public let path: String
    /// Request metadata (custom headers; `-bin` values as sent, base64).
    public let metadata: [(name: String, value: String)]
    /// When the client stops waiting, from `grpc-timeout`; nil when it sent none.
    public let deadline: ContinuousClock.Instant?
    /// The peer's address, `ip:port`.
    public let peer: String
    /// The request's `grpc-encoding`: `identity` or `gzip`.
    public let requestEncoding: String
    /// The subject of the certificate the client presented over mutual TLS (verified against the client CA), e.g.
    /// `CN=campaign-manager`; nil without one. Interceptors authorize on it.
    public var peerIdentity: String?

    /// The first value of a metadata key (lower case).
    public func metadata(_ name: String) -> String? { metadata.first { $0.name == name }?.value }

    private static let baseLogger = Logger(label: "herald.rpc")

    /// A logger that tags every line with the call's method and peer (built when first used, so calls that do not
    /// log pay nothing for it).
    public var logger: Logger {
        var logger = Self.baseLogger
        logger[metadataKey: "rpc.method"] = "\(path)"
        logger[metadataKey: "rpc.peer"] = "\(peer)"
        return logger
    }

    /// The status of a handler's error; an error that carries no status is logged, since the client only sees
    /// UNKNOWN.
    func status(of error: any Error) -> RPCError {
        let status = RPCError.from(error)
        if status.code == .unknown, !(error is StatusConvertibleError) {
            logger.error("handler failed", metadata: ["error": "\(String(reflecting: error))"])
        }
        return status
    }
}

/// The request messages of a streaming call, as they arrive; ends when the client half-closes. Reading a message
/// reopens the client's flow-control window by its size: a client that sends faster than the handler reads is held by
/// HTTP/2 once about a window of messages waits unread, instead of filling the server's memory.
public struct RequestMessages: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    typealias Arrivals = AsyncThrowingStream<(message: [UInt8], wireBytes: Int), any Error>

    let arrivals: Arrivals
    /// Called with a message's size on the wire once the handler has taken it.
    let taken: @Sendable (Int) -> Void

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Arrivals.AsyncIterator
        let taken: @Sendable (Int) -> Void

        public mutating func next() async throws -> [UInt8]? {
            guard let arrival = try await base.next() else { return nil }
            taken(arrival.wireBytes)
            return arrival.message
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: arrivals.makeAsyncIterator(), taken: taken) }
}

/// Sends response messages and metadata; the call's status is the handler's outcome (return: OK, throw: the error).
// unchecked: every use hops to the stream's loop, which owns the state
public final class ResponseWriter: @unchecked Sendable {
    let loop: EventLoop
    weak var stream: ServerStream?

    init(loop: EventLoop, stream: ServerStream) {
        self.loop = loop
        self.stream = stream
    }

    /// Sends one message (headers first, the first time); `compressed` gzips it when the client accepts gzip.
    ///
    /// Suspends while more than a megabyte of response is queued for this call, until the client has read enough
    /// of it: a client that stops reading holds its handler instead of growing the server's memory.
    public func send(_ message: [UInt8], compressed: Bool = false) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            onLoopOrGone { stream in
                guard let stream else {
                    continuation.resume()
                    return
                }
                stream.sendMessage(message, compress: compressed)
                stream.whenWritable { continuation.resume() }
            }
        }
    }

    /// Adds metadata to the response headers; only before the first message.
    public func addInitialMetadata(_ name: String, _ value: String) {
        onLoop { $0.initialMetadata.append((name, value)) }
    }

    /// Adds metadata to the trailers.
    public func addTrailingMetadata(_ name: String, _ value: String) {
        onLoop { $0.trailingMetadata.append((name, value)) }
    }

    /// Queues the one response of a unary call: nothing follows it, so there is nothing to hold back.
    func sendFinal(_ message: [UInt8]) {
        onLoop {
            $0.sendMessage(message, compress: false)
            $0.finish(nil)
        }
    }

    /// Ends the call with `error`'s status, or OK (a no-op once the call has ended).
    func finish(_ error: RPCError?) {
        onLoop { $0.finish(error) }
    }

    /// The handler took a request message of `wireBytes`: the client's window reopens by it.
    func requestTaken(_ wireBytes: Int) {
        onLoop { stream in
            stream.unreadBytes -= wireBytes
            stream.returnWindow()
        }
    }

    private func onLoop(_ work: @escaping @Sendable (ServerStream) -> Void) {
        onLoopOrGone { if let stream = $0 { work(stream) } }
    }

    /// Runs `work` on the loop with the stream, or nil once the call is gone.
    private func onLoopOrGone(_ work: @escaping @Sendable (ServerStream?) -> Void) {
        if loop.inEventLoop {
            work(stream)
        } else {
            loop.execute { [weak self] in work(self?.stream) }
        }
    }
}

/// A method's implementation over raw message bytes; typed helpers build on it.
public typealias StreamingHandler = @Sendable (RequestMessages, ResponseWriter, ServerContext) async throws -> Void

/// A unary method's implementation: one request in, one response out.
public typealias UnaryHandler = @Sendable ([UInt8], ServerContext) async throws -> [UInt8]

/// Runs around every call (authentication, logging, metrics): call `proceed` to run the handler, or throw to
/// end the call with that status instead. Interceptors registered first run outermost.
public typealias ServerInterceptor = @Sendable (ServerContext, _ proceed: () async throws -> Void) async throws -> Void

/// The handlers a server offers, by `:path`.
public struct ServiceRegistry: Sendable {
    enum Handler {
        /// Served without a request stream: the one message is handed over when the client half-closes.
        case unary(UnaryHandler)
        case streaming(StreamingHandler)
    }

    var handlers: [String: Handler] = [:]
    var interceptors: [ServerInterceptor] = []

    public init() {}

    /// Adds an interceptor around every call of this registry.
    public mutating func intercept(_ interceptor: @escaping ServerInterceptor) {
        interceptors.append(interceptor)
    }

    /// Runs `body` inside every interceptor.
    func intercepted(_ context: ServerContext, _ body: () async throws -> Void) async throws {
        try await run(interceptors[...], context, body)
    }

    private func run(
        _ remaining: ArraySlice<ServerInterceptor>, _ context: ServerContext, _ body: () async throws -> Void
    )
        async throws
    {
        guard let first = remaining.first else { return try await body() }
        try await first(context) { try await run(remaining.dropFirst(), context, body) }
    }

    /// Registers a handler of any of the four call kinds.
    public mutating func register(_ path: String, _ handler: @escaping StreamingHandler) {
        handlers[path] = .streaming(handler)
    }

    /// Registers a unary handler: one request, one response.
    public mutating func unary(_ path: String, _ handler: @escaping UnaryHandler) {
        handlers[path] = .unary(handler)
    }

    /// Registers a server-streaming handler: one request, any number of responses.
    public mutating func serverStreaming(
        _ path: String, _ handler: @escaping @Sendable ([UInt8], ResponseWriter, ServerContext) async throws -> Void
    ) {
        register(path) { requests, writer, context in
            var iterator = requests.makeAsyncIterator()
            guard let request = try await iterator.next() else {
                throw RPCError(.unimplemented, "a server-streaming call needs exactly one request message")
            }
            try await handler(request, writer, context)
        }
    }

    public var paths: [String] { handlers.keys.sorted() }
}
