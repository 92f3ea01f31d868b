import Foundation
import Synchronization

/// A TCP proxy on loopback that injects network faults between a client and a server: added latency, connection
/// resets, a black hole (bytes accepted, never delivered) and a trickle (one byte every 10 ms). Each connection is
/// pumped by two threads with blocking sockets; every loop is bounded by the sockets closing at `stop`.
final class FaultProxy: Sendable {
    enum Mode: Int {
        case pass, latency, reset, blackHole, trickle
    }

    let port: Int
    private let upstream: Int
    private let listener: Int32
    private let mode = Atomic(Mode.pass.rawValue)
    private let latencyMilliseconds = Atomic(0)
    private let sockets = Mutex<Set<Int32>>([])
    private let stopped = Atomic(false)

    init(upstream: Int) throws {
        self.upstream = upstream
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    func set(_ mode: Mode, latency: Duration = .zero) {
        latencyMilliseconds.store(
            Int(latency.components.seconds * 1000 + latency.components.attoseconds / 1_000_000_000_000_000),
            ordering: .relaxed)
        self.mode.store(mode.rawValue, ordering: .relaxed)
        if mode == .reset {
            // Only shut down here: the connection's pumps close each descriptor once (a second close could hit a
            // descriptor number the process has reused meanwhile).
            for fd in sockets.withLock({ $0 }) { Self.abort(fd) }
        }
    }

    func stop() {
        stopped.store(true, ordering: .relaxed)
        shutdown(listener, Int32(SHUT_RDWR))
        for fd in sockets.withLock({ $0 }) { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private var currentMode: Mode { Mode(rawValue: mode.load(ordering: .relaxed)) ?? .pass }

    private func acceptLoop() {
        while !stopped.load(ordering: .relaxed) {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                if errno == EINTR { continue }
                return
            }
            if currentMode == .reset {
                Self.reset(client)
                continue
            }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: upstream)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            guard connected else {
                Self.reset(client)
                close(server)
                continue
            }
            sockets.withLock { $0.formUnion([client, server]) }
            let pumps = Pumps()
            Thread.detachNewThread { [self] in pump(from: client, to: server, pumps) }
            Thread.detachNewThread { [self] in pump(from: server, to: client, pumps) }
        }
        close(listener)
    }

    /// The two pumps of one connection: the second to finish closes both descriptors.
    private final class Pumps: Sendable {
        let finished = Atomic(0)
    }

    private func pump(from: Int32, to: Int32, _ pumps: Pumps) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            switch currentMode {
            case .pass:
                guard write(to, buffer, count) else { break }
                continue
            case .latency:
                usleep(UInt32(latencyMilliseconds.load(ordering: .relaxed) * 1000))
                guard write(to, buffer, count) else { break }
                continue
            case .blackHole:
                continue
            case .trickle:
                var ok = true
                for i in 0..<count where ok {
                    usleep(10_000)
                    ok = buffer.withUnsafeBytes { send(to, $0.baseAddress! + i, 1, Int32(MSG_NOSIGNAL)) } == 1
                }
                if ok { continue }
            case .reset:
                break
            }
            break
        }
        Self.abort(from)
        Self.abort(to)
        if pumps.finished.add(1, ordering: .acquiringAndReleasing).newValue == 2 {
            sockets.withLock { $0.subtract([from, to]) }
            close(from)
            close(to)
        }
    }

    private func write(_ fd: Int32, _ buffer: [UInt8], _ count: Int) -> Bool {
        var offset = 0
        while offset < count {
            let written = buffer.withUnsafeBytes {
                send(fd, $0.baseAddress! + offset, count - offset, Int32(MSG_NOSIGNAL))
            }  // no SIGPIPE on a reset peer
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }

    /// Makes the eventual close send an RST (linger 0) rather than a FIN, and wakes the pumps blocked on it.
    private static func abort(_ fd: Int32) {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Closes a descriptor this thread alone owns with an RST.
    private static func reset(_ fd: Int32) {
        abort(fd)
        close(fd)
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
