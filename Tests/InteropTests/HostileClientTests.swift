import Foundation
import HeraldCore
import RPC
import Synchronization
import TestSupport
import Testing

/// rpc-testserver under attack by a hostile HTTP/2 client (Python, raw frames), with a well-behaved client calling
/// it all along.
@Suite("Abuse resistance: hostile HTTP/2 clients")
struct HostileClientTests {
    /// The well-behaved client: calls Bench/Echo every 5 ms and files each latency (and failure) under the attack
    /// running at the time.
    final class Good: Sendable {
        let attack = Mutex("warm-up")
        let latencies = Mutex<[String: [Duration]]>([:])
        let failures = Mutex<[String]>([])

        func call(port: Int) -> Task<Void, Never> {
            Task {
                let client = GRPCClient(host: "127.0.0.1", port: port)
                defer { client.close() }
                let request: [UInt8] = [0x0A, 0x02, 0x68, 0x69]  // EchoRequest{message: "hi"}
                while !Task.isCancelled {
                    let attack = self.attack.withLock { $0 }
                    let started = ContinuousClock.now
                    do {
                        _ = try await client.unary("/herald.bench.v1.Bench/Echo", request, timeout: .seconds(5))
                        latencies.withLock { $0[attack, default: []].append(ContinuousClock.now - started) }
                    } catch {
                        if !Task.isCancelled { failures.withLock { $0.append("\(attack): \(error)") } }
                    }
                    try? await Task.sleep(for: .milliseconds(5))
                }
            }
        }

        /// Waits until the client has made its first call (connection set up, code paths warm), so that no attack
        /// is charged with a cold start.
        func warmedUp() async throws {
            attack.withLock { $0 = "warm-up" }
            let before = latencies.withLock { $0["warm-up"]?.count ?? 0 }
            for _ in 0..<1000 where latencies.withLock({ ($0["warm-up"]?.count ?? 0) <= before }) {
                try await Task.sleep(for: .milliseconds(10))
            }
        }

        /// The 99th percentile of the calls made during each attack (warm-up calls left out).
        func p99s() -> [(attack: String, calls: Int, p99: Duration)] {
            latencies.withLock { $0 }.filter { $0.key != "warm-up" }.map { attack, values in
                let sorted = values.sorted()
                return (attack, sorted.count, sorted[min(sorted.count - 1, sorted.count * 99 / 100)])
            }.sorted { $0.attack < $1.attack }
        }
    }

    static func residentKiB(_ pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    @Test(
        "Rapid Reset, CONTINUATION and SETTINGS/PING floods are cut off, a header bomb is reset, slowloris is closed, a connection flood is capped per peer, ping abuse and silent peers are cut off (gRFC A8), a 1 GiB prefix is refused, unread responses are not queued, a peer spending its error budget is cut off; the server stays up and small, and answers a good client throughout"
    )
    func attacks() async throws {
        let python = try #require(TestEnvironment.python(), "tools/test prepares the Python environment")
        let server = try RunningProcess(
            "\(TestEnvironment.binDirectory)/rpc-testserver",
            [
                "--port", "0", "--first_stream_timeout_ms", "3000", "--min_ping_interval_ms", "1000",
                "--keepalive_time_ms", "2000", "--keepalive_timeout_ms", "500", "--preface_timeout_ms", "1000",
                "--header_timeout_ms", "1000",
            ])
        defer { server.stop() }
        let line = try await runBlocking { server.firstLine() }
        let port = try #require(line.split(separator: ":").last.flatMap { Int($0) }, "\(line)")
        let pid = server.process.processIdentifier
        let idle = Self.residentKiB(pid)

        let good = Good()
        let caller = good.call(port: port)
        try await good.warmedUp()
        let script = TestEnvironment.root.appendingPathComponent("Tests/InteropTests/Python/hostile_client.py").path
        for (attack, count, expected) in [
            ("rapid_reset", 100_000, "closed"), ("continuation", 100_000, "closed"), ("header_bomb", 100, "reset"),
            // SETTINGS and PING floods: nghttp2 cuts the peer off once 1,000 acknowledgements queue up, which depends
            // on how much the kernel's socket buffers absorb first; what must hold is below (alive, small, answering).
            ("settings_flood", 100_000, ""), ("ping_flood", 100_000, ""), ("slowloris", 100, "closed"),
            // gRFC A8: a client pinging every 50 ms is told too_many_pings; one that never acknowledges is closed.
            ("ping_abuse", 40, "too_many_pings"), ("no_ping_ack", 10, "closed"),
            // A 1 GiB length prefix is refused from the prefix; 64 MiB of responses nobody reads are not queued.
            ("big_prefix", 1, "status 8"), ("never_read", 64, "held"),
            // Streams that break HTTP/2's header rules: the connection is ended once its error budget (200) is spent.
            ("invalid_frames", 5000, "c"),
            // No preface at all, and a header block left open after a call: each closed at its 1 s timeout (waited
            // for up to 5 s; the first-stream and idle timeouts are longer).
            ("silent", 5, "closed after"), ("stalled_headers", 5, "closed after"),
        ] {
            good.attack.withLock { $0 = attack }
            let result = try await runBlocking {
                try runProcess(python, [script, attack, "--port", "\(port)", "--count", "\(count)"])
            }
            #expect(result.stdoutText.hasPrefix(expected), "\(attack): \(result.stdoutText)\(result.stderr)")
            if attack == "invalid_frames" {
                let after =
                    result.stdoutText.split(separator: " ").last.flatMap {
                        Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
                    } ?? .max
                #expect(after < 400, "ended after \(after) bad streams, the budget is 200")
            }
            if attack == "silent" || attack == "stalled_headers" {
                let seconds =
                    Double(
                        result.stdoutText.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines)
                            ?? "") ?? 99
                #expect(seconds >= 0.8 && seconds < 2.5, "\(attack): closed after \(seconds) s, the timeout is 1 s")
            }
            #expect(kill(pid, 0) == 0, "the server survived \(attack)")
            let resident = Self.residentKiB(pid)
            #expect(resident < idle + 100 * 1024, "\(attack): \(resident) KiB resident, \(idle) KiB idle")
        }
        caller.cancel()
        _ = await caller.value

        // 1,000 connections at once from one address (127.0.0.3), against a server capping a peer at 200 (and keeping
        // quiet connections for 30 s, so that only the cap closes them): 800 are refused; the good client (from
        // 127.0.0.1) is served throughout.
        let capped = try RunningProcess(
            "\(TestEnvironment.binDirectory)/rpc-testserver",
            [
                "--port", "0", "--max_connections_per_peer", "200", "--first_stream_timeout_ms", "30000",
                "--preface_timeout_ms", "30000",
            ])
        defer { capped.stop() }
        let cappedLine = try await runBlocking { capped.firstLine() }
        let cappedPort = try #require(cappedLine.split(separator: ":").last.flatMap { Int($0) }, "\(cappedLine)")
        let cappedCaller = good.call(port: cappedPort)
        try await good.warmedUp()
        good.attack.withLock { $0 = "connections" }
        let flood = try await runBlocking {
            try runProcess(python, [script, "connections", "--port", "\(cappedPort)", "--count", "1000"])
        }
        cappedCaller.cancel()
        _ = await cappedCaller.value
        #expect(flood.stdoutText.hasPrefix("refused 800 of 1000"), "\(flood.stdoutText)\(flood.stderr)")
        #expect(kill(capped.process.processIdentifier, 0) == 0)

        #expect(good.failures.withLock { $0 }.isEmpty, "\(good.failures.withLock { $0 })")
        let p99s = good.p99s()
        #expect(p99s.reduce(0) { $0 + $1.calls } > 20)
        // A starvation bound, not a performance figure (those are in tools/bench-rpc): an attack that monopolised the
        // server's loops would hold the good client's calls for seconds. Two cores are shared with the attacker and
        // the other test processes, so one slow call in a hundred must not decide it.
        for (attack, calls, p99) in p99s {
            #expect(p99 < .seconds(1), "the good client's p99 during \(attack) (\(calls) calls): \(p99)")
        }
        print(
            "good client during each attack: "
                + p99s.map { "\($0.attack) \($0.calls) calls p99 \($0.p99)" }.joined(separator: "; "))
    }

    @Test("connections that come and go leave nothing behind: 9,000 more short connections do not grow the server")
    func closedConnectionsAreReleased() async throws {
        let python = try #require(TestEnvironment.python(), "tools/test prepares the Python environment")
        let server = try RunningProcess("\(TestEnvironment.binDirectory)/rpc-testserver", ["--port", "0"])
        defer { server.stop() }
        let line = try await runBlocking { server.firstLine() }
        let port = try #require(line.split(separator: ":").last.flatMap { Int($0) }, "\(line)")
        let script = TestEnvironment.root.appendingPathComponent("Tests/InteropTests/Python/hostile_client.py").path
        func churn() async throws {
            let result = try await runBlocking {
                try runProcess(python, [script, "churn", "--port", "\(port)", "--count", "3000"])
            }
            #expect(result.stdoutText == "done 3000\n", "\(result.stdoutText)\(result.stderr)")
            try await Task.sleep(for: .milliseconds(300))  // the last closes reach the server
        }
        try await churn()  // the allocator reaches its working size
        let before = Self.residentKiB(server.process.processIdentifier)
        for _ in 0..<3 { try await churn() }
        let after = Self.residentKiB(server.process.processIdentifier)
        // One connection at a time (the client waits for the server's SETTINGS before closing), so growth is what
        // closed connections keep: about 11 KiB each when their timers held them (99 MiB for 9,000), ~0 now.
        #expect(after - before < 8 * 1024, "\(after - before) KiB more after 9,000 closed connections")
    }
}
