import Foundation
import HeraldCore
import TestSupport
import Testing

/// rpc-testclient on the service client library against Python grpcio's TestService, with network faults in
/// between (FaultProxy).
@Suite("Interop cases through faults")
struct InteropFaultTests {
    static func testclient(_ port: Int, _ cases: String, library: Bool) async throws -> ProcessOutput {
        try await runBlocking {
            try runProcess(
                "\(TestEnvironment.binDirectory)/rpc-testclient",
                ["--server_port", "\(port)", "--test_case", cases] + (library ? ["--use_service_client=true"] : []))
        }
    }

    @Test(
        "with 20 ms added each way the 14 loopback cases pass; with connections reset for a while, retries carry the unary cases through"
    )
    func throughFaults() async throws {
        let python = try #require(TestEnvironment.python(), "tools/test prepares the Python environment")
        let server = try RunningProcess(
            python,
            [
                TestEnvironment.root.appendingPathComponent("Tests/InteropTests/Python/interop_server.py").path,
                "--protos", TestEnvironment.root.appendingPathComponent("Protos").path,
            ])
        defer { server.stop() }
        let line = try await runBlocking { server.firstLine() }
        let upstream = try #require(line.split(separator: ":").last.flatMap { Int($0) }, "\(line)")
        let proxy = try FaultProxy(upstream: upstream)
        defer { proxy.stop() }

        // gRPC's loopback cases but the compression ones (grpcio's Python server cannot tell a compressed request).
        let cases = [
            "empty_unary", "large_unary", "client_streaming", "server_streaming", "ping_pong", "empty_stream",
            "custom_metadata",
            "status_code_and_message", "special_status_message", "unimplemented_method", "unimplemented_service",
            "cancel_after_begin", "cancel_after_first_response", "timeout_on_sleeping_server",
        ]
        proxy.set(.latency, latency: .milliseconds(20))
        let slow = try await Self.testclient(proxy.port, cases.joined(separator: ","), library: true)
        #expect(slow.status == 0, "\(slow.stdoutText)")
        #expect(slow.stdoutText.components(separatedBy: "PASS").count - 1 == cases.count, "\(slow.stdoutText)")

        // Connections reset for 400 ms: a plain client fails the first call, the library retries it through.
        let unary = "empty_unary,large_unary,status_code_and_message"
        proxy.set(.reset)
        let plain = try await Self.testclient(proxy.port, "empty_unary", library: false)
        #expect(plain.stdoutText.contains("FAIL empty_unary"), "\(plain.stdoutText)")
        let recovery = Task {
            try await Task.sleep(for: .milliseconds(400))
            proxy.set(.pass)
        }
        let retried = try await Self.testclient(proxy.port, unary, library: true)
        try await recovery.value
        #expect(retried.status == 0, "\(retried.stdoutText)")
        #expect(retried.stdoutText.components(separatedBy: "PASS").count - 1 == 3, "\(retried.stdoutText)")
    }
}
