import CLibevent
import EventLoop
import Foundation
import HeraldCore
import Logging
import Synchronization

/// A gRPC server over HTTP/2, cleartext (prior knowledge) or TLS (ALPN h2): one listening socket per event loop (SO_REUSEPORT,
/// so the kernel spreads connections), every connection served on the loop that accepted it.
// unchecked: listeners and connections are confined to their loops; `port` is set before start returns
public final class GRPCServer: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        /// 0 picks a free port (see `port` after `start`).
        public var port = 0
        public var maxReceiveMessageBytes = 4 * 1024 * 1024
        /// Also listen on this Unix socket path (an existing socket file there is replaced).
        public var unixSocketPath: String?
        public var limits = ConnectionLimits()
        /// TLS for the TCP listeners (ALPN h2); nil: cleartext h2c.
        public var tls: TLSContext?
        public init(host: String = "127.0.0.1", port: Int = 0, unixSocketPath: String? = nil) {
            self.host = host
            self.port = port
            self.unixSocketPath = unixSocketPath
        }
    }

    /// What one peer, and all of them, may hold open, and how long a connection may sit without calls.
    public struct ConnectionLimits: Sendable {
        /// Connections open at once; beyond, new ones are closed as soon as accepted.
        public var maxConnections = 10_000
        /// Connections from one IP address (Unix-socket peers are not counted).
        public var maxConnectionsPerPeer = 1_000
        /// A connection that has not opened a stream this long after it was accepted is closed (slowloris).
        public var firstStreamTimeout: Duration = .seconds(20)
        /// A TLS connection whose handshake has not finished this long after it was accepted is closed.
        public var handshakeTimeout: Duration = .seconds(10)
        /// A connection whose HTTP/2 preface (the magic and the client's SETTINGS) has not arrived this long after it
        /// was accepted, or after its TLS handshake, is closed.
        public var prefaceTimeout: Duration = .seconds(10)
        /// A header block (HEADERS and its CONTINUATION frames) still incomplete this long after it began closes the
        /// connection: HTTP/2 allows no other frame until it ends, so a stalled one blocks every call on it.
        public var headerTimeout: Duration = .seconds(10)
        /// A connection without a call this long gets GOAWAY and is closed (gRFC A9's MAX_CONNECTION_IDLE).
        public var idleTimeout: Duration = .seconds(300)
        /// A connection older than this (±10 % jitter) is drained: GOAWAY, calls in flight get `maxConnectionAgeGrace`
        /// (gRFC A9); nil: no limit.
        public var maxConnectionAge: Duration?
        public var maxConnectionAgeGrace: Duration = .seconds(30)
        /// Server keepalive (gRFC A8): a PING after this long without one, and the connection closes if it is not
        /// acknowledged within `keepaliveTimeout`.
        public var keepaliveTime: Duration = .seconds(7200)
        public var keepaliveTimeout: Duration = .seconds(20)
        /// Ping policing (gRFC A8): client PINGs closer together than this are strikes; the third ends the
        /// connection with GOAWAY ENHANCE_YOUR_CALM "too_many_pings".
        public var minPingInterval: Duration = .seconds(300)
        /// Handlers running at once on one connection, those of reset streams still winding down included; a new
        /// stream beyond is refused (REFUSED_STREAM).
        public var maxRunningHandlers = 200
        /// Peer errors (invalid frames, oversized header lists) a connection may cause: a burst, then per second;
        /// beyond, GOAWAY ENHANCE_YOUR_CALM.
        public var peerErrorBurst = 200
        public var peerErrorsPerSecond = 20
        public init() {}
    }

    public let configuration: Configuration
    private let registry: ServiceRegistry
    private let counts = ConnectionCounts()
    private let group: EventLoopGroup
    private var listeners: [Listener] = []
    /// The bound port, once started.
    public private(set) var port = 0

    public init(_ configuration: Configuration, services: ServiceRegistry, group: EventLoopGroup = .shared) {
        self.configuration = configuration
        registry = services
        self.group = group
    }

    /// Stops listening and closes every connection (calls in flight are cancelled). Also done when the server is
    /// released, so keep the server while it should serve.
    public func stop() {
        let stopping = listeners
        listeners = []
        for listener in stopping { listener.loop.execute { listener.stop() } }
        if let path = configuration.unixSocketPath, !stopping.isEmpty { unlink(path) }
    }

    deinit { stop() }

    /// Graceful shutdown: stops accepting, sends each connection a GOAWAY notice then a final GOAWAY, lets calls in
    /// flight finish for up to `grace`, then closes what is left (cancelling those calls).
    public func shutdown(grace: Duration) async {
        let stopping = listeners
        listeners = []
        await withTaskGroup(of: Void.self) { group in
            for listener in stopping {
                group.addTask {
                    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                        listener.loop.execute { listener.drain(until: ContinuousClock.now + grace) { done.resume() } }
                    }
                }
            }
        }
        if let path = configuration.unixSocketPath, !stopping.isEmpty { unlink(path) }
    }

    /// Binds and starts accepting on every loop.
    public func start() throws {
        var port = configuration.port
        for loop in group.loops {
            let descriptor = try Self.listen(host: configuration.host, port: port)
            if port == 0 { port = Self.boundPort(descriptor) }
            let listener = Listener(
                loop: loop, descriptor: descriptor, registry: registry,
                maxMessageBytes: configuration.maxReceiveMessageBytes,
                limits: configuration.limits, counts: counts, tls: configuration.tls)
            listeners.append(listener)
            loop.execute { listener.start() }
        }
        self.port = port
        if let path = configuration.unixSocketPath {
            let loop = group.next()
            let listener = Listener(
                loop: loop, descriptor: try Self.listen(unixPath: path), registry: registry,
                maxMessageBytes: configuration.maxReceiveMessageBytes, limits: configuration.limits, counts: counts)
            listeners.append(listener)
            loop.execute { listener.start() }
        }
    }

    static func listen(unixPath path: String) throws -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else {
            throw RPCError(.invalidArgument, "Unix socket path longer than \(capacity - 1) bytes: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8)
        }
        unlink(path)
        return try listen(family: AF_UNIX, address, name: path)
    }

    static func listen(host: String, port: Int) throws -> Int32 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw RPCError(.invalidArgument, "bad IPv4 address \(host)")
        }
        return try listen(family: AF_INET, address, name: "\(host):\(port)") { descriptor in
            var one: Int32 = 1
            setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            setsockopt(descriptor, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    /// A non-blocking listening socket bound to `address`; `configure` sets options before the bind.
    private static func listen<Address>(
        family: Int32, _ address: Address, name: String, configure: (Int32) -> Void = { _ in }
    ) throws -> Int32 {
        let descriptor = socket(
            family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw RPCError(.unavailable, "socket: \(String(cString: strerror(errno)))") }
        configure(descriptor)
        let bound = withUnsafePointer(to: address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<Address>.size))
            }
        }
        guard bound == 0, Glibc.listen(descriptor, 1024) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw RPCError(.unavailable, "cannot listen on \(name): \(reason)")
        }
        return descriptor
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now (for a process about to be started on it).
    public static func freeLoopbackPort() throws -> Int {
        let descriptor = try listen(
            family: AF_INET,
            { () -> sockaddr_in in
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                return address
            }(), name: "127.0.0.1:0")
        defer { close(descriptor) }
        return boundPort(descriptor)
    }

    static func boundPort(_ descriptor: Int32) -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Accepts connections on one loop.
final class Listener: @unchecked Sendable {  // unchecked: used only on `loop` after start
    let loop: EventLoop
    let descriptor: Int32
    let registry: ServiceRegistry
    let maxMessageBytes: Int
    private var event: OpaquePointer?
    private var connections: [ObjectIdentifier: ServerConnection] = [:]
    private let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
    let limits: GRPCServer.ConnectionLimits
    let counts: ConnectionCounts
    let tls: TLSContext?

    init(
        loop: EventLoop, descriptor: Int32, registry: ServiceRegistry, maxMessageBytes: Int,
        limits: GRPCServer.ConnectionLimits,
        counts: ConnectionCounts, tls: TLSContext? = nil
    ) {
        self.tls = tls
        self.loop = loop
        self.descriptor = descriptor
        self.registry = registry
        self.maxMessageBytes = maxMessageBytes
        self.limits = limits
        self.counts = counts
    }

    /// Stops accepting, asks every connection to go away, and calls `done` once none has calls in flight (or the
    /// deadline has passed, closing the rest).
    func drain(until deadline: ContinuousClock.Instant, _ done: @escaping () -> Void) {
        if let event {
            // Closing a listener resets the connections still in its backlog: take them first, so that they too
            // are served and told to go away instead of failing.
            accept()
            event_free(event)
            self.event = nil
            close(descriptor)
        }
        for connection in connections.values { connection.beginShutdown() }
        check(deadline, done)
    }

    private func check(_ deadline: ContinuousClock.Instant, _ done: @escaping () -> Void) {
        if connections.values.allSatisfy({ $0.isDrained }) || ContinuousClock.now >= deadline {
            stop()
            done()
            return
        }
        let me = LoopBound(self, on: loop)
        LoopTimerHolder.schedule(on: loop, after: .milliseconds(20)) { me.value.check(deadline, done) }
    }

    /// Stops accepting and closes this loop's connections.
    func stop() {
        if let event {
            event_free(event)
            self.event = nil
            close(descriptor)
        }
        for connection in Array(connections.values) { connection.close() }
        connections.removeAll()
        if !stopped { readBuffer.deallocate() }
        stopped = true
    }
    private var stopped = false

    func start() {
        let context = Unmanaged.passUnretained(self).toOpaque()
        event = event_new(
            loop.base, descriptor, HERALD_EV_READ | HERALD_EV_PERSIST,
            { _, _, context in
                Unmanaged<Listener>.fromOpaque(context!).takeUnretainedValue().accept()
            }, context)
        event_add(event, nil)
    }

    private func accept() {
        while true {
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let client = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.accept(descriptor, $0, &length)
                }
            }
            guard client >= 0 else { return }
            _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            let peer: String
            var peerHost = ""
            if address.ss_family == sa_family_t(AF_INET) {
                var one: Int32 = 1
                setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                peer = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { inet in
                        var text = [CChar](repeating: 0, count: 64)
                        var ip = inet.pointee.sin_addr
                        inet_ntop(AF_INET, &ip, &text, socklen_t(text.count))
                        let host = String(
                            decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                        peerHost = host
                        return "\(host):\(UInt16(bigEndian: inet.pointee.sin_port))"
                    }
                }
            } else {
                peer = "unix"
            }
            let peerKey = peerHost
            guard counts.admit(peerKey, limits) else {
                close(client)  // over the global or the per-peer cap
                continue
            }
            do {
                let counts = self.counts
                let connection = try ServerConnection(
                    loop: loop, descriptor: client, peer: peer, registry: registry, maxMessageBytes: maxMessageBytes,
                    readBuffer: readBuffer, limits: limits, tls: try tls.map(TLSConnection.init)
                ) { [weak self] closed in
                    counts.release(peerKey)
                    self?.connections[ObjectIdentifier(closed)] = nil
                }
                connections[ObjectIdentifier(connection)] = connection
            } catch {
                counts.release(peerKey)
                close(client)
            }
        }
    }
}

/// Open connections in all, and by peer IP address, across the listeners of one server.
final class ConnectionCounts: Sendable {
    private let state = Mutex<(total: Int, byPeer: [String: Int])>((0, [:]))

    /// Counts a new connection from `peer` ("" for a Unix-socket peer) if the limits allow it.
    func admit(_ peer: String, _ limits: GRPCServer.ConnectionLimits) -> Bool {
        state.withLock { s in
            guard s.total < limits.maxConnections else { return false }
            if !peer.isEmpty {
                guard s.byPeer[peer, default: 0] < limits.maxConnectionsPerPeer else { return false }
                s.byPeer[peer, default: 0] += 1
            }
            s.total += 1
            return true
        }
    }

    func release(_ peer: String) {
        state.withLock { s in
            s.total -= 1
            guard !peer.isEmpty, let count = s.byPeer[peer] else { return }
            s.byPeer[peer] = count > 1 ? count - 1 : nil
        }
    }
}
