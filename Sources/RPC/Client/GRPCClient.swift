import CLibevent
import EventLoop
import Foundation
import HTTP2
import HeraldCore

/// A gRPC client (a channel) over one or more HTTP/2 connections (cleartext or TLS) to `host:port` or a Unix socket, each
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
        unixSocketPath path: String, connections: Int = 1, keepalive: Keepalive? = nil,
        loop: EventLoop = EventLoopGroup.shared.next()
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
        let call = ClientCall(
            path: path, request: request, metadata: metadata, timeout: timeout, compressed: compressed)
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
        guard remaining > .zero else {
            throw RPCError(.deadlineExceeded, "the deadline of the call being handled has passed")
        }
        return timeout.map { min($0, remaining) } ?? remaining
    }

    /// Opens a streaming call (client, server or bidirectional streaming). `compressed` gzips the requests. Inside a
    /// handler the call's deadline is at most the handler's own (`CallContext`).
    public func stream(
        _ path: String, metadata: [(String, String)] = [], timeout: Duration? = nil, compressed: Bool = false
    )
        -> ClientStream
    {
        let remaining = CallContext.remaining
        let timeout = remaining.map { left in timeout.map { min($0, left) } ?? max(left, .zero) } ?? timeout
        let stream = ClientStream(
            loop: loop, path: path, metadata: metadata, timeout: timeout, compressRequests: compressed)
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
            address: try address.get(), loop: loop, readBuffer: readBuffer, tls: try tls.map(TLSConnection.init),
            keepalive: keepalive)
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
