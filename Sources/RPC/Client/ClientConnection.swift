import CLibevent
import EventLoop
import Foundation
import HTTP2
import HeraldCore

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
        connectEvent = event_new(
            loop.base, descriptor, HERALD_EV_WRITE,
            { _, _, context in
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
        let transport = SocketTransport(
            loop: loop, descriptor: descriptor, session: session, readBuffer: readBuffer, tls: tls)
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
        guard
            let id = request(
                path: stream.path, timeout: stream.timeout, metadata: stream.metadata,
                compressed: stream.compressRequests)
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
            let micros = max(
                1, timeout.components.seconds * 1_000_000 + timeout.components.attoseconds / 1_000_000_000_000)
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
        guard
            let id = request(path: call.path, timeout: remaining, metadata: call.metadata, compressed: call.compressed)
        else {
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
        if closesWhenIdle, !isClosed, calls.isEmpty, streams.isEmpty, waiting.isEmpty, waitingStreams.isEmpty {
            close()
        }
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
                failAll(
                    RPCError(
                        .unavailable,
                        "the connection to \(name) was closed: its keepalive PING was not acknowledged within \(keepalive.timeout)"
                    ))
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
