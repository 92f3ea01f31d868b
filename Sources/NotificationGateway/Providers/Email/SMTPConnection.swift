import EventLoop
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One reply of an SMTP server: its code and text (the lines of a multi-line reply joined by newlines).
struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    let code: Int
    let text: String

    var isPositive: Bool { code < 400 }
    /// RFC 5321 4yz: the same command may succeed later.
    var isTransient: Bool { (400..<500).contains(code) }
    var description: String { "\(code) \(text)" }
}

/// The connection failed (refused, closed, timed out, a reply that is not SMTP): nothing is known of the message in
/// flight, so it is tried again, with the same Message-ID.
struct SMTPConnectionError: Error, CustomStringConvertible {
    let description: String
}

/// One SMTP client connection (RFC 5321), driven without blocking on its event loop: greeting, EHLO, AUTH PLAIN
/// when configured, then transactions, with the envelope pipelined (RFC 2920) when the server offers PIPELINING.
/// One transaction at a time; a connection that failed is `broken` and replaced by its owner.
actor SMTPConnection {
    nonisolated let loop: EventLoop
    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }

    private let descriptor: Int32
    private var watcher: DescriptorWatcher?
    private var input: [UInt8] = []
    private var inputStart = 0
    private let timeout: Duration
    /// The EHLO keywords the server listed (upper case), e.g. PIPELINING, SMTPUTF8, AUTH.
    private(set) var extensions: Set<String> = []
    private(set) var broken = false
    /// A transaction is under way (the actor is reentrant at its suspension points: a second one would interleave).
    private var busy = false

    /// Connects to `address` and says EHLO as `heloName`; AUTH PLAIN with `credentials` when given.
    static func open(
        to address: SocketAddress, heloName: String, credentials: (String, String)?, timeout: Duration,
        on loop: EventLoop
    ) async throws -> SMTPConnection {
        let connection = try SMTPConnection(address: address, timeout: timeout, loop: loop)
        try await connection.start(address: address, heloName: heloName, credentials: credentials)
        return connection
    }

    private init(address: SocketAddress, timeout: Duration, loop: EventLoop) throws {
        let fd = socket(Int32(address.family), Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw SMTPConnectionError(description: "socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        descriptor = fd
        self.timeout = timeout
        self.loop = loop
    }

    isolated deinit {
        watcher = nil
        close(descriptor)
    }

    private func start(address: SocketAddress, heloName: String, credentials: (String, String)?) async throws {
        watcher = DescriptorWatcher(loop: loop, descriptor: descriptor)
        let connected = address.bytes.withUnsafeBytes {
            connect(descriptor, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t($0.count))
        }
        if connected != 0 {
            guard errno == EINPROGRESS else {
                throw fail("cannot connect to \(address): \(String(cString: strerror(errno)))")
            }
            if await watcher!.wait(for: .writable, timeout: timeout) == .timedOut {
                throw fail("connecting to \(address) timed out")
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
            guard error == 0 else { throw fail("cannot connect to \(address): \(String(cString: strerror(error)))") }
        }
        let greeting = try await readReply()
        guard greeting.code == 220 else { throw fail("the server's greeting: \(greeting)") }
        try await write(Array("EHLO \(heloName)\r\n".utf8))
        let ehlo = try await readReply()
        guard ehlo.code == 250 else { throw fail("EHLO refused: \(ehlo)") }
        extensions = Set(
            ehlo.text.split(separator: "\n").dropFirst().compactMap {
                $0.split(separator: " ").first.map { $0.uppercased() }
            })
        if let (user, password) = credentials {
            let token = Data(([0] + Array(user.utf8) + [0] + Array(password.utf8))).base64EncodedString()
            try await write(Array("AUTH PLAIN \(token)\r\n".utf8))
            let auth = try await readReply()
            guard auth.code == 235 else { throw fail("AUTH PLAIN refused: \(auth)") }
        }
    }

    /// One message to one recipient: the reply to the message's data, or the first refusal of the envelope. A
    /// refused transaction is reset (RSET), so the connection can carry the next one.
    func send(from sender: String, to recipient: String, message: [UInt8]) async throws -> SMTPReply {
        guard !broken else { throw SMTPConnectionError(description: "the connection is closed") }
        precondition(!busy, "one SMTP transaction at a time on a connection")
        busy = true
        defer { busy = false }
        let utf8 = !sender.allSatisfy(\.isASCII) || !recipient.allSatisfy(\.isASCII)
        if utf8 && !extensions.contains("SMTPUTF8") {
            return SMTPReply(code: 553, text: "the relay does not offer SMTPUTF8 for a non-ASCII address")
        }
        let mail = "MAIL FROM:<\(sender)>\(utf8 ? " SMTPUTF8" : "")\r\n"
        let rcpt = "RCPT TO:<\(recipient)>\r\n"
        var envelope: [SMTPReply] = []
        if extensions.contains("PIPELINING") {
            try await write(Array((mail + rcpt + "DATA\r\n").utf8))
            for _ in 0..<3 { envelope.append(try await readReply()) }
        } else {
            for command in [mail, rcpt, "DATA\r\n"] {
                try await write(Array(command.utf8))
                let reply = try await readReply()
                envelope.append(reply)
                if !reply.isPositive { break }
            }
        }
        let refusal = envelope.prefix(2).first { !$0.isPositive }
        if let data = envelope.last, data.code == 354 {
            // A server that took DATA although the envelope was refused gets an empty message to end it.
            try await write(refusal == nil ? Self.dotStuffed(message) : Array(".\r\n".utf8))
            let reply = try await readReply()
            if let refusal { return refusal }
            return reply
        }
        try await write(Array("RSET\r\n".utf8))
        _ = try await readReply()
        return refusal ?? envelope.last ?? SMTPReply(code: 451, text: "no reply to DATA")
    }

    /// Ends the session politely.
    func quit() async {
        guard !broken else { return }
        try? await write(Array("QUIT\r\n".utf8))
        broken = true
    }

    /// The message as DATA carries it: a `.` doubled at the start of a line, ended by CRLF `.` CRLF.
    static func dotStuffed(_ message: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(message.count + 64)
        var lineStart = true
        for byte in message {
            if lineStart && byte == 46 { out.append(46) }
            out.append(byte)
            lineStart = byte == 10
        }
        if !lineStart { out.append(contentsOf: [13, 10]) }
        out.append(contentsOf: [46, 13, 10])
        return out
    }

    // MARK: I/O

    private func fail(_ what: String) -> SMTPConnectionError {
        broken = true
        return SMTPConnectionError(description: what)
    }

    private func write(_ bytes: [UInt8]) async throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                offset += sent
            } else if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                if await watcher!.wait(for: .writable, timeout: timeout) == .timedOut {
                    throw fail("writing to the server timed out")
                }
            } else {
                throw fail("the server closed the connection: \(String(cString: strerror(errno)))")
            }
        }
    }

    private func readReply() async throws -> SMTPReply {
        var lines: [String] = []
        while true {
            let line = try await readLine()
            guard line.count >= 3, let code = Int(String(decoding: line.prefix(3), as: UTF8.self)),
                (200...599).contains(code), line.count == 3 || line[3] == 32 || line[3] == 45
            else { throw fail("not an SMTP reply: \(String(decoding: line.prefix(80), as: UTF8.self))") }
            lines.append(String(decoding: line.dropFirst(4), as: UTF8.self))
            guard lines.count <= 100 else { throw fail("a reply of more than 100 lines") }
            if line.count == 3 || line[3] == 32 { return SMTPReply(code: code, text: lines.joined(separator: "\n")) }
        }
    }

    private func readLine() async throws -> [UInt8] {
        while true {
            if let newline = input[inputStart...].firstIndex(of: 10) {
                var end = newline
                if end > inputStart && input[end - 1] == 13 { end -= 1 }
                let line = Array(input[inputStart..<end])
                inputStart = newline + 1
                if inputStart == input.count {
                    input.removeAll(keepingCapacity: true)
                    inputStart = 0
                }
                return line
            }
            guard input.count - inputStart < 64 << 10 else { throw fail("a reply line longer than 64 KiB") }
            try await fill()
        }
    }

    private func fill() async throws {
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress!, $0.count, 0) }
            if count > 0 {
                input.append(contentsOf: chunk[..<count])
                return
            }
            if count == 0 { throw fail("the server closed the connection") }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                throw fail("reading from the server: \(String(cString: strerror(errno)))")
            }
            if await watcher!.wait(for: .readable, timeout: timeout) == .timedOut {
                throw fail("the server did not answer within \(timeout)")
            }
        }
    }
}

/// A resolved TCP address (a `sockaddr_in` or `sockaddr_in6`).
struct SocketAddress: Sendable, CustomStringConvertible {
    let family: Int32
    let bytes: [UInt8]
    let description: String

    /// Resolves `host` (blocking: call off the event loops).
    static func resolve(host: String, port: Int) throws -> SocketAddress {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw SMTPConnectionError(description: "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        let bytes = Array(
            UnsafeRawBufferPointer(start: UnsafeRawPointer(first.pointee.ai_addr), count: Int(first.pointee.ai_addrlen))
        )
        return SocketAddress(family: first.pointee.ai_family, bytes: bytes, description: "\(host):\(port)")
    }
}
