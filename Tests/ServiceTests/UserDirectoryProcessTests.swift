import Codec
import Foundation
import HeraldCore
import Postgres
import RPC
import TestSupport
import Testing
import TypedClients

/// The user-directory process as users run it: called by a Python grpcio client generated from Protos/, killed in
/// the middle of an erasure, started with the wrong key, and driven by `heraldctl users`.
@Suite("user-directory process")
struct UserDirectoryProcessTests {
    @Test("a Python grpcio client generated from Protos/ calls every method, streams and error cases included")
    func polyglot() async throws {
        let database = try await TestDatabase.migratedDatabaseWithUser()
        defer { Task { try? await TestDatabase.dropDatabase(database.name) } }
        let service = try await ServiceProcess.start("user-directory", databaseURL: database.url)
        defer { service.stop() }
        try await runPolyglotClient("users_client.py", port: service.port, user: database.user)
    }

    @Test("an erasure recorded before a kill -9 is carried out after the restart; the data stays until then")
    func erasureSurvivesKill() async throws {
        let database = try await TestDatabase.migratedDatabaseWithUser()
        defer { Task { try? await TestDatabase.dropDatabase(database.name) } }
        let delayed = ["USER_ERASURE_DELAY_MS": "1500"]
        let first = try await ServiceProcess.start("user-directory", databaseURL: database.url, environment: delayed)
        let client = GRPCClient(host: "127.0.0.1", port: first.port)
        let user = try await UserCalls.create(client, #"{"externalId": "kill-me", "email": "kill-me@example.com"}"#)
        let request = try await UserCalls.call(
            client, "EraseUser", "{\"userId\": \"\(user)\", \"requestedBy\": \"dpo@example.com\"}")["request"]
        client.close()
        #expect(request["state"].string == "DATA_SUBJECT_REQUEST_STATE_PENDING")
        kill(first.pid, SIGKILL)
        first.stop()

        let pool = TestDatabase.pool(url: database.url)
        defer { pool.close() }
        let id = try #require(UUID(uuidString: user))
        #expect(
            try await pool.query("SELECT 1 FROM users.users WHERE id = $1 AND email_enc IS NOT NULL", [id]).rowCount
                == 1)
        let second = try await ServiceProcess.start("user-directory", databaseURL: database.url, environment: delayed)
        defer { second.stop() }
        var state = ""
        for _ in 0..<100 where state != "completed" {
            try await Task.sleep(for: .milliseconds(100))
            state = try await pool.query(
                "SELECT state FROM users.data_subject_requests WHERE id = $1",
                [UUID(uuidString: request["id"].string ?? "")!]
            )[0].decode("state")
        }
        #expect(state == "completed")
        let row = try await pool.query(
            "SELECT email_enc IS NULL AS gone, erased_at IS NOT NULL AS erased FROM users.users WHERE id = $1", [id])
        #expect(try row[0].decode("gone", as: Bool.self) && row[0].decode("erased", as: Bool.self))
    }

    @Test(
        "without a key, or with a key that does not open the stored data, user-directory refuses to start (status 78)")
    func wrongKey() async throws {
        let database = try await TestDatabase.migratedDatabaseWithUser()
        defer { Task { try? await TestDatabase.dropDatabase(database.name) } }
        let service = try await ServiceProcess.start("user-directory", databaseURL: database.url)
        let client = GRPCClient(host: "127.0.0.1", port: service.port)
        _ = try await UserCalls.create(client, #"{"externalId": "sealed", "email": "sealed@example.com"}"#)
        client.close()
        service.stop()
        let executable = try #require(ServiceProcess.executable("user-directory"))
        func run(_ key: String) async throws -> ProcessOutput {
            try await runBlocking {
                try runProcess(
                    executable, ["--port", "0", "--admin_port", "0"],
                    environment: ["HERALD_DATABASE_URL": database.url, "ENCRYPTION_KEY": key, "LOG_LEVEL": "error"])
            }
        }
        let missing = try await run("")
        #expect(missing.status == 78 && missing.stderr.contains("ENCRYPTION_KEY"), "\(missing.stderr)")
        let wrong = try await run(Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString())
        #expect(wrong.status == 78, "\(wrong.status) \(wrong.stderr)")
        #expect(wrong.stderr.contains("does not open users.users"), "\(wrong.stderr)")
    }
}

extension UserDirectoryProcessTests {
    @Test(
        "heraldctl users: generate and import a file with a bad row, list, get, consent, GDPR export, erase and status")
    func cli() async throws {
        let database = try await TestDatabase.migratedDatabaseWithUser()
        defer { Task { try? await TestDatabase.dropDatabase(database.name) } }
        let service = try await ServiceProcess.start("user-directory", databaseURL: database.url)
        defer { service.stop() }
        let heraldctl = "\(TestEnvironment.binDirectory)/heraldctl"
        func ctl(_ arguments: [String]) async throws -> ProcessOutput {
            try await runBlocking {
                try runProcess(heraldctl, ["users"] + arguments + ["--server", "127.0.0.1:\(service.port)"])
            }
        }
        let generated = try await runBlocking {
            try runProcess(heraldctl, ["users", "generate", "--count", "200", "--seed", "3"])
        }
        #expect(generated.status == 0)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("users-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        var lines = generated.stdoutText.split(separator: "\n").map(String.init)
        lines[5] = lines[5].replacingOccurrences(of: "@example.com", with: "")  // row 5: an email without a domain
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)

        let imported = try await ctl(["import", file.path])
        #expect(imported.status == 3, "\(imported.stdoutText)\(imported.stderr)")
        #expect(imported.stdoutText.contains("199 created, 0 updated, 1 refused"), "\(imported.stdoutText)")
        #expect(imported.stdoutText.contains("row 5: user.email: expected an address"), "\(imported.stdoutText)")

        let list = try await ctl(["list", "--attr", "country=DE", "--prefix", "synthetic-", "--limit", "500"])
        #expect(list.status == 0, "\(list.stderr)")
        let listed = list.stdoutText.split(separator: "\n")
        #expect(!listed.isEmpty && listed.allSatisfy { $0.contains("synthetic-") }, "\(list.stdoutText)")
        let id = String(try #require(listed.first?.prefix(36)))
        let got = try await ctl(["get", id])
        #expect(got.stdoutText.contains("external id  synthetic-"), "\(got.stdoutText)")
        let consent = try await ctl([
            "consent", id, "--set", "marketing=false,channel:sms=false", "--source", "cli", "--history",
        ])
        #expect(consent.status == 0, "\(consent.stderr)")
        #expect(consent.stdoutText.contains("marketing          withdrawn  cli"), "\(consent.stdoutText)")
        let noSource = try await ctl(["consent", id, "--set", "marketing=true"])
        #expect(noSource.status != 0 && noSource.stderr.contains("consent.source: required"), "\(noSource.stderr)")

        let document = try await ctl(["gdpr", "export", id, "--by", "dpo@example.com"])
        #expect(try JSONValue.parse(document.stdoutText)["user-directory"]["profile"]["id"] == .string(id))
        let erased = try await ctl(["gdpr", "erase", id, "--by", "dpo@example.com"])
        let request = try #require(erased.stdoutText.firstMatch(of: /erasure request ([0-9a-f-]{36})/)?.1).description
        var status = ""
        for _ in 0..<50 where !status.contains(": completed") {
            try await Task.sleep(for: .milliseconds(100))
            status = try await ctl(["gdpr", "status", request]).stdoutText
        }
        #expect(status.contains(": completed") && status.contains("user-directory"), "\(status)")
        let gone = try await ctl(["get", id])
        #expect(gone.status != 0 && gone.stderr.contains("NOT_FOUND"), "\(gone.stderr)")
    }
}

/// UserDirectory calls with proto3 JSON, as any client makes them.
enum UserCalls {
    static func call(_ client: GRPCClient, _ method: String, _ json: String) async throws -> SchemaJSON {
        let method = try JSONMethod("herald.users.v1.UserDirectory/\(method)")
        let response = try await client.unary(method.path, try method.request(json: json), timeout: .seconds(20))
        return SchemaJSON(try method.response(response.message), type: method.output)
    }

    /// Creates a user from a UserProfile's JSON; its id.
    static func create(_ client: GRPCClient, _ user: String) async throws -> String {
        try #require(try await call(client, "CreateUser", "{\"user\": \(user)}")["user"]["id"].string)
    }
}
