import Foundation
import TestSupport
import Testing

/// gRPC's interop cases, run by a real gRPC implementation (Python grpcio) against `rpc-testserver`.
@Suite("Interop: Python grpcio client against rpc-testserver")
struct InteropTests {
    static let root = TestEnvironment.root

    static let cases = [
        "empty_unary", "large_unary", "client_streaming", "server_streaming", "ping_pong", "empty_stream",
        "custom_metadata",
        "status_code_and_message", "special_status_message", "unimplemented_method", "unimplemented_service",
        "cancel_after_begin", "cancel_after_first_response", "timeout_on_sleeping_server", "client_compressed_unary",
        "server_compressed_unary", "client_compressed_streaming", "server_compressed_streaming", "health_check",
        "health_watch",
        "reflection", "slow_reader", "unix_socket", "hostile_inputs", "graceful_shutdown",
    ]

    @Test(
        "every loopback case passes, grpcio's health and reflection clients work, a client that stops reading does not grow the server, Unix sockets serve too, SIGTERM drains"
    )
    func loopbackCases() throws {
        guard let python = TestEnvironment.python() else { return }
        let bin = TestEnvironment.binDirectory
        let socketPath = FileManager.default.temporaryDirectory.appendingPathComponent(
            "herald-\(UUID().uuidString.prefix(8)).sock"
        ).path
        defer { try? FileManager.default.removeItem(atPath: socketPath) }
        let server = try RunningProcess("\(bin)/rpc-testserver", ["--port=0", "--unix_socket", socketPath])
        defer { server.stop() }
        let port = try InteropClientTests.port(server)
        let result = try runProcess(
            python,
            [
                Self.root.appendingPathComponent("Tests/InteropTests/Python/interop_client.py").path,
                "--protos", Self.root.appendingPathComponent("Protos").path, "--server_port", String(port),
                "--test_case", Self.cases.joined(separator: ","), "--server_pid",
                String(server.process.processIdentifier),
                "--unix_socket", socketPath,
            ])
        let lines = result.stdoutText.split(separator: "\n").map(String.init)
        for name in Self.cases {
            #expect(
                lines.contains("PASS \(name)"),
                "\(lines.first { $0.hasPrefix("FAIL \(name)") } ?? "\(name) did not run: \(result.stderr.suffix(500))")"
            )
        }
        #expect(result.status == 0)
        // graceful_shutdown sent SIGTERM: the server drains and exits 0 on its own.
        for _ in 0..<500 where server.process.isRunning { usleep(10_000) }
        #expect(!server.process.isRunning, "rpc-testserver did not exit after SIGTERM")
        if !server.process.isRunning {
            #expect(server.process.terminationReason == .exit && server.process.terminationStatus == 0)
        }
    }
}

/// Herald's interop client against a real gRPC implementation's server (Python grpcio), and against Herald's own.
@Suite("Interop: rpc-testclient against Python grpcio and rpc-testserver")
struct InteropClientTests {
    static let cases = [
        "empty_unary", "large_unary", "client_streaming", "server_streaming", "ping_pong", "empty_stream",
        "custom_metadata",
        "status_code_and_message", "special_status_message", "unimplemented_method", "unimplemented_service",
        "cancel_after_begin", "cancel_after_first_response", "timeout_on_sleeping_server",
    ]

    func runClient(port: Int, cases: [String] = Self.cases) throws {
        let bin = TestEnvironment.binDirectory
        let result = try runProcess(
            "\(bin)/rpc-testclient",
            [
                "--server_host", "127.0.0.1", "--server_port=\(port)", "--test_case", cases.joined(separator: ","),
            ])
        let lines = result.stdoutText.split(separator: "\n").map(String.init)
        for name in cases {
            #expect(
                lines.contains("PASS \(name)"),
                "\(lines.first { $0.hasPrefix("FAIL \(name)") } ?? "\(name) did not run: \(result.stderr.suffix(500))")"
            )
        }
        #expect(result.status == 0)
    }

    static func port(_ server: RunningProcess) throws -> Int {
        let banner = server.firstLine()
        return try #require(banner.split(separator: ":").last.flatMap { Int($0) }, "no port in \(banner)")
    }

    @Test("every case passes against a Python grpcio TestService")
    func againstGrpcio() throws {
        guard let python = TestEnvironment.python() else { return }
        let server = try RunningProcess(
            python,
            [
                InteropTests.root.appendingPathComponent("Tests/InteropTests/Python/interop_server.py").path,
                "--protos", InteropTests.root.appendingPathComponent("Protos").path,
            ])
        defer { server.stop() }
        try runClient(port: try Self.port(server))
    }

    @Test("every case, the four compression cases too, passes against rpc-testserver")
    func againstHerald() throws {
        let bin = TestEnvironment.binDirectory
        let server = try RunningProcess("\(bin)/rpc-testserver", ["--port", "0"])
        defer { server.stop() }
        try runClient(
            port: try Self.port(server),
            cases: Self.cases + [
                "client_compressed_unary", "server_compressed_unary", "client_compressed_streaming",
                "server_compressed_streaming",
            ])
    }
}
