import Foundation

/// Where a client connects: an IPv4 address (resolved once, when the client is made) or a Unix socket.
public enum SocketAddress: Sendable, CustomStringConvertible {
    case ipv4(sockaddr_in, authority: String)
    case unix(path: String)

    /// `host` as an IPv4 literal, or resolved through getaddrinfo (blocking: call it where blocking is fine, not on
    /// an event loop).
    public static func resolve(host: String, port: Int) throws -> SocketAddress {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let authority = "\(host):\(port)"
        if inet_pton(AF_INET, host, &address.sin_addr) == 1 { return .ipv4(address, authority: authority) }
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &results)
        defer { if let results { freeaddrinfo(results) } }
        guard status == 0, let first = results, let found = first.pointee.ai_addr else {
            throw RPCError(.unavailable, "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        found.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address.sin_addr = $0.pointee.sin_addr }
        return .ipv4(address, authority: authority)
    }

    /// The `:authority` a request names.
    var authority: String {
        switch self {
        case .ipv4(_, let authority): authority
        case .unix: "localhost"
        }
    }

    public var description: String {
        switch self {
        case .ipv4(_, let authority): authority
        case .unix(let path): "unix:\(path)"
        }
    }

    /// A non-blocking socket with a connect to this address started; the connect finishes when it is writable.
    func connectNonBlocking() throws -> Int32 {
        switch self {
        case .ipv4(var address, _):
            let descriptor = try Self.socket(AF_INET)
            var one: Int32 = 1
            setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            return try Self.connect(descriptor, &address, name: description)
        case .unix(let path):
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            guard path.utf8.count < MemoryLayout.size(ofValue: address.sun_path) else {
                throw RPCError(.invalidArgument, "Unix socket path too long: \(path)")
            }
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path.utf8) }
            return try Self.connect(try Self.socket(AF_UNIX), &address, name: description)
        }
    }

    private static func socket(_ family: Int32) throws -> Int32 {
        let descriptor = Foundation.socket(
            family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw RPCError(.unavailable, "socket: \(String(cString: strerror(errno)))") }
        return descriptor
    }

    private static func connect<Address>(_ descriptor: Int32, _ address: inout Address, name: String) throws -> Int32 {
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Foundation.connect(descriptor, $0, socklen_t(MemoryLayout<Address>.size))
            }
        }
        guard result == 0 || errno == EINPROGRESS || errno == EAGAIN else {
            let reason = String(cString: strerror(errno))
            Foundation.close(descriptor)
            throw RPCError(.unavailable, "cannot connect to \(name): \(reason)")
        }
        return descriptor
    }
}
