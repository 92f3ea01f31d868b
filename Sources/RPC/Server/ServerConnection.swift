import EventLoop
import Foundation
import HTTP2
import HeraldCore
import Logging

/// One accepted TCP connection: its socket events, its HTTP/2 session and its gRPC streams.
///
/// - Important: confined to `loop`. Handlers run in tasks whose executor preference is this loop, so the work
///   they do between awaits, and every write back, happens on the loop thread without a hop.
final class ServerConnection: HTTP2SessionDelegate {
    let loop: EventLoop
    let peer: String
    let session: HTTP2Session
    let transport: SocketTransport
    private let registry: ServiceRegistry
    private let maxMessageBytes: Int
    var streams: [Int32: ServerStream] = [:]

    init(
        loop: EventLoop, descriptor: Int32, peer: String, registry: ServiceRegistry, maxMessageBytes: Int,
        readBuffer: UnsafeMutableRawBufferPointer, limits: GRPCServer.ConnectionLimits, tls: TLSConnection? = nil,
        onClose: @escaping (ServerConnection) -> Void
    ) throws {
        self.loop = loop
        self.peer = peer
        self.registry = registry
        self.maxMessageBytes = maxMessageBytes
        self.limits = limits
        errorTokens = Double(limits.peerErrorBurst)
        var settings = HTTP2Session.Settings()
        settings.streamFlowControlByReader = true
        session = try HTTP2Session(role: .server, settings: settings)
        self.tls = tls
        transport = SocketTransport(
            loop: loop, descriptor: descriptor, session: session, readBuffer: readBuffer, tls: tls)
        session.delegate = self
        transport.onClose = { [unowned self] in
            for timer in [firstStreamTimer, idleTimer, ageTimer, keepaliveTimer, setupTimer, headerTimer] {
                timer?.cancel()
            }
            for stream in streams.values { stream.cancel() }
            streams.removeAll()
            onClose(self)
        }
        transport.flush()  // the server's SETTINGS go first
        // A peer that connects and never opens a stream (slowloris, a port scan) is closed; so is one that does not
        // finish its TLS handshake or send its connection preface in time.
        firstStreamTimer = timer(after: limits.firstStreamTimeout) { if !$0.openedStream { $0.close() } }
        setupTimer = timer(after: tls == nil ? limits.prefaceTimeout : limits.handshakeTimeout) { $0.checkSetup() }
        if let age = limits.maxConnectionAge {
            let jittered = age * Double.random(in: 0.9...1.1)
            ageTimer = timer(after: jittered) { $0.reachedMaxAge() }
        }
        scheduleKeepalive()
    }

    // MARK: State of the limits and policing (driven by ServerConnection+Limits)

    let limits: GRPCServer.ConnectionLimits
    let tls: TLSConnection?
    let accepted = ContinuousClock.now
    /// Checks the TLS handshake, then the connection preface, each against its timeout.
    var setupTimer: LoopTimer?
    /// Closes a connection whose header block stays incomplete for `headerTimeout`.
    var headerTimer: LoopTimer?
    /// Closes a connection that never opened a stream.
    var firstStreamTimer: LoopTimer?
    var openedStream = false
    /// Closes a connection idle too long. Armed lazily (a call ending does not allocate a timer): when it fires it
    /// checks `idleSince` and re-arms for what is left.
    var idleTimer: LoopTimer?
    /// When the last call ended; nil while calls are open.
    var idleSince: ContinuousClock.Instant?
    /// Drains the connection at its maximum age (gRFC A9).
    var ageTimer: LoopTimer?
    /// Keepalive (gRFC A8): the next PING, or the wait for its acknowledgement.
    var keepaliveTimer: LoopTimer?
    var awaitingPingAck = false
    /// Ping policing: when the client last pinged, and how many pings came too soon.
    var lastClientPing: ContinuousClock.Instant?
    var pingStrikes = 0
    /// Closes once the calls the final GOAWAY let through have finished (set by an idle or aged connection).
    var closesWhenDrained = false
    var finalGoAwaySent = false
    /// Handlers running on this connection (those of reset streams still winding down included).
    var runningHandlers = 0
    /// Tokens for peer errors, refilled at `peerErrorsPerSecond`.
    var errorTokens: Double = 0
    var errorTokensAt = ContinuousClock.now

    /// Runs a call's handler with the call's deadline as the task's `CallContext`, counted while it runs. The task
    /// starts at once, here on the loop thread (inside nghttp2's callback: the handler only submits to the session,
    /// which nghttp2 allows there), and continues on this loop after each suspension. A handler that never suspends
    /// (an echo, a cache hit) answers without a trip through the loop's mailbox.
    private func startHandler(
        _ stream: ServerStream, deadline: ContinuousClock.Instant?, _ body: @escaping @Sendable () async -> Void
    ) {
        runningHandlers += 1
        let me = LoopBound(self, on: loop)
        let loop = self.loop
        stream.task = Task.immediate(executorPreference: loop) {
            await CallContext.with(deadline) { await body() }
            if loop.inEventLoop {
                me.value.runningHandlers -= 1
            } else {
                loop.execute { me.value.runningHandlers -= 1 }
            }
        }
    }

    func scheduleFlush() { transport.scheduleFlush() }

    /// Closes the socket; streams in flight are cancelled.
    func close() { transport.close() }

    /// Draining is over: the final GOAWAY has gone out and every call it let through has finished.
    var isDrained: Bool { finalGoAwaySent && streams.isEmpty }

    // MARK: HTTP2SessionDelegate

    func streamHeaders(_ streamID: Int32, headers: [(name: String, value: String)]) {
        guard streams[streamID] == nil else { return }  // request trailers: gRPC sends none
        let stream = ServerStream(id: streamID, connection: self, maxMessageBytes: maxMessageBytes)
        streams[streamID] = stream
        openedStream = true
        idleSince = nil
        dataSent()
        var path = ""
        var contentType = ""
        var method = ""
        var timeout: Duration?
        var metadata: [(name: String, value: String)] = []
        for (name, value) in headers {
            switch name {
            case ":path": path = value
            case ":method": method = value
            case "content-type": contentType = value
            case "grpc-timeout": timeout = GRPCTimeout.parse(value)
            case ":authority", ":scheme", "te", "grpc-accept-encoding", "grpc-encoding", "user-agent": break
            default: if !name.hasPrefix(":") { metadata.append((name, value)) }
            }
        }
        guard method == "POST", contentType.hasPrefix("application/grpc") else {
            do {
                try session.respondHeadersOnly(streamID, headers: [(":status", "415"), ("content-type", "text/plain")])
            } catch {
                session.reset(streamID, errorCode: 0x2)
            }
            return
        }
        guard runningHandlers < limits.maxRunningHandlers else {
            streams[streamID] = nil
            session.reset(streamID, errorCode: 0x7)  // REFUSED_STREAM: nothing ran, the client may retry
            transport.scheduleFlush()
            return
        }
        guard let handler = registry.handlers[path] else {
            stream.finish(RPCError(.unimplemented, "unknown method \(path)"))
            return
        }
        let encoding = headers.first { $0.name == "grpc-encoding" }?.value ?? "identity"
        guard encoding == "identity" || encoding == "gzip" else {
            stream.finish(RPCError(.unimplemented, "grpc-encoding \(encoding) is not supported; use gzip or identity"))
            return
        }
        stream.deframer.gzipAllowed = encoding == "gzip"
        let accepted = headers.first { $0.name == "grpc-accept-encoding" }?.value ?? ""
        stream.peerAcceptsGzip = Self.headerList(accepted, contains: "gzip")
        let deadline = timeout.map { ContinuousClock.now + $0 }
        var identified = ServerContext(
            path: path, metadata: metadata, deadline: deadline, peer: peer, requestEncoding: encoding)
        identified.peerIdentity = tls?.peerSubject
        let context = identified
        let writer = ResponseWriter(loop: loop, stream: stream)
        switch handler {
        case .unary(let unary):
            stream.unary = (unary, context, writer)
        case .streaming(let streaming):
            let (arrivals, continuation) = RequestMessages.Arrivals.makeStream()
            stream.requests = continuation
            let requests = RequestMessages(arrivals: arrivals) { writer.requestTaken($0) }
            let registry = self.registry
            startHandler(stream, deadline: context.deadline) {
                do {
                    try await registry.intercepted(context) { try await streaming(requests, writer, context) }
                    writer.finish(nil)
                } catch {
                    writer.finish(context.status(of: error))
                }
            }
        }
        if let timeout {
            stream.timer = LoopTimer(loop: loop, after: timeout) { [weak stream] in
                guard let stream else { return }
                stream.task?.cancel()
                stream.finish(RPCError(.deadlineExceeded, "deadline of \(timeout) exceeded"))
            }
        }
    }

    /// Whether a comma-separated header value lists `token` (spaces around items ignored; no Foundation, which
    /// showed in profiles of the request path).
    static func headerList(_ value: String, contains token: String) -> Bool {
        value.split(separator: ",").contains { item in
            item.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed().elementsEqual(
                token)
        }
    }

    func streamReceived(_ streamID: Int32, bytes: UnsafeRawBufferPointer) {
        guard let stream = streams[streamID], !stream.finished else {
            session.consumeStream(streamID, bytes.count)
            return
        }
        stream.receivedBytes += bytes.count
        do {
            let messages = try stream.deframer.append(bytes)
            for (message, size) in zip(messages, stream.deframer.frameSizes) {
                if stream.unary != nil {
                    stream.unaryRequests.append(message)
                } else {
                    stream.unreadBytes += size
                    stream.requests?.yield((message, size))
                }
            }
            stream.returnWindow()
        } catch {
            // The status goes out with END_STREAM; the rest of the request is dropped unread as it arrives (a reset
            // here could overtake the status and leave the client with CANCELLED instead).
            stream.task?.cancel()
            stream.finish(RPCError.from(error))
        }
    }

    func streamEnded(_ streamID: Int32) {
        guard let stream = streams[streamID] else { return }
        if stream.deframer.hasPartialMessage {
            stream.finish(RPCError(.internal, "the request ended in the middle of a message"))
            return
        }
        if let (handler, context, writer) = stream.unary {
            guard stream.unaryRequests.count == 1 else {
                stream.finish(
                    RPCError(
                        .unimplemented,
                        "a unary call needs exactly one request message, got \(stream.unaryRequests.count)"))
                return
            }
            let request = stream.unaryRequests.removeFirst()
            let registry = self.registry
            startHandler(stream, deadline: context.deadline) {
                do {
                    if registry.interceptors.isEmpty {
                        writer.sendFinal(try await handler(request, context))
                    } else {
                        try await registry.intercepted(context) {
                            writer.sendFinal(try await handler(request, context))
                        }
                    }
                } catch {
                    writer.finish(context.status(of: error))
                }
            }
            return
        }
        stream.requests?.finish()
    }

    func streamHeadersNotSent(_ streamID: Int32, error: HTTP2Error) {
        if let stream = streams[streamID] {
            stream.abandon("headers not sent: \(error)")
        } else {
            streamAbandoned(streamID, reason: "headers not sent: \(error)")
            session.reset(streamID, errorCode: 0x2)
            scheduleFlush()
        }
    }

    /// A call that could not be answered with a status and was reset instead: logged and counted, since its client
    /// sees only INTERNAL.
    func streamAbandoned(_ streamID: Int32, reason: String) {
        Self.logger.error(
            "call reset: its status could not be sent",
            metadata: ["peer": "\(peer)", "stream": "\(streamID)", "reason": "\(reason)"])
        Metrics.shared.increment("herald_rpc_server_calls_reset_total")
    }

    private static let logger = Logger(label: "herald.rpc.server")

    func streamClosed(_ streamID: Int32, errorCode: UInt32) {
        guard let stream = streams.removeValue(forKey: streamID) else { return }
        if !stream.finished { stream.cancel() }
        guard streams.isEmpty else { return }
        if closesWhenDrained && finalGoAwaySent {
            close()
        } else {
            becameIdle()
        }
    }
}
