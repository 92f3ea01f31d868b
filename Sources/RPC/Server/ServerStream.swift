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
    var requests: RequestMessages.Arrivals.Continuation?
    /// Request bytes received, and those of complete messages the handler has not taken yet: the stream's window
    /// reopens by what is received less what waits unread (`returnWindow`).
    var receivedBytes = 0
    var unreadBytes = 0
    private var returnedBytes = 0
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

    /// Reopens the client's window by what arrived and is no longer waiting for the handler (partial messages count
    /// as taken, so a message larger than the window can still complete).
    func returnWindow() {
        let taken = receivedBytes - unreadBytes
        guard taken > returnedBytes else { return }
        connection.session.consumeStream(id, taken - returnedBytes)
        returnedBytes = taken
        connection.scheduleFlush()
    }

    private var responseHeaders: [(String, String)] {
        [(":status", "200"), ("content-type", "application/grpc"), ("grpc-accept-encoding", "identity,gzip")]
            + (peerAcceptsGzip ? [("grpc-encoding", "gzip")] : []) + initialMetadata
    }

    /// Sends one message; `compress` asks for gzip, honoured when the client accepts it.
    func sendMessage(_ message: [UInt8], compress: Bool) {
        guard !finished else { return }
        if !headersSent {
            do {
                try connection.session.respond(id, headers: responseHeaders)
            } catch {
                abandon("response headers refused: \(error)")
                return
            }
            headersSent = true
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
    ///
    /// The status always fits what the client accepts: the message and details within `StatusLimits` (errors that
    /// name field violations are bounded where they become a status, `RPCError.from`; anything longer is cut here),
    /// and the whole header list within the client's SETTINGS_MAX_HEADER_LIST_SIZE, dropping custom trailing
    /// metadata and then the details before it would be refused.
    func finish(_ error: RPCError?) {
        guard !finished else { return }
        finished = true
        releaseWriters()
        timer?.cancel()
        timer = nil
        let trailers = Self.status(
            error, then: trailingMetadata + (error?.trailingMetadata ?? []),
            within: connection.session.peerMaxHeaderListSize)
        if headersSent {
            connection.session.finish(id, trailers: trailers)
        } else {
            do {
                try connection.session.respondHeadersOnly(id, headers: responseHeaders + trailers)
            } catch {
                abandon("status refused: \(error)")
                return
            }
        }
        requests?.finish()
        connection.scheduleFlush()
    }

    /// The status header fields of `error` (OK when nil) and the handler's `metadata`, within `peerLimit` bytes of
    /// header list (as HTTP/2 counts them: name, value and 32 per field).
    static func status(_ error: RPCError?, then metadata: [(String, String)], within peerLimit: Int) -> [(
        String, String
    )] {
        var status = [("grpc-status", String(error?.code.rawValue ?? 0))]
        if let error, !error.message.isEmpty {
            status.append(("grpc-message", StatusMessage.encode(error.message, limit: StatusLimits.messageBytes)))
        }
        var details: (String, String)?
        if let bytes = error?.details, bytes.count <= StatusLimits.detailsBytes {
            details = ("grpc-status-details-bin", BinaryHeader.encode(bytes))
        }
        func size(_ fields: [(String, String)]) -> Int {
            fields.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count + 32 }
        }
        // The response headers of a Trailers-Only response come first and take their share too.
        // gRPC core refuses more than 8 KiB of metadata by default, below what it advertises.
        let budget = min(peerLimit, 8 << 10) - 512
        if size(status + (details.map { [$0] } ?? []) + metadata) <= budget {
            return status + (details.map { [$0] } ?? []) + metadata
        }
        if let details, size(status + [details]) <= budget { return status + [details] }
        return status
    }

    /// The stream cannot be answered with a status (nghttp2 refused the headers or trailers): reset it with
    /// INTERNAL_ERROR, which every gRPC client reports as a definite failure, rather than leave the caller waiting.
    func abandon(_ reason: String) {
        connection.streamAbandoned(id, reason: reason)
        finished = true
        releaseWriters()
        timer?.cancel()
        timer = nil
        task?.cancel()
        requests?.finish(throwing: CancellationError())
        connection.session.reset(id, errorCode: 0x2)
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
