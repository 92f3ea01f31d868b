import Foundation
import HeraldCore
import RPC
import TestSupport
import Testing

/// TLS and mutual TLS between rpc-testserver, rpc-testclient and Python grpcio, with certificates made here by the
/// openssl command line.
@Suite("TLS and mutual TLS")
struct TLSTests {
    /// A CA, a server certificate for herald.test, a client certificate, and an unrelated CA.
    static func certificates() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "herald-tls-\(UUID().uuidString.prefix(8))")
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
            # A certificate for herald.test that expired in 2020 (openssl ca can set the dates).
            printf "[ ca ]\\ndefault_ca = d\\n[ d ]\\ndatabase = index.txt\\nnew_certs_dir = .\\nserial = serial\\ndefault_md = sha256\\npolicy = p\\n[ p ]\\ncommonName = supplied\\n" > ca.cnf
            touch index.txt && echo 01 > serial
            openssl req -newkey rsa:2048 -nodes -keyout expired.key -out expired.csr -subj "/CN=herald.test"
            openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in expired.csr -out expired.pem \\
              -startdate 20200101000000Z -enddate 20200102000000Z -extfile server.ext
            """
        let result = try runProcess("/bin/sh", ["-c", script], directory: dir)
        #expect(result.status == 0, "openssl: \(result.stderr)")
        return dir
    }

    static func start(_ arguments: [String]) async throws -> (RunningProcess, Int) {
        let server = try RunningProcess(
            "\(TestEnvironment.binDirectory)/rpc-testserver", ["--port", "0", "--use_tls=true"] + arguments)
        let line = try await runBlocking { server.firstLine() }
        return (server, try #require(line.split(separator: ":").last.flatMap { Int($0) }, "\(line)"))
    }

    @Test(
        "TLS: grpcio and rpc-testclient call over TLS 1.2+ with ALPN h2; a wrong CA, a wrong name or no h2 is refused")
    func tls() async throws {
        let python = try #require(TestEnvironment.python(), "tools/test prepares the Python environment")
        let dir = try Self.certificates()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file: @Sendable (String) -> String = { name in dir.appendingPathComponent(name).path }
        let (server, port) = try await Self.start([
            "--tls_cert_file", file("server.pem"), "--tls_key_file", file("server.key"),
        ])
        defer { server.stop() }
        let client = TestEnvironment.root.appendingPathComponent("Tests/InteropTests/Python/tls_client.py").path
        func grpcio(_ extra: [String]) async throws -> String {
            try await runBlocking { try runProcess(python, [client, "--port", "\(port)"] + extra).stdoutText }
        }
        #expect(try await grpcio(["--ca", file("ca.pem"), "--name", "herald.test"]) == "ok\n")
        #expect(try await grpcio(["--ca", file("other.pem"), "--name", "herald.test"]) == "error UNAVAILABLE\n")
        #expect(try await grpcio(["--ca", file("ca.pem"), "--name", "wrong.test"]) == "error UNAVAILABLE\n")

        func testclient(_ extra: [String]) async throws -> ProcessOutput {
            try await runBlocking {
                try runProcess(
                    "\(TestEnvironment.binDirectory)/rpc-testclient",
                    ["--server_port", "\(port)", "--use_tls=true"] + extra)
            }
        }
        let all = try await testclient([
            "--ca_file", file("ca.pem"), "--server_host_override", "herald.test", "--test_case", "all",
        ])
        #expect(
            all.status == 0 && all.stdoutText.components(separatedBy: "PASS").count - 1 == 18,
            "\(all.stdoutText)\(all.stderr)")
        let wrongCA = try await testclient([
            "--ca_file", file("other.pem"), "--server_host_override", "herald.test", "--test_case", "empty_unary",
        ])
        #expect(wrongCA.stdoutText.hasPrefix("FAIL empty_unary"), "\(wrongCA.stdoutText)")
        let wrongName = try await testclient([
            "--ca_file", file("ca.pem"), "--server_host_override", "evil.test", "--test_case", "empty_unary",
        ])
        #expect(wrongName.stdoutText.hasPrefix("FAIL empty_unary"), "\(wrongName.stdoutText)")

        let http1 = try await runBlocking {
            try runProcess(
                "/usr/bin/openssl", ["s_client", "-connect", "127.0.0.1:\(port)", "-alpn", "http/1.1"], input: [])
        }
        #expect(
            (http1.stdoutText + http1.stderr).contains("no application protocol"),
            "a client without h2 is refused in the handshake")
    }

    @Test(
        "a TLS handshake never started or left half-done is closed at the handshake timeout, before the preface and first-stream timeouts; a TLS client is served meanwhile"
    )
    func handshakeTimeout() async throws {
        let python = try #require(TestEnvironment.python(), "tools/test prepares the Python environment")
        let dir = try Self.certificates()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file: @Sendable (String) -> String = { name in dir.appendingPathComponent(name).path }
        let (server, port) = try await Self.start([
            "--tls_cert_file", file("server.pem"), "--tls_key_file", file("server.key"), "--handshake_timeout_ms",
            "1000",
            "--preface_timeout_ms", "10000", "--first_stream_timeout_ms", "10000",
        ])
        defer { server.stop() }
        let script = TestEnvironment.root.appendingPathComponent("Tests/InteropTests/Python/hostile_client.py").path
        for attack in ["silent", "half_hello"] {
            let result = try await runBlocking {
                try runProcess(python, [script, attack, "--port", "\(port)", "--count", "5"])
            }
            let seconds =
                Double(
                    result.stdoutText.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
                ?? 99
            #expect(
                result.stdoutText.hasPrefix("closed after") && seconds >= 0.8 && seconds < 2.5,
                "\(attack): \(result.stdoutText)\(result.stderr)")
        }
        let client = TestEnvironment.root.appendingPathComponent("Tests/InteropTests/Python/tls_client.py").path
        let answer = try await runBlocking {
            try runProcess(python, [client, "--port", "\(port)", "--ca", file("ca.pem"), "--name", "herald.test"])
                .stdoutText
        }
        #expect(answer == "ok\n")
    }

    @Test("mutual TLS: a client without a certificate from the CA is refused; one with it is served")
    func mutualTLS() async throws {
        let python = try #require(TestEnvironment.python(), "tools/test prepares the Python environment")
        let dir = try Self.certificates()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file: @Sendable (String) -> String = { name in dir.appendingPathComponent(name).path }
        let (server, port) = try await Self.start([
            "--tls_cert_file", file("server.pem"), "--tls_key_file", file("server.key"), "--client_ca_file",
            file("ca.pem"),
        ])
        defer { server.stop() }
        let client = TestEnvironment.root.appendingPathComponent("Tests/InteropTests/Python/tls_client.py").path
        func grpcio(_ extra: [String]) async throws -> String {
            try await runBlocking {
                try runProcess(
                    python, [client, "--port", "\(port)", "--ca", file("ca.pem"), "--name", "herald.test"] + extra
                ).stdoutText
            }
        }
        #expect(try await grpcio([]) == "error UNAVAILABLE\n")
        #expect(try await grpcio(["--cert", file("client.pem"), "--key", file("client.key")]) == "ok\n")
        #expect(
            try await grpcio(["--cert", file("server.pem"), "--key", file("server.key")]) == "ok\n",
            "any certificate of the CA")
        let herald = try await runBlocking {
            try runProcess(
                "\(TestEnvironment.binDirectory)/rpc-testclient",
                [
                    "--server_port", "\(port)", "--use_tls=true", "--ca_file", file("ca.pem"), "--server_host_override",
                    "herald.test",
                    "--client_cert_file", file("client.pem"), "--client_key_file", file("client.key"), "--test_case",
                    "empty_unary,large_unary",
                ])
        }
        #expect(herald.stdoutText == "PASS empty_unary\nPASS large_unary\n", "\(herald.stdoutText)\(herald.stderr)")
    }

    @Test("the verified client certificate's subject reaches handlers and interceptors as the peer identity")
    func peerIdentity() async throws {
        let dir = try Self.certificates()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file: @Sendable (String) -> String = { name in dir.appendingPathComponent(name).path }
        var services = ServiceRegistry()
        services.unary("/t.S/WhoAmI") { _, context in Array((context.peerIdentity ?? "anonymous").utf8) }
        var configuration = GRPCServer.Configuration(host: "127.0.0.1", port: 0)
        configuration.tls = try TLSContext(
            certificateChainFile: file("server.pem"), privateKeyFile: file("server.key"), clientCAFile: file("ca.pem"))
        let server = GRPCServer(configuration, services: services)
        try server.start()
        defer { server.stop() }
        let tls = try TLSContext(
            caFile: file("ca.pem"), serverName: "herald.test", certificateChainFile: file("client.pem"),
            privateKeyFile: file("client.key"))
        let client = GRPCClient(host: "127.0.0.1", port: server.port, tls: tls)
        defer { client.close() }
        let answer = try await client.unary("/t.S/WhoAmI", [], timeout: .seconds(5))
        #expect(String(decoding: answer.message, as: UTF8.self) == "CN=campaign-manager")
    }

    @Test("SIGHUP reloads the certificate: new connections get the new one, an open connection keeps working")
    func reloadOnSIGHUP() async throws {
        let python = try #require(TestEnvironment.python(), "tools/test prepares the Python environment")
        let dir = try Self.certificates()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file: @Sendable (String) -> String = { name in dir.appendingPathComponent(name).path }
        // The served files start as a copy of the first certificate.
        try FileManager.default.copyItem(atPath: file("server.pem"), toPath: file("served.pem"))
        try FileManager.default.copyItem(atPath: file("server.key"), toPath: file("served.key"))
        let (server, port) = try await Self.start([
            "--tls_cert_file", file("served.pem"), "--tls_key_file", file("served.key"),
        ])
        defer { server.stop() }
        let open = GRPCClient(
            host: "127.0.0.1", port: port, tls: try TLSContext(caFile: file("ca.pem"), serverName: "herald.test"))
        defer { open.close() }
        let echo: [UInt8] = [0x0A, 0x01, 0x78]
        #expect(try await open.unary("/herald.bench.v1.Bench/Echo", echo, timeout: .seconds(5)).message == echo)

        // A new certificate for herald.test from the other CA, then SIGHUP.
        let renew = """
            set -e
            openssl req -newkey rsa:2048 -nodes -keyout renewed.key -out renewed.csr -subj "/CN=herald.test"
            openssl x509 -req -in renewed.csr -CA other.pem -CAkey other.key -CAcreateserial -out renewed.pem -days 2 -extfile server.ext
            cp renewed.pem served.pem && cp renewed.key served.key
            """
        #expect(try runProcess("/bin/sh", ["-c", renew], directory: dir).status == 0)
        kill(server.process.processIdentifier, SIGHUP)
        try await Task.sleep(for: .milliseconds(300))

        let client = TestEnvironment.root.appendingPathComponent("Tests/InteropTests/Python/tls_client.py").path
        func grpcio(_ ca: String) async throws -> String {
            try await runBlocking {
                try runProcess(python, [client, "--port", "\(port)", "--ca", file(ca), "--name", "herald.test"])
                    .stdoutText
            }
        }
        #expect(try await grpcio("other.pem") == "ok\n", "new connections get the renewed certificate")
        #expect(try await grpcio("ca.pem") == "error UNAVAILABLE\n", "the old CA no longer verifies it")
        #expect(
            try await open.unary("/herald.bench.v1.Bench/Echo", echo, timeout: .seconds(5)).message == echo,
            "the open connection goes on")
    }

    @Test("an expired server certificate is refused by grpcio and by Herald's client")
    func expiredCertificate() async throws {
        let python = try #require(TestEnvironment.python(), "tools/test prepares the Python environment")
        let dir = try Self.certificates()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file: @Sendable (String) -> String = { name in dir.appendingPathComponent(name).path }
        let (server, port) = try await Self.start([
            "--tls_cert_file", file("expired.pem"), "--tls_key_file", file("expired.key"),
        ])
        defer { server.stop() }
        let client = TestEnvironment.root.appendingPathComponent("Tests/InteropTests/Python/tls_client.py").path
        let grpcio = try await runBlocking {
            try runProcess(python, [client, "--port", "\(port)", "--ca", file("ca.pem"), "--name", "herald.test"])
        }
        #expect(grpcio.stdoutText == "error UNAVAILABLE\n", "\(grpcio.stdoutText)\(grpcio.stderr)")
        let herald = try await runBlocking {
            try runProcess(
                "\(TestEnvironment.binDirectory)/rpc-testclient",
                [
                    "--server_port", "\(port)", "--use_tls=true", "--ca_file", file("ca.pem"), "--server_host_override",
                    "herald.test",
                    "--test_case", "empty_unary",
                ])
        }
        #expect(herald.stdoutText.hasPrefix("FAIL empty_unary"), "\(herald.stdoutText)")
    }
}
