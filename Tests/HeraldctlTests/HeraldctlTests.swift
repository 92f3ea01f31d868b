import Foundation
import Postgres
import TestSupport
import Testing

/// Runs the built `heraldctl` as a user would (tools/test passes its folder in HERALD_BIN_DIR).
struct Heraldctl {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
        let bytes: [UInt8]
    }

    static let root = TestEnvironment.root

    static func run(_ arguments: [String], environment: [String: String] = [:], input: [UInt8] = []) throws -> Output {
        let result = try runProcess(
            "\(TestEnvironment.binDirectory)/heraldctl", arguments, input: input, environment: environment,
            directory: root)
        return Output(status: result.status, stdout: result.stdoutText, stderr: result.stderr, bytes: result.stdout)
    }
}

@Suite("heraldctl migrate and config")
struct HeraldctlTests {
    func withDatabase(_ body: (String) async throws -> Void) async throws {
        let database = try await TestDatabase.createDatabase()
        do { try await body(database.url) } catch {
            try await TestDatabase.dropDatabase(database.name)
            throw error
        }
        try await TestDatabase.dropDatabase(database.name)
    }

    @Test("migrate applies every file, then is a no-op the second time; --status lists them")
    func migrateTwice() async throws {
        try await withDatabase { url in
            let first = try Heraldctl.run(["migrate", "--database-url", url])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("applied 0001_schemas_and_types.sql"))
            let second = try Heraldctl.run(["migrate", "--database-url", url])
            #expect(second.status == 0)
            #expect(second.stdout.contains("up to date"))
            #expect(!second.stdout.contains("applied 0"))
            let status = try Heraldctl.run(["migrate", "--status", "--database-url", url])
            #expect(status.stdout.contains("0003_spec_tables.sql"))
            #expect(!status.stdout.contains("pending"))
        }
    }

    @Test("an edited applied migration stops migrate with a message naming the file")
    func editedMigration() async throws {
        try await withDatabase { url in
            #expect(try Heraldctl.run(["migrate", "--database-url", url]).status == 0)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "herald-cli-\(UUID().uuidString)")
            try FileManager.default.copyItem(at: Heraldctl.root.appendingPathComponent("Migrations"), to: folder)
            defer { try? FileManager.default.removeItem(at: folder) }
            let edited = folder.appendingPathComponent("0003_spec_tables.sql")
            try (String(contentsOf: edited, encoding: .utf8) + "\n-- edited\n").write(
                to: edited, atomically: true, encoding: .utf8)
            let result = try Heraldctl.run(["migrate", "--database-url", url, "--directory", folder.path])
            #expect(result.status != 0)
            #expect(result.stderr.contains("0003_spec_tables.sql was edited after it was applied"))
        }
    }

    @Test("a bad configuration value stops the command before it does anything, naming key, value and expectation")
    func badConfig() throws {
        let result = try Heraldctl.run(
            ["config"], environment: ["CAMPAIGN_SERVICE_PORT": "http", "WORKFLOW_RETRY_ATTEMPTS": "many"])
        #expect(result.status == 78)
        #expect(
            result.stderr.contains(
                "services.campaign-manager.port = \"http\" (from environment variable CAMPAIGN_SERVICE_PORT)"))
        #expect(result.stderr.contains("workflow.retryAttempts = \"many\""))
        let good = try Heraldctl.run(["config"])
        #expect(good.status == 0)
        #expect(good.stdout.contains("campaign-manager"))
    }
}

@Suite("heraldctl proto")
struct HeraldctlProtoTests {
    @Test("list names every known message type")
    func list() throws {
        let result = try Heraldctl.run(["proto", "list"])
        #expect(result.status == 0)
        for name in ["grpc.testing.SimpleRequest", "grpc.health.v1.HealthCheckResponse", "google.protobuf.Timestamp"] {
            #expect(result.stdout.split(separator: "\n").contains(Substring(name)))
        }
    }

    @Test("encode gives the bytes protoc gives, and decode turns them back into canonical JSON")
    func roundTrip() throws {
        let json =
            #"{"responseSize":314159,"payload":{"body":"AAEC"},"responseStatus":{"code":2,"message":"test status ☺"}}"#
        let encoded = try Heraldctl.run(["proto", "encode", "grpc.testing.SimpleRequest"], input: Array(json.utf8))
        #expect(encoded.status == 0, "\(encoded.stderr)")
        #expect(
            encoded.bytes == [
                0x10, 0xAF, 0x96, 0x13, 0x1A, 0x05, 0x12, 0x03, 0x00, 0x01, 0x02, 0x3A, 0x13, 0x08, 0x02, 0x12, 0x0F,
            ]
                + Array("test status ☺".utf8))
        let decoded = try Heraldctl.run(["proto", "decode", "grpc.testing.SimpleRequest"], input: encoded.bytes)
        #expect(decoded.status == 0)
        #expect(decoded.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == json)
    }

    @Test("bad input exits non-zero with the field path on stderr")
    func errors() throws {
        let badJSON = try Heraldctl.run(
            ["proto", "encode", "grpc.testing.SimpleRequest"], input: Array(#"{"payload":{"body":5}}"#.utf8))
        #expect(badJSON.status != 0)
        #expect(badJSON.stderr.contains("payload.body: expected base64 text"))
        let badBytes = try Heraldctl.run(["proto", "decode", "grpc.testing.SimpleRequest"], input: [0x1A, 0x05, 0x12])
        #expect(badBytes.status != 0)
        #expect(badBytes.stderr.contains("payload: length 5 runs past the end"))
        let unknown = try Heraldctl.run(["proto", "decode", "no.Such"], input: [])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("unknown message type no.Such"))
    }
}

@Suite("heraldctl health and call")
struct HeraldctlRemoteTests {
    static var bin: String { TestEnvironment.binDirectory }

    static func port(of server: RunningProcess) throws -> String {
        let banner = server.firstLine()
        return try #require(banner.split(separator: ":").last.map(String.init), "no port in \(banner)")
    }

    @Test("against Herald's rpc-testserver: health, a call, a call that fails with a status")
    func herald() throws {
        let server = try RunningProcess("\(Self.bin)/rpc-testserver", ["--port", "0"])
        defer { server.stop() }
        let address = "127.0.0.1:\(try Self.port(of: server))"
        let health = try Heraldctl.run(["health", address])
        #expect(health.status == 0)
        #expect(health.stdout == "SERVING\n")
        let unknown = try Heraldctl.run(["health", address, "no.Such"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("NOT_FOUND: unknown service no.Such"))
        let echo = try Heraldctl.run([
            "call", address, "herald.bench.v1.Bench/Echo", "--data", #"{"message":"héllo ☺"}"#,
        ])
        #expect(echo.status == 0, "\(echo.stderr)")
        #expect(echo.stdout.contains(#""message": "héllo ☺""#))
        let failing = try Heraldctl.run([
            "call", address, "grpc.testing.TestService/UnaryCall", "--data",
            #"{"responseStatus":{"code":9,"message":"not now ☺"}}"#,
        ])
        #expect(failing.status != 0)
        #expect(failing.stderr.contains("FAILED_PRECONDITION: not now ☺"))
        let badJSON = try Heraldctl.run(["call", address, "herald.bench.v1.Bench/Echo", "--data", #"{"mesage":"x"}"#])
        #expect(badJSON.status != 0)
        #expect(badJSON.stderr.contains("mesage: unknown field"))
    }

    @Test("against a Python grpcio server: Herald's client calls another implementation")
    func grpcio() throws {
        guard let python = TestEnvironment.python() else { return }
        let script = Heraldctl.root.appendingPathComponent("Tests/InteropTests/Python/echo_server.py").path
        let server = try RunningProcess(python, [script])
        defer { server.stop() }
        let address = "127.0.0.1:\(try Self.port(of: server))"
        #expect(try Heraldctl.run(["health", address]).stdout == "SERVING\n")
        let notServing = try Heraldctl.run(["health", address, "herald.bench.v1.Bench"])
        #expect(notServing.status != 0)
        #expect(notServing.stdout == "NOT_SERVING\n")
        let echo = try Heraldctl.run([
            "call", address, "herald.bench.v1.Bench/Echo", "--data", #"{"message":"from Swift"}"#,
        ])
        #expect(echo.status == 0, "\(echo.stderr)")
        #expect(echo.stdout.contains(#""message": "from Swift""#))
        let refused = try Heraldctl.run(["health", "127.0.0.1:1"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("UNAVAILABLE"))
    }

    @Test(
        "bench: counts answered calls and failures by status, with latency percentiles; --data-file sends its lines in turn"
    )
    func bench() throws {
        let server = try RunningProcess("\(TestEnvironment.binDirectory)/rpc-testserver", ["--port", "0"])
        defer { server.stop() }
        let address = "127.0.0.1:\(try Self.port(of: server))"
        let run = try Heraldctl.run([
            "bench", address, "herald.bench.v1.Bench/Echo", "--data", #"{"message":"x"}"#, "--requests", "300",
            "--connections", "2", "--concurrency", "4", "--json",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains(#""calls": 300"#), "\(run.stdout)")
        #expect(run.stdout.contains(#""errors": {}"#))
        #expect(run.stdout.contains(#""p99.9": "#))
        let failing = try Heraldctl.run([
            "bench", address, "grpc.testing.TestService/UnaryCall", "--data",
            #"{"responseStatus":{"code":14,"message":"down"}}"#,
            "--requests", "20", "--connections", "1", "--concurrency", "2",
        ])
        #expect(failing.status != 0, "no call answered")
        #expect(failing.stdout.contains("errors:   UNAVAILABLE 20 (down)"), "\(failing.stdout)")

        // --data-file: one request per line, sent in turn (one worker: lines 1, 3, 4, 1, 3, 4, ...).
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID()).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        try "{}\n\n{\"responseStatus\":{\"code\":14,\"message\":\"down\"}}\n{}\n".write(
            to: file, atomically: true, encoding: .utf8)
        let mixed = try Heraldctl.run([
            "bench", address, "grpc.testing.TestService/UnaryCall", "--data-file", file.path, "--requests", "30",
            "--connections", "1", "--concurrency", "1",
        ])
        #expect(mixed.status == 0, "\(mixed.stderr)")
        #expect(mixed.stdout.contains("calls:    20 answered"), "\(mixed.stdout)")
        #expect(mixed.stdout.contains("errors:   UNAVAILABLE 10 (down)"), "\(mixed.stdout)")
        try "{\"message\":\"x\"}\n{\"mesage\":\"x\"}\n".write(to: file, atomically: true, encoding: .utf8)
        let typo = try Heraldctl.run([
            "bench", address, "herald.bench.v1.Bench/Echo", "--data-file", file.path, "--requests", "1",
        ])
        #expect(typo.status != 0)
        #expect(
            typo.stderr.contains("\(file.path):2: bad request JSON") && typo.stderr.contains("mesage"), "\(typo.stderr)"
        )
    }

    @Test("call discovers a service Herald has no schema for through the server's reflection (Python grpcio)")
    func callByReflection() throws {
        guard let python = TestEnvironment.python() else { return }
        let script = Heraldctl.root.appendingPathComponent("Tests/HeraldctlTests/Python/greeter_server.py").path
        let server = try RunningProcess(python, [script])
        defer { server.stop() }
        let address = "127.0.0.1:\(try Self.port(of: server))"
        let data =
            #"{"name": "Ada", "mood": "MOOD_CHEERFUL", "counts": {"a": 2, "b": 3}, "phone": "+33", "at": "2026-11-29T10:00:00.5Z", "ids": ["10", "20"]}"#
        let reply = try Heraldctl.run(["call", address, "demo.greeter.v1.Greeter/SayHello", "--data", data])
        #expect(reply.status == 0, "\(reply.stderr)")
        #expect(reply.stdout.contains(#""greeting": "hello Ada, MOOD_CHEERFUL, via phone""#), "\(reply.stdout)")
        #expect(reply.stdout.contains(#""total": "35""#))
        #expect(reply.stdout.contains(#""at": "2026-11-29T10:00:00.500Z""#))
        let typo = try Heraldctl.run(["call", address, "demo.greeter.v1.Greeter/SayHello", "--data", #"{"nmae": "x"}"#])
        #expect(typo.status != 0 && typo.stderr.contains("nmae: unknown field"), "\(typo.stderr)")
        let missing = try Heraldctl.run(["call", address, "demo.greeter.v1.Greeter/SayBye"])
        #expect(
            missing.status != 0 && missing.stderr.contains("no method demo.greeter.v1.Greeter/SayBye"),
            "\(missing.stderr)")
    }
}
