import Foundation
import RPC
import Synchronization
import TestSupport
import Testing

/// rpc-testserver under attack by a hostile HTTP/2 client (Python, raw frames), with a well-behaved client calling
/// it all along.
@Suite("Abuse resistance: hostile HTTP/2 clients")
struct HostileClientTests {
    /// Latencies of the well-behaved client's calls, and its failures.
    final class Good: Sendable {
        let latencies = Mutex<[Duration]>([])
        let failures = Mutex<[String]>([])
    }

    static func residentKiB(_ pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    @Test("Rapid Reset, CONTINUATION and SETTINGS/PING floods are cut off, a header bomb is reset, slowloris is closed, a connection flood is capped per peer, ping abuse and silent peers are cut off (gRFC A8), a 1 GiB prefix is refused, unread responses are not queued, a peer spending its error budget is cut off; the server stays up and small, and answers a good client throughout")
    func attacks() async throws {
        let python = try #require(TestEnvironment.python(), "tools/test prepares the Python environment")
        let server = try RunningProcess(
            "\(TestEnvironment.binDirectory)/rpc-testserver",
            [
                "--port", "0", "--first_stream_timeout_ms", "3000", "--min_ping_interval_ms", "1000",
                "--keepalive_time_ms", "2000", "--keepalive_timeout_ms", "500",
            ])
        defer { server.stop() }
        let line = try await offPool { server.firstLine() }
        let port = try #require(line.split(separator: ":").last.flatMap { Int($0) }, "\(line)")
        let pid = server.process.processIdentifier
        let idle = Self.residentKiB(pid)

        let good = Good()
        let client = GRPCClient(host: "127.0.0.1", port: port)
        defer { client.close() }
        let request: [UInt8] = [0x0A, 0x02, 0x68, 0x69]  // EchoRequest{message: "hi"}
        let caller = Task {
            while !Task.isCancelled {
                let started = ContinuousClock.now
                do {
                    _ = try await client.unary("/herald.bench.v1.Bench/Echo", request, timeout: .seconds(5))
                    good.latencies.withLock { $0.append(ContinuousClock.now - started) }
                } catch {
                    if !Task.isCancelled { good.failures.withLock { $0.append("\(error)") } }
                }
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
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
        ] {
            let result = try await offPool { try runProcess(python, [script, attack, "--port", "\(port)", "--count", "\(count)"]) }
            #expect(result.stdoutText.hasPrefix(expected), "\(attack): \(result.stdoutText)\(result.stderr)")
            if attack == "invalid_frames" {
                let after = result.stdoutText.split(separator: " ").last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? .max
                #expect(after < 400, "ended after \(after) bad streams, the budget is 200")
            }
            #expect(kill(pid, 0) == 0, "the server survived \(attack)")
            let resident = Self.residentKiB(pid)
            #expect(resident < idle + 100 * 1024, "\(attack): \(resident) KiB resident, \(idle) KiB idle")
        }
        caller.cancel()
        _ = await caller.value

        // 1,000 connections at once from one address, against a server capping a peer at 200 (and keeping quiet
        // connections for 30 s, so that only the cap closes them): 800 are refused.
        let capped = try RunningProcess(
            "\(TestEnvironment.binDirectory)/rpc-testserver",
            ["--port", "0", "--max_connections_per_peer", "200", "--first_stream_timeout_ms", "30000"])
        defer { capped.stop() }
        let cappedLine = try await offPool { capped.firstLine() }
        let cappedPort = try #require(cappedLine.split(separator: ":").last.flatMap { Int($0) }, "\(cappedLine)")
        let flood = try await offPool { try runProcess(python, [script, "connections", "--port", "\(cappedPort)", "--count", "1000"]) }
        #expect(flood.stdoutText.hasPrefix("refused 800 of 1000"), "\(flood.stdoutText)\(flood.stderr)")
        #expect(kill(capped.process.processIdentifier, 0) == 0)
        let latencies = good.latencies.withLock { $0 }.sorted()
        #expect(good.failures.withLock { $0 }.isEmpty, "\(good.failures.withLock { $0 })")
        #expect(latencies.count > 20)
        let p99 = latencies[min(latencies.count - 1, latencies.count * 99 / 100)]
        #expect(p99 < .milliseconds(500), "the good client's p99 during the attacks: \(p99)")
    }
}
