import EventLoop
import HTTP2
import HeraldCore

/// One gRPC call on a connection: its request framing, its handler task, its response state.
///
/// - Important: confined to the connection's loop.
final class ServerStream {
    let id: Int32
    unowned let connection: ServerConnection
    var deframer: MessageDeframer
    var requests: RequestMessages.Continuation?
    /// For unary methods: the handler, and the request messages received so far (exactly one is expected).
    var unary: (handler: UnaryHandler, context: ServerContext, writer: ResponseWriter)?
    var unaryRequests: [[UInt8]] = []
    var task: Task<Void, Never>?
    var timer: LoopTimer?
    var headersSent = false
    /// The client listed gzip in `grpc-accept-encoding`, so responses may be compressed.
    var peerAcceptsGzip = false
    var finished = false
    var initialMetadata: [(String, String)] = []
    var trailingMetadata: [(String, String)] = []
    /// Writers waiting for the queued response body to drain (backpressure), resumed on drain, finish or cancel.
    var drainWaiters: [() -> Void] = []
    /// A writer waits once more than this many response bytes are queued.
    static let highWater = 1 << 20

    init(id: Int32, connection: ServerConnection, maxMessageBytes: Int) {
        self.id = id
        self.connection = connection
        deframer = MessageDeframer(maxMessageBytes: maxMessageBytes)
    }

    private var responseHeaders: [(String, String)] {
        [(":status", "200"), ("content-type", "application/grpc"), ("grpc-accept-encoding", "identity,gzip")]
            + (peerAcceptsGzip ? [("grpc-encoding", "gzip")] : []) + initialMetadata
    }

    /// Sends one message; `compress` asks for gzip, honoured when the client accepts it.
    func sendMessage(_ message: [UInt8], compress: Bool) {
        guard !finished else { return }
        if !headersSent {
            headersSent = true
            connection.session.respond(id, headers: responseHeaders)
        }
        if compress && peerAcceptsGzip, let compressed = try? Gzip.compress(message) {
            connection.session.send(id, MessageFramer.frame(compressed, compressed: true))
        } else {
            connection.session.send(id, MessageFramer.frame(message))
        }
        connection.dataSent()
        connection.scheduleFlush()
    }

    /// Calls `resume` when the writer may send more: at once while under the high-water mark, else once nghttp2 has
    /// taken the queue down to half of it (the client read), or when the call ends.
    func whenWritable(_ resume: @escaping () -> Void) {
        guard !finished, connection.session.bufferedBytes(id) > Self.highWater else {
            resume()
            return
        }
        drainWaiters.append(resume)
        if drainWaiters.count == 1 {
            connection.session.whenDrained(id, below: Self.highWater / 2) { [weak self] in self?.releaseWriters() }
        }
    }

    private func releaseWriters() {
        let waiters = drainWaiters
        drainWaiters = []
        for waiter in waiters { waiter() }
    }

    /// Ends the call with a status: trailers after the body, or a Trailers-Only response when nothing was sent.
    func finish(_ error: RPCError?) {
        guard !finished else { return }
        finished = true
        releaseWriters()
        timer?.cancel()
        timer = nil
        var status = [("grpc-status", String(error?.code.rawValue ?? 0))]
        if let error, !error.message.isEmpty { status.append(("grpc-message", StatusMessage.encode(error.message))) }
        if let details = error?.details { status.append(("grpc-status-details-bin", BinaryHeader.encode(details))) }
        if headersSent {
            connection.session.finish(id, trailers: status + trailingMetadata)
        } else {
            connection.session.respondHeadersOnly(id, headers: responseHeaders + status + trailingMetadata)
        }
        requests?.finish()
        connection.scheduleFlush()
    }

    /// The client went away (RST_STREAM or connection closed): stop the handler and whatever it started.
    func cancel() {
        finished = true
        releaseWriters()
        timer?.cancel()
        task?.cancel()
        requests?.finish(throwing: CancellationError())
    }
}
