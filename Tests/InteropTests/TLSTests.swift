import Foundation
import TestSupport
import Testing

/// TLS and mutual TLS between rpc-testserver, rpc-testclient and Python grpcio, with certificates made here by the
/// openssl command line.
@Suite("TLS and mutual TLS")
struct TLSTests {
    /// A CA, a server certificate for herald.test, a client certificate, and an unrelated CA.
    static func certificates() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-tls-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let script = """
            set -e
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=Herald test CA"
            openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days 2 -subj "/CN=Another CA"
            openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=herald.test"
            printf "subjectAltName=DNS:herald.test\\n" > server.ext
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext
            openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj "/CN=campaign-manager"
            openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2
            """
        let result = try runProcess("/bin/sh", ["-c", script], directory: dir)
        #expect(result.status == 0, "openssl: \(result.stderr)")
        return dir
    }

    static func start(_ arguments: [String]) async throws -> (RunningProcess, Int) {
        let server = try RunningProcess("\(TestEnvironment.binDirectory)/rpc-testserver", ["--port", "0", "--use_tls=true"] + arguments)
        let line = try await offPool { server.firstLine() }
        return (server, try #require(line.split(separator: ":").last.flatMap { Int($0) }, "\(line)"))
    }

    @Test("TLS: grpcio and rpc-testclient call over TLS 1.2+ with ALPN h2; a wrong CA, a wrong name or no h2 is refused")
    func tls() async throws {
        let python = try #require(TestEnvironment.python(), "tools/test prepares the Python environment")
        let dir = try Self.certificates()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file: @Sendable (String) -> String = { name in dir.appendingPathComponent(name).path }
        let (server, port) = try await Self.start(["--tls_cert_file", file("server.pem"), "--tls_key_file", file("server.key")])
        defer { server.stop() }
        let client = TestEnvironment.root.appendingPathComponent("Tests/InteropTests/Python/tls_client.py").path
        func grpcio(_ extra: [String]) async throws -> String {
            try await offPool { try runProcess(python, [client, "--port", "\(port)"] + extra).stdoutText }
        }
        #expect(try await grpcio(["--ca", file("ca.pem"), "--name", "herald.test"]) == "ok\n")
        #expect(try await grpcio(["--ca", file("other.pem"), "--name", "herald.test"]) == "error UNAVAILABLE\n")
        #expect(try await grpcio(["--ca", file("ca.pem"), "--name", "wrong.test"]) == "error UNAVAILABLE\n")

        func testclient(_ extra: [String]) async throws -> ProcessOutput {
            try await offPool {
                try runProcess("\(TestEnvironment.binDirectory)/rpc-testclient", ["--server_port", "\(port)", "--use_tls=true"] + extra)
            }
        }
        let all = try await testclient(["--ca_file", file("ca.pem"), "--server_host_override", "herald.test", "--test_case", "all"])
        #expect(all.status == 0 && all.stdoutText.components(separatedBy: "PASS").count - 1 == 18, "\(all.stdoutText)\(all.stderr)")
        let wrongCA = try await testclient(["--ca_file", file("other.pem"), "--server_host_override", "herald.test", "--test_case", "empty_unary"])
        #expect(wrongCA.stdoutText.hasPrefix("FAIL empty_unary"), "\(wrongCA.stdoutText)")
        let wrongName = try await testclient(["--ca_file", file("ca.pem"), "--server_host_override", "evil.test", "--test_case", "empty_unary"])
        #expect(wrongName.stdoutText.hasPrefix("FAIL empty_unary"), "\(wrongName.stdoutText)")

        let http1 = try await offPool {
            try runProcess("/usr/bin/openssl", ["s_client", "-connect", "127.0.0.1:\(port)", "-alpn", "http/1.1"], input: [])
        }
        #expect((http1.stdoutText + http1.stderr).contains("no application protocol"), "a client without h2 is refused in the handshake")
    }

    @Test("mutual TLS: a client without a certificate from the CA is refused; one with it is served")
    func mutualTLS() async throws {
        let python = try #require(TestEnvironment.python(), "tools/test prepares the Python environment")
        let dir = try Self.certificates()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file: @Sendable (String) -> String = { name in dir.appendingPathComponent(name).path }
        let (server, port) = try await Self.start([
            "--tls_cert_file", file("server.pem"), "--tls_key_file", file("server.key"), "--client_ca_file", file("ca.pem"),
        ])
        defer { server.stop() }
        let client = TestEnvironment.root.appendingPathComponent("Tests/InteropTests/Python/tls_client.py").path
        func grpcio(_ extra: [String]) async throws -> String {
            try await offPool { try runProcess(python, [client, "--port", "\(port)", "--ca", file("ca.pem"), "--name", "herald.test"] + extra).stdoutText }
        }
        #expect(try await grpcio([]) == "error UNAVAILABLE\n")
        #expect(try await grpcio(["--cert", file("client.pem"), "--key", file("client.key")]) == "ok\n")
        #expect(try await grpcio(["--cert", file("server.pem"), "--key", file("server.key")]) == "ok\n", "any certificate of the CA")
        let herald = try await offPool {
            try runProcess("\(TestEnvironment.binDirectory)/rpc-testclient", [
                "--server_port", "\(port)", "--use_tls=true", "--ca_file", file("ca.pem"), "--server_host_override", "herald.test",
                "--client_cert_file", file("client.pem"), "--client_key_file", file("client.key"), "--test_case", "empty_unary,large_unary",
            ])
        }
        #expect(herald.stdoutText == "PASS empty_unary\nPASS large_unary\n", "\(herald.stdoutText)\(herald.stderr)")
    }
}
