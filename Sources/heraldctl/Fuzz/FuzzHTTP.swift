import ArgumentParser
import Dispatch
import Foundation
import HeraldCore
import Synchronization

/// `heraldctl fuzz-http HOST:PORT`: malformed and hostile HTTP/1.1 against a server's HTTP port (the admin port).
struct FuzzHTTP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz-http",
        abstract:
            "Send malformed HTTP/1.1 to an HTTP port; fail on a connection neither answered nor closed in time, or a server that stops answering.",
        discussion: """
            Cases: valid requests damaged byte by byte, huge headers and URIs, thousands of headers, bad and huge \
            Content-Length, chunked garbage, HTTP/2's preface, binary junk, a thousand pipelined requests, and \
            connections that stall mid-header or mid-body (slowloris). Each connection must get a response or be \
            closed within --timeout seconds (--stall-timeout for the stalling ones: the server's own timeout plus \
            slack); after every batch GET /healthz must answer 200; with --pid, the server's resident memory may \
            grow by at most --max-growth-mib.
            """)

    @Argument(help: "The server, HOST:PORT.") var endpoint: Endpoint
    @Option(help: "Cases to send.") var cases = 2_000
    @Option(help: "The random seed (default: from the clock; printed).") var seed: UInt64?
    @Option(help: "Seconds a connection may stay unanswered.") var timeout = 1.0
    @Option(help: "Seconds a stalling connection may stay open.") var stallTimeout = 12.0
    @Option(help: "The server's process id: its death is a failure, its memory is watched.") var pid: Int32?
    @Option(help: "MiB the server's resident memory may grow by.") var maxGrowthMib = 100
    @Option(help: "Connections at once.") var concurrency = 16

    func run() async throws {
        let seed = self.seed ?? UInt64(Date().timeIntervalSince1970 * 1000)
        let host = endpoint.host
        let port = endpoint.port
        let rssBefore = pid.flatMap(Self.residentKiB)
        let plan = (0..<cases).map { HTTPCase.make($0, seed: seed) }
        let tally = Tally()
        let limit = DispatchSemaphore(value: max(1, concurrency))
        let timeout = self.timeout
        let stallTimeout = self.stallTimeout
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                let group = DispatchGroup()
                for (index, testCase) in plan.enumerated() {
                    limit.wait()
                    group.enter()
                    // A thread per case in flight: the cases block on their sockets, and Dispatch's pool would run only
                    // a dozen of them at once (a 5,000-case run took half an hour waiting on stalls in turn).
                    Thread {
                        defer {
                            limit.signal()
                            group.leave()
                        }
                        let wait = testCase.stalls ? stallTimeout : timeout
                        let result = HTTPProbe.exchange(host: host, port: port, send: testCase.bytes, within: wait)
                        tally.answered.withLock { $0[result.summary, default: 0] += 1 }
                        if case .unanswered(let seconds) = result {
                            tally.failures.withLock {
                                $0.append(
                                    "case \(index) (\(testCase.name)): neither answered nor closed within \(seconds) s")
                            }
                        }
                    }.start()
                    if index % 200 == 199 {
                        group.wait()
                        if HTTPProbe.healthz(host: host, port: port) != 200 {
                            tally.failures.withLock {
                                $0.append("after case \(index): GET /healthz no longer answers 200")
                            }
                        }
                    }
                }
                group.wait()
                done.resume()
            }
        }
        let health = HTTPProbe.healthz(host: host, port: port)
        var problems = tally.failures.withLock { $0 }
        if health != 200 {
            problems.append("at the end: GET /healthz answered \(health.map(String.init) ?? "nothing")")
        }
        if let pid, kill(pid, 0) != 0 { problems.append("the server's process \(pid) is gone") }
        var growth = ""
        if let before = rssBefore, let after = pid.flatMap(Self.residentKiB) {
            growth = ", resident memory \(before / 1024) → \(after / 1024) MiB"
            if after - before > maxGrowthMib * 1024 {
                problems.append("resident memory grew by \((after - before) / 1024) MiB")
            }
        }
        let outcomes = tally.answered.withLock { $0 }.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }
            .joined(separator: ", ")
        print("fuzz-http \(host):\(port): \(cases) cases, seed \(seed): \(outcomes)\(growth)")
        for problem in problems.prefix(20) {
            print("FAILED \(problem)\n  reproduce: heraldctl fuzz-http \(host):\(port) --seed \(seed) --cases \(cases)")
        }
        if !problems.isEmpty { throw ExitCode.failure }
    }

    final class Tally: Sendable {
        let failures = Mutex<[String]>([])
        let answered = Mutex<[String: Int]>([:])
    }

    static func residentKiB(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return line.split(separator: " ").compactMap { Int($0) }.first
    }
}

/// One hostile HTTP/1.1 exchange.
struct HTTPCase {
    let name: String
    let bytes: [UInt8]
    /// The client stops sending without finishing (the server must time it out).
    let stalls: Bool

    static let valid = ["/healthz", "/metrics", "/readyz", "/nowhere"].map {
        "GET \($0) HTTP/1.1\r\nHost: herald\r\nUser-Agent: fuzz\r\n\r\n"
    }

    static func make(_ index: Int, seed: UInt64) -> HTTPCase {
        var random = SeededRandom(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        let base = Array(valid[Int(random.next() % UInt64(valid.count))].utf8)
        switch Int(random.next() % 20) {
        case 0:
            return HTTPCase(
                name: "header of 1 MiB",
                bytes: Array("GET /healthz HTTP/1.1\r\nX-Big: ".utf8) + [UInt8](repeating: 0x61, count: 1 << 20)
                    + Array("\r\n\r\n".utf8), stalls: false)
        case 1:
            return HTTPCase(
                name: "20,000 headers",
                bytes: Array(
                    ("GET /healthz HTTP/1.1\r\n" + String(repeating: "X-A: b\r\n", count: 20_000) + "\r\n").utf8),
                stalls: false)
        case 2:
            return HTTPCase(
                name: "URI of 1 MiB",
                bytes: Array(("GET /" + String(repeating: "a", count: 1 << 20) + " HTTP/1.1\r\n\r\n").utf8),
                stalls: false)
        case 3:
            return HTTPCase(
                name: "HTTP/2 preface",
                bytes: Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + [0, 0, 0, 4, 0, 0, 0, 0, 0], stalls: false)
        case 4:
            return HTTPCase(
                name: "huge Content-Length, no body",
                bytes: Array("POST /metrics HTTP/1.1\r\nContent-Length: 100000000000\r\n\r\n".utf8), stalls: true)
        case 5:
            return HTTPCase(
                name: "negative Content-Length",
                bytes: Array("POST /metrics HTTP/1.1\r\nContent-Length: -1\r\n\r\nabc".utf8), stalls: false)
        case 6:
            return HTTPCase(
                name: "chunked garbage",
                bytes: Array("POST /healthz HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n".utf8),
                stalls: false)
        case 7:
            return HTTPCase(
                name: "binary junk", bytes: (0..<4096).map { _ in UInt8(truncatingIfNeeded: random.next()) },
                stalls: false)
        case 8:
            return HTTPCase(
                name: "1,000 pipelined requests", bytes: Array(repeatElement(base, count: 1000).joined()), stalls: false
            )
        case 9:
            return HTTPCase(
                name: "headers never finished", bytes: Array("GET /healthz HTTP/1.1\r\nHost: herald\r\nX-Slow: ".utf8),
                stalls: true)
        case 10:
            return HTTPCase(
                name: "body never finished",
                bytes: Array("POST /healthz HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc".utf8), stalls: true)
        case 11:
            return HTTPCase(
                name: "NUL in a header", bytes: Array("GET /healthz HTTP/1.1\r\nX-A: a\u{0}b\r\n\r\n".utf8),
                stalls: false)
        case 12:
            return HTTPCase(
                name: "bare LF line ends, folded header", bytes: Array("GET /healthz HTTP/1.1\nX-A: a\n b\n\n".utf8),
                stalls: false)
        case 13:
            return HTTPCase(
                name: "unknown method and version", bytes: Array("BREW /healthz HTCPCP/9.9\r\n\r\n".utf8), stalls: false
            )
        default:
            var bytes = base
            var steps: [String] = []
            for _ in 0..<Int(1 + random.next() % 4) {
                let position = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count))
                switch random.next() % 4 {
                case 0 where !bytes.isEmpty:
                    bytes[position] ^= UInt8(1 << (random.next() % 8))
                    steps.append("flip at \(position)")
                case 1:
                    bytes.insert(
                        contentsOf: (0..<Int(1 + random.next() % 8)).map { _ in UInt8(truncatingIfNeeded: random.next())
                        }, at: position)
                    steps.append("insert at \(position)")
                case 2 where !bytes.isEmpty:
                    bytes.remove(at: position)
                    steps.append("delete at \(position)")
                default:
                    bytes.removeSubrange(position...)
                    steps.append("truncate at \(position)")
                }
            }
            // Finished with a blank line, so that the server has a whole request to judge at once (the slowloris
            // cases above are the ones that stall on purpose); a request damaged inside its headers can still leave
            // the server waiting for more, so it is judged as a stall.
            bytes += Array("\r\n\r\n".utf8)
            let waits = bytes.firstRange(of: Array("\r\n\r\n".utf8)).map { $0.upperBound < bytes.count } ?? true
            return HTTPCase(name: "damaged request (\(steps.joined(separator: ", ")))", bytes: bytes, stalls: waits)
        }
    }
}

/// Blocking socket exchanges for the HTTP fuzzer (run on its own threads, never on an event loop).
enum HTTPProbe {
    enum Result {
        case answered(status: String)
        case closed
        case unanswered(seconds: Double)

        var summary: String {
            switch self {
            case .answered(let status): "HTTP \(status)"
            case .closed: "closed"
            case .unanswered: "unanswered"
            }
        }
    }

    /// Connects, sends `bytes`, and waits up to `within` seconds for a response line or the connection's close.
    static func exchange(host: String, port: Int, send bytes: [UInt8], within seconds: Double) -> Result {
        guard let socket = connect(host: host, port: port) else { return .closed }
        defer { close(socket) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Foundation.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written <= 0 { break }  // the server stopped reading or closed: it may still have answered
            offset += written
        }
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let left = Int32(max(1, (deadline - ContinuousClock.now).seconds * 1000))
            guard poll(&poller, 1, left) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count <= 0 {
                return received.starts(with: Array("HTTP/1.".utf8)) ? .answered(status: statusCode(received)) : .closed
            }
            received += buffer[0..<count]
            if received.count >= 12, received.starts(with: Array("HTTP/1.".utf8)) {
                return .answered(status: statusCode(received))
            }
        }
        return .unanswered(seconds: seconds)
    }

    static func statusCode(_ response: [UInt8]) -> String {
        String(decoding: response.dropFirst(9).prefix(3), as: UTF8.self)
    }

    /// GET /healthz's status code, or nil without an answer within two seconds.
    static func healthz(host: String, port: Int) -> Int? {
        let request = Array("GET /healthz HTTP/1.1\r\nHost: herald\r\nConnection: close\r\n\r\n".utf8)
        if case .answered(let status) = exchange(host: host, port: port, send: request, within: 2) {
            return Int(status)
        }
        return nil
    }

    static func connect(host: String, port: Int) -> Int32? {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Foundation.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(socket)
            return nil
        }
        return socket
    }
}
