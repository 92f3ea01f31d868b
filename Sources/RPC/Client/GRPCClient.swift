import CLibevent
import EventLoop
import Foundation
import HTTP2
import HeraldCore

/// A gRPC client (a channel) over one or more HTTP/2 cleartext connections to `host:port` or a Unix socket, each
/// opened on first use and again after it breaks, calls spread over them in turn; unary and streaming calls.
///
/// All connection state lives on `loop`; public methods hop there.
public final class GRPCClient: @unchecked Sendable {  // unchecked: mutable state is touched only on `loop`
    public let host: String
    public let port: Int
    public let loop: EventLoop
    /// The resolved address, or why it could not be resolved (every call then fails with it).
    private let address: Result<SocketAddress, RPCError>
    /// TLS for the connections (ALPN h2, the server's certificate verified); nil: cleartext h2c.
    private let tls: TLSContext?
    /// One slot per connection of the channel; calls take the slots in turn.
    private var slots: [ClientConnection?]
    private var nextSlot = 0
    /// Connections whose server sent GOAWAY: kept until their calls finish, then closed.
    private var retiring: [ClientConnection] = []
    private let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)

    /// gRFC A8 client keepalive: a PING every `time` on each connection (only while it carries calls unless
    /// `permitWithoutCalls`); a connection whose PING is not acknowledged within `timeout` is closed, its calls fail
    /// with UNAVAILABLE, and the next call opens a new one. Servers police pings (`too_many_pings`), so keep `time`
    /// above their minimum interval (5 minutes by default in gRPC).
    public struct Keepalive: Sendable {
        public var time: Duration
        public var timeout: Duration
        public var permitWithoutCalls: Bool
        public init(time: Duration, timeout: Duration = .seconds(20), permitWithoutCalls: Bool = false) {
            self.time = time
            self.timeout = timeout
            self.permitWithoutCalls = permitWithoutCalls
        }
    }
    private let keepalive: Keepalive?

    /// A client of `host:port` over `connections` HTTP/2 connections; a host name is resolved here, once
    /// (getaddrinfo, IPv4). That blocks while DNS answers: from async code, make a client of a host name inside
    /// `runBlocking` (an address literal resolves at once).
    public init(
        host: String, port: Int, connections: Int = 1, tls: TLSContext? = nil, keepalive: Keepalive? = nil,
        loop: EventLoop = EventLoopGroup.shared.next()
    ) {
        precondition(connections >= 1, "a channel has at least one connection")
        self.host = host
        self.port = port
        self.loop = loop
        self.tls = tls
        self.keepalive = keepalive
        slots = Array(repeating: nil, count: connections)
        do {
            address = .success(try SocketAddress.resolve(host: host, port: port))
        } catch {
            address = .failure(RPCError.from(error))
        }
    }

    /// A client of a server listening on a Unix socket.
    public init(
        unixSocketPath path: String, connections: Int = 1, keepalive: Keepalive? = nil, loop: EventLoop = EventLoopGroup.shared.next()
    ) {
        precondition(connections >= 1, "a channel has at least one connection")
        host = path
        port = 0
        self.loop = loop
        tls = nil
        self.keepalive = keepalive
        slots = Array(repeating: nil, count: connections)
        address = .success(.unix(path: path))
    }

    /// A response of a call that completed with OK.
    public struct Response: Sendable {
        public let message: [UInt8]
        public let initialMetadata: [(name: String, value: String)]
        public let trailingMetadata: [(name: String, value: String)]
    }

    /// Sends one request (gzip'd when `compressed`) and returns the response, or throws `RPCError` with the call's
    /// status. Inside a handler the call's deadline is at most the handler's own (`CallContext`).
    public func unary(
        _ path: String, _ request: [UInt8], metadata: [(String, String)] = [], timeout: Duration? = nil,
        compressed: Bool = false
    ) async throws -> Response {
        let timeout = try Self.effectiveTimeout(timeout)
        let call = ClientCall(path: path, request: request, metadata: metadata, timeout: timeout, compressed: compressed)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Response, any Error>) in
                call.continuation = continuation
                loop.execute { [self] in start(call) }
            }
        } onCancel: {
            loop.execute { call.fail(RPCError(.cancelled, "the call was cancelled by the caller")) }
        }
    }

    /// The shorter of `timeout` and the time left of the call being handled (`CallContext`), if any.
    static func effectiveTimeout(_ timeout: Duration?) throws -> Duration? {
        guard let remaining = CallContext.remaining else { return timeout }
        guard remaining > .zero else { throw RPCError(.deadlineExceeded, "the deadline of the call being handled has passed") }
        return timeout.map { min($0, remaining) } ?? remaining
    }

    /// Opens a streaming call (client, server or bidirectional streaming). `compressed` gzips the requests. Inside a
    /// handler the call's deadline is at most the handler's own (`CallContext`).
    public func stream(_ path: String, metadata: [(String, String)] = [], timeout: Duration? = nil, compressed: Bool = false)
        -> ClientStream
    {
        let remaining = CallContext.remaining
        let timeout = remaining.map { left in timeout.map { min($0, left) } ?? max(left, .zero) } ?? timeout
        let stream = ClientStream(loop: loop, path: path, metadata: metadata, timeout: timeout, compressRequests: compressed)
        loop.execute { [self] in
            do {
                try openConnection().start(stream)
            } catch {
                stream.end(RPCError.from(error))
            }
        }
        return stream
    }

    private func openConnection() throws -> ClientConnection {
        retiring.removeAll { $0.isClosed }
        let slot = nextSlot % slots.count
        nextSlot &+= 1
        if let current = slots[slot], !current.isClosed, !current.session.goAwayReceived { return current }
        // A connection whose server sent GOAWAY takes no new streams but still carries the calls it accepted: it
        // retires (closing itself once they finish) and the next call opens a new one.
        if let current = slots[slot], !current.isClosed {
            retiring.append(current)
            current.closeWhenIdle()
        }
        let opened = try ClientConnection(
            address: try address.get(), loop: loop, readBuffer: readBuffer, tls: try tls.map(TLSConnection.init), keepalive: keepalive)
        // gRFC A6 transparent retry: a call the server refused before its application saw it (REFUSED_STREAM, or
        // above a GOAWAY's last stream) is sent once more, on a fresh connection, within its original deadline.
        opened.onRefused = { [unowned self] call in start(call) }
        opened.onRefusedStream = { [unowned self] stream in
            do {
                try openConnection().start(stream)
            } catch {
                stream.end(RPCError.from(error))
            }
        }
        slots[slot] = opened
        return opened
    }

    private func start(_ call: ClientCall) {
        do {
            try openConnection().start(call)
        } catch {
            call.fail(RPCError.from(error))
        }
    }

    /// Closes the connections; calls in flight fail with UNAVAILABLE.
    public func close() {
        loop.execute { [self] in
            for connection in slots { connection?.close() }
            for old in retiring { old.close() }
            retiring = []
        }
    }
}

/// One call's state on the client's loop.
final class ClientCall: @unchecked Sendable {  // unchecked: created off the loop, then touched only on the client's loop
    let path: String
    let request: [UInt8]
    let metadata: [(String, String)]
    let timeout: Duration?
    let deadline: ContinuousClock.Instant?
    let compressed: Bool
    /// The call was refused once and sent again (gRFC A6 allows one transparent retry of a refused stream).
    var transparentlyRetried = false
    var continuation: CheckedContinuation<GRPCClient.Response, any Error>?
    var streamID: Int32?
    var headers: [(name: String, value: String)]?
    var trailers: [(name: String, value: String)] = []
    var deframer = MessageDeframer(maxMessageBytes: 4 * 1024 * 1024)
    var messages: [[UInt8]] = []
    var timer: LoopTimer?
    weak var connection: ClientConnection?

    init(path: String, request: [UInt8], metadata: [(String, String)], timeout: Duration?, compressed: Bool) {
        self.path = path
        self.request = request
        self.metadata = metadata
        self.timeout = timeout
        deadline = timeout.map { ContinuousClock.now + $0 }
        self.compressed = compressed
    }

    /// The server refused the stream before any response: true when the call may be sent again.
    func mayRetryTransparently(errorCode: UInt32) -> Bool {
        errorCode == 0x7 && headers == nil && messages.isEmpty && !transparentlyRetried && continuation != nil
    }

    func fail(_ error: RPCError) {
        timer?.cancel()
        if let streamID, let connection { connection.abandon(streamID) }
        continuation?.resume(throwing: error)
        continuation = nil
    }

    /// The stream closed: the status from the trailers (or from the headers of a Trailers-Only response).
    func complete(errorCode: UInt32) {
        timer?.cancel()
        guard let continuation else { return }
        self.continuation = nil
        let statusSource = trailers.isEmpty ? (headers ?? []) : trailers
        guard var error = RPCError(status: statusSource) else {
            let reason = errorCode == 0x7
                ? "the server refused the call before processing it (HTTP/2 REFUSED_STREAM, already retried once): safe to retry"
                : errorCode != 0 ? "the server reset the stream (HTTP/2 error \(errorCode))" : "the response had no grpc-status"
            continuation.resume(throwing: RPCError(errorCode == 0x7 ? .unavailable : .internal, reason))
            return
        }
        guard error.code == .ok else {
            error.trailingMetadata = statusSource.filter { !$0.name.hasPrefix(":") }
            error.responseStarted = !trailers.isEmpty
            continuation.resume(throwing: error)
            return
        }
        guard messages.count == 1 else {
            continuation.resume(throwing: RPCError(.internal, "a unary response needs one message, got \(messages.count)"))
            return
        }
        let user = { (list: [(name: String, value: String)]) in
            list.filter { !$0.name.hasPrefix(":") && !$0.name.hasPrefix("grpc-") && $0.name != "content-type" }
        }
        continuation.resume(returning: GRPCClient.Response(
            message: messages[0], initialMetadata: user(headers ?? []), trailingMetadata: user(trailers)))
    }
}

/// The client's HTTP/2 connection, confined to the client's loop.
final class ClientConnection: HTTP2SessionDelegate {
    let loop: EventLoop
    let authority: String
    /// The address in messages: `host:port` or `unix:PATH`.
    let name: String
    let session: HTTP2Session
    private var transport: SocketTransport?
    private var descriptor: Int32
    private var connected = false
    private var waiting: [ClientCall] = []
    private var calls: [Int32: ClientCall] = [:]
    private var waitingStreams: [ClientStream] = []
    private var streams: [Int32: ClientStream] = [:]
    private var connectEvent: OpaquePointer?
    private let readBuffer: UnsafeMutableRawBufferPointer
    private(set) var isClosed = false
    private var closesWhenIdle = false
    /// Receives a call the server refused before seeing it, to send again elsewhere.
    var onRefused: (@Sendable (ClientCall) -> Void)?
    /// The same for a streaming call.
    var onRefusedStream: (@Sendable (ClientStream) -> Void)?

    private let tls: TLSConnection?
    private let keepalive: GRPCClient.Keepalive?
    private var keepaliveTimer: LoopTimer?
    private var awaitingPingAck = false

    init(
        address: SocketAddress, loop: EventLoop, readBuffer: UnsafeMutableRawBufferPointer, tls: TLSConnection? = nil,
        keepalive: GRPCClient.Keepalive? = nil
    ) throws {
        self.tls = tls
        self.keepalive = keepalive
        self.loop = loop
        self.readBuffer = readBuffer
        authority = address.authority
        name = address.description
        session = try HTTP2Session(role: .client)
        descriptor = try address.connectNonBlocking()
        session.delegate = self
        let context = Unmanaged.passUnretained(self).toOpaque()
        connectEvent = event_new(loop.base, descriptor, HERALD_EV_WRITE, { _, _, context in
            Unmanaged<ClientConnection>.fromOpaque(context!).takeUnretainedValue().connectFinished()
        }, context)
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        event_add(connectEvent, &timeout)
    }

    deinit {
        if let connectEvent { event_free(connectEvent) }
    }

    private func connectFinished() {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
        guard error == 0 else {
            failAll(RPCError(.unavailable, "cannot connect to \(name): \(String(cString: strerror(error)))"))
            Foundation.close(descriptor)
            isClosed = true
            return
        }
        connected = true
        let transport = SocketTransport(loop: loop, descriptor: descriptor, session: session, readBuffer: readBuffer, tls: tls)
        transport.onClose = { [unowned self] in
            isClosed = true
            keepaliveTimer?.cancel()
            failAll(RPCError(.unavailable, "the connection to \(name) closed"))
        }
        self.transport = transport
        scheduleKeepalive()
        let queued = waiting
        waiting = []
        for call in queued { submit(call) }
        let queuedStreams = waitingStreams
        waitingStreams = []
        for stream in queuedStreams { open(stream) }
        transport.flush()
    }

    func start(_ stream: ClientStream) {
        stream.connection = self
        if let timeout = stream.timeout {
            stream.timer = LoopTimer(loop: loop, after: timeout) { [weak stream] in
                stream?.end(RPCError(.deadlineExceeded, "deadline of \(timeout) exceeded"))
            }
        }
        if connected { open(stream) } else { waitingStreams.append(stream) }
    }

    private func open(_ stream: ClientStream) {
        guard !stream.ended else { return }
        guard let id = request(path: stream.path, timeout: stream.timeout, metadata: stream.metadata, compressed: stream.compressRequests)
        else {
            stream.end(refusesNewStreams)
            return
        }
        stream.streamID = id
        streams[id] = stream
        for message in stream.pending { send(id, message, compressed: stream.compressRequests) }
        stream.pending = []
        if stream.pendingFinish { finishSending(id) }
        transport?.scheduleFlush()
    }

    func send(_ streamID: Int32, _ message: [UInt8], compressed: Bool) {
        if compressed, let packed = try? Gzip.compress(message) {
            session.send(streamID, MessageFramer.frame(packed, compressed: true))
        } else {
            session.send(streamID, MessageFramer.frame(message))
        }
        transport?.scheduleFlush()
    }

    func finishSending(_ streamID: Int32) {
        session.finish(streamID, trailers: [])
        transport?.scheduleFlush()
    }

    private var refusesNewStreams: RPCError { RPCError(.unavailable, "the connection to \(name) refuses new streams") }

    /// Opens a request stream (HEADERS): its id, or nil when the connection takes no new streams.
    private func request(path: String, timeout: Duration?, metadata: [(String, String)], compressed: Bool) -> Int32? {
        var headers = requestHeaders(path: path, timeout: timeout, metadata: metadata)
        if compressed { headers.append(("grpc-encoding", "gzip")) }
        return session.request(headers: headers)
    }

    private func requestHeaders(path: String, timeout: Duration?, metadata: [(String, String)]) -> [(String, String)] {
        var headers = [
            (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", authority),
            ("content-type", "application/grpc"), ("te", "trailers"), ("grpc-accept-encoding", "identity,gzip"),
            ("user-agent", "herald-grpc/0.1"),
        ]
        if let timeout {
            let micros = max(1, timeout.components.seconds * 1_000_000 + timeout.components.attoseconds / 1_000_000_000_000)
            headers.append(("grpc-timeout", micros < 100_000_000 ? "\(micros)u" : "\(micros / 1_000_000)S"))
        }
        return headers + metadata
    }

    func start(_ call: ClientCall) {
        call.connection = self
        if call.timer == nil, let timeout = call.timeout, let deadline = call.deadline {
            // Armed for the time left, not the whole timeout: the hop to this loop may have taken a while.
            call.timer = LoopTimer(loop: loop, after: max(.zero, deadline - ContinuousClock.now)) { [weak call] in
                call?.fail(RPCError(.deadlineExceeded, "deadline of \(timeout) exceeded"))
            }
        }
        if connected { submit(call) } else { waiting.append(call) }
    }

    private func submit(_ call: ClientCall) {
        guard call.continuation != nil else { return }  // failed (deadline, cancellation) while waiting
        let remaining = call.deadline.map { max(.microseconds(1), $0 - ContinuousClock.now) }
        guard let id = request(path: call.path, timeout: remaining, metadata: call.metadata, compressed: call.compressed) else {
            call.fail(refusesNewStreams)
            return
        }
        call.streamID = id
        calls[id] = call
        send(id, call.request, compressed: call.compressed)
        finishSending(id)
    }

    /// A call gave up (deadline, cancellation): reset its stream.
    func abandon(_ streamID: Int32) {
        guard calls.removeValue(forKey: streamID) != nil || streams.removeValue(forKey: streamID) != nil else { return }
        session.reset(streamID, errorCode: 0x8)
        transport?.scheduleFlush()
        closeLaterIfIdle()
    }

    private func failAll(_ error: RPCError) {
        let all = Array(calls.values) + waiting
        calls.removeAll()
        waiting.removeAll()
        for call in all { call.fail(error) }
        let allStreams = Array(streams.values) + waitingStreams
        streams.removeAll()
        waitingStreams.removeAll()
        for stream in allStreams { stream.end(error) }
    }

    func close() {
        if !connected, !isClosed, let connectEvent { event_del(connectEvent) }
        if let transport { transport.close() } else if !isClosed { Foundation.close(descriptor) }
        isClosed = true
        failAll(RPCError(.unavailable, "the connection to \(name) was closed by the client"))
    }

    /// Closes the connection as soon as no call is left on it (at once when none is).
    func closeWhenIdle() {
        closesWhenIdle = true
        closeIfIdle()
    }

    /// `closeIfIdle` on the loop's next turn (nghttp2 may be mid-callback now, and a retried call may yet take a stream).
    private func closeLaterIfIdle() {
        guard closesWhenIdle else { return }
        let me = LoopBound(self, on: loop)
        loop.execute { me.value.closeIfIdle() }
    }

    private func closeIfIdle() {
        if closesWhenIdle, !isClosed, calls.isEmpty, streams.isEmpty, waiting.isEmpty, waitingStreams.isEmpty { close() }
    }

    // MARK: HTTP2SessionDelegate

    func streamHeaders(_ streamID: Int32, headers: [(name: String, value: String)]) {
        if let stream = streams[streamID] {
            stream.receivedHeaders(headers)
            return
        }
        guard let call = calls[streamID] else { return }
        if call.headers == nil {
            call.headers = headers
            call.deframer.gzipAllowed = headers.contains { $0.name == "grpc-encoding" && $0.value == "gzip" }
        } else {
            call.trailers = headers
        }
    }

    func streamReceived(_ streamID: Int32, bytes: UnsafeRawBufferPointer) {
        if let stream = streams[streamID] {
            do {
                for message in try stream.deframer.append(bytes) { stream.continuation.yield(message) }
            } catch {
                stream.end(RPCError.from(error))
            }
            return
        }
        guard let call = calls[streamID] else { return }
        do {
            call.messages += try call.deframer.append(bytes)
        } catch {
            calls[streamID] = nil
            call.fail(RPCError.from(error))
        }
    }

    func streamEnded(_ streamID: Int32) {}

    /// The next keepalive PING, `keepalive.time` from now; skipped while no call is open (unless permitted).
    private func scheduleKeepalive() {
        guard let keepalive, !isClosed else { return }
        keepaliveTimer = LoopTimer(loop: loop, after: keepalive.time) { [weak self] in
            guard let self, !isClosed else { return }
            guard keepalive.permitWithoutCalls || !calls.isEmpty || !streams.isEmpty else {
                scheduleKeepalive()
                return
            }
            awaitingPingAck = true
            session.ping()
            transport?.flush()
            keepaliveTimer = LoopTimer(loop: loop, after: keepalive.timeout) { [weak self] in
                guard let self, awaitingPingAck else { return }
                failAll(RPCError(.unavailable, "the connection to \(name) was closed: its keepalive PING was not acknowledged within \(keepalive.timeout)"))
                close()
            }
        }
    }

    func pingReceived(ack: Bool) {
        guard ack, awaitingPingAck else { return }
        awaitingPingAck = false
        keepaliveTimer?.cancel()
        scheduleKeepalive()
    }

    func streamClosed(_ streamID: Int32, errorCode: UInt32) {
        defer { closeLaterIfIdle() }
        if let stream = streams.removeValue(forKey: streamID) {
            if stream.mayRetryTransparently(errorCode: errorCode), let onRefusedStream {
                stream.prepareRetry()
                loop.execute { onRefusedStream(stream) }
                return
            }
            stream.closed(errorCode: errorCode)
            return
        }
        guard let call = calls.removeValue(forKey: streamID) else { return }
        if call.mayRetryTransparently(errorCode: errorCode), let onRefused {
            call.transparentlyRetried = true
            call.streamID = nil
            call.connection = nil
            loop.execute { onRefused(call) }
            return
        }
        call.complete(errorCode: errorCode)
    }
}
