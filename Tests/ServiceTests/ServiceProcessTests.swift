import Foundation
import HeraldCore
import Postgres
import RPC
import ServiceClients
import TestSupport
import Testing

/// The campaign-manager process as users run it: called by a Python grpcio client generated from Protos/,
/// supervised by `heraldctl up`, and driven by `heraldctl campaign`.
@Suite("campaign-manager process")
struct ServiceProcessTests {
    static let quiet = ["LOG_LEVEL": "warning"]

    static func port(from line: String) throws -> Int {
        try #require(line.split(separator: ":").last.flatMap { Int($0) }, "no port in \(line)")
    }

    /// A campaign-manager process on `database`, a free port and `adminPort`; the port.
    static func startService(_ database: String, adminPort: Int = 0) async throws -> (RunningProcess, Int) {
        let server = try RunningProcess(
            "\(TestEnvironment.binDirectory)/campaign-manager", ["--port", "0", "--admin_port", "\(adminPort)"],
            environment: quiet.merging(["HERALD_DATABASE_URL": database]) { $1 })
        return (server, try port(from: try await runBlocking { server.firstLine() }))
    }

    @Test("a Python grpcio client generated from Protos/ calls every method, error cases included")
    func polyglot() async throws {
        let db = try await TestDatabase.migratedDatabaseWithUser()
        defer { Task { try? await TestDatabase.dropDatabase(db.name) } }
        let adminPort = try GRPCServer.freeLoopbackPort()
        let (server, port) = try await Self.startService(db.url, adminPort: adminPort)
        defer { server.stop() }
        try await runPolyglotClient("campaign_client.py", port: port, user: db.user)
        // The admin port counted those calls by method and status, and says the service is ready.
        let metrics = try #require(try await runBlocking { httpGet(port: adminPort, path: "/metrics") })
        #expect(
            metrics.body.contains(
                #"herald_rpc_server_handled_total{code="OK",method="/herald.campaigns.v1.CampaignManager/CreateCampaign"}"#
            ))
        #expect(
            metrics.body.contains(
                #"herald_rpc_server_handled_total{code="INVALID_ARGUMENT",method="/herald.campaigns.v1.CampaignManager/CreateCampaign"}"#
            ))
        // Ready once the database answered (asynchronously after start): as an orchestrator would, ask again.
        var ready: Int?
        for _ in 0..<50 {
            ready = try await runBlocking { httpGet(port: adminPort, path: "/readyz") }?.status
            if ready == 200 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(ready == 200)
    }

    @Test("under heraldctl up, a SIGKILLed campaign-manager is back within 2 s with every acknowledged write")
    func killAndRestart() async throws {
        let db = try await TestDatabase.migratedDatabaseWithUser()
        defer { Task { try? await TestDatabase.dropDatabase(db.name) } }
        let state = FileManager.default.temporaryDirectory.appendingPathComponent(
            "herald-up-\(UUID().uuidString.prefix(8))"
        ).path
        let port = try GRPCServer.freeLoopbackPort()
        let up = try RunningProcess(
            "\(TestEnvironment.binDirectory)/heraldctl", ["up", "--state-dir", state, "--database-url", db.url],
            environment: Self.quiet.merging([
                "CAMPAIGN_SERVICE_PORT": "\(port)", "USER_DIRECTORY_PORT": "\(try GRPCServer.freeLoopbackPort())",
            ]) { $1 })
        defer { up.stop() }
        #expect(try await runBlocking { up.firstLine() }.contains("database"))
        let client = GRPCClient(host: "127.0.0.1", port: port)
        defer { client.close() }
        try await waitUntilServing(client, within: .seconds(30))

        var acknowledged: [String: Int] = [:]  // campaign id -> version the service acknowledged
        for i in 0..<20 {
            let created = try await CampaignCalls.create(client, user: db.user, name: "Durable \(i)")
            acknowledged[created] = 1
            if i % 2 == 0 {
                try await CampaignCalls.update(client, id: created, user: db.user, expectedVersion: 1)
                acknowledged[created] = 2
            }
        }
        let child = try #require(childPid(of: up.process.processIdentifier, named: "campaign-manage"))
        kill(child, SIGKILL)
        let killedAt = ContinuousClock.now
        try await waitUntilServing(client, within: .seconds(10))
        let back = ContinuousClock.now - killedAt
        #expect(back < .seconds(2), "back after \(back)")
        #expect(childPid(of: up.process.processIdentifier, named: "campaign-manage") != child)
        for (id, version) in acknowledged {
            #expect(try await CampaignCalls.version(client, id: id) == version)
        }
        // Every built service stops in order (five of them now), each draining its calls: more than 2 s in all.
        let output = try await runBlocking { up.remainingOutput(grace: .seconds(15)) }
        #expect(output.contains("campaign-manager killed by signal 9; restarting"))
        #expect(output.contains("[heraldctl] stopped"))
    }

    @Test(
        "heraldctl campaign: create from YAML, list, update, rollback, execute, illegal transition, a bad id's field violation"
    )
    func cli() async throws {
        let db = try await TestDatabase.migratedDatabaseWithUser()
        defer { Task { try? await TestDatabase.dropDatabase(db.name) } }
        let (server, port) = try await Self.startService(db.url)
        defer { server.stop() }
        let endpoint = "127.0.0.1:\(port)"
        let user = db.user
        func ctl(_ arguments: [String]) async throws -> ProcessOutput {
            try await runBlocking {
                try runProcess(
                    "\(TestEnvironment.binDirectory)/heraldctl",
                    ["campaign"] + arguments + ["--server", endpoint, "--as", user],
                    directory: TestEnvironment.root)
            }
        }
        let created = try await ctl(["create", "-f", "Config/examples/welcome-campaign.yaml", "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let id = try #require(created.stdoutText.firstMatch(of: /"id": "([0-9a-f-]{36})"/)?.1).description
        let list = try await ctl(["list", "--tag", "demo"])
        #expect(
            list.stdoutText.contains(id) && list.stdoutText.contains("Welcome series  one_time  draft"),
            "\(list.stdoutText)")
        let updated = try await ctl(["update", id, "-f", "Config/examples/welcome-campaign-v2.yaml"])
        #expect(updated.stdoutText.contains("version 2"), "\(updated.stdoutText)\(updated.stderr)")
        let rolled = try await ctl(["rollback", id, "--to", "1"])
        #expect(
            rolled.stdoutText.contains("Welcome series  (\(id))") && rolled.stdoutText.contains("version 3"),
            "\(rolled.stdoutText)")
        let versions = try await ctl(["versions", id])
        #expect(versions.stdoutText.contains("rollback to 1"))
        #expect(try await ctl(["execute", id]).stdoutText.contains("pending"))
        let illegal = try await ctl(["archive", id])
        #expect(illegal.status != 0)
        #expect(
            illegal.stderr.contains(
                "FAILED_PRECONDITION: cannot archive a campaign that is active (archive needs completed)"))
        let badID = try await ctl(["get", "welcome"])
        #expect(badID.status != 0)
        #expect(
            badID.stderr.contains(
                "heraldctl campaign: INVALID_ARGUMENT:\n  campaign_id: expected a UUID, got \"welcome\""),
            "\(badID.stderr)")
        let missingFile = try await ctl(["create", "-f", "/nonexistent.yaml"])
        #expect(missingFile.status != 0 && missingFile.stderr.contains("cannot read /nonexistent.yaml"))
    }

    @Test(
        "TLS from the configuration: campaign-manager serves TLS; a service client made from the same configuration calls it, a cleartext one cannot"
    )
    func tlsFromConfiguration() async throws {
        let db = try await TestDatabase.migratedDatabaseWithUser()
        defer { Task { try? await TestDatabase.dropDatabase(db.name) } }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "herald-svc-tls-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = """
            set -e
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=Herald test CA"
            openssl req -newkey rsa:2048 -nodes -keyout service.key -out service.csr -subj "/CN=campaign-manager"
            printf "subjectAltName=DNS:localhost,IP:127.0.0.1\\n" > service.ext
            openssl x509 -req -in service.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out service.pem -days 2 -extfile service.ext
            """
        let made = try await runBlocking { try runProcess("/bin/sh", ["-c", script], directory: dir) }
        #expect(made.status == 0, "\(made.stderr)")
        let tls = [
            "HERALD_TLS_CERT_FILE": dir.appendingPathComponent("service.pem").path,
            "HERALD_TLS_KEY_FILE": dir.appendingPathComponent("service.key").path,
            "HERALD_TLS_CA_FILE": dir.appendingPathComponent("ca.pem").path,
        ]
        let server = try RunningProcess(
            "\(TestEnvironment.binDirectory)/campaign-manager", ["--port", "0", "--admin_port", "0"],
            environment: Self.quiet.merging(tls) { $1 }.merging(["HERALD_DATABASE_URL": db.url]) { $1 })
        defer { server.stop() }
        let port = try Self.port(from: try await runBlocking { server.firstLine() })

        let config = try HeraldConfig.load(
            path: TestEnvironment.root.appendingPathComponent("Config/herald.yaml").path,
            environment: tls.merging(["CAMPAIGN_SERVICE_PORT": "\(port)"]) { $1 })
        var configuration = ServiceClientConfiguration(config, target: "campaign-manager")
        configuration.healthService = nil
        let client = ServiceClient(target: "campaign-manager", configuration)
        defer { client.close() }
        let getCampaign = try CampaignCalls.method("GetCampaign")
        let request = (
            path: getCampaign.path, bytes: try getCampaign.request(json: "{\"campaignId\": \"\(UUID().uuidString)\"}")
        )
        do {
            _ = try await client.unary(request.path, request.bytes, timeout: .seconds(10))
            Issue.record("an unknown campaign was found")
        } catch let error as RPCError {
            #expect(error.code == .notFound, "over TLS the service answers: \(error)")
        }
        let cleartext = GRPCClient(host: "127.0.0.1", port: port)
        defer { cleartext.close() }
        do {
            _ = try await cleartext.unary(request.path, request.bytes, timeout: .seconds(3))
            Issue.record("a cleartext call was answered")
        } catch let error as RPCError {
            #expect(error.code != .notFound, "no answer without TLS: \(error)")
        }
    }

    // MARK: Helpers

    func waitUntilServing(_ client: GRPCClient, within limit: Duration) async throws {
        let deadline = ContinuousClock.now + limit
        let request: [UInt8] = []  // HealthCheckRequest with service "": the whole server
        while ContinuousClock.now < deadline {
            if let response = try? await client.unary(
                "/grpc.health.v1.Health/Check", request, timeout: .milliseconds(500)),
                response.message == [0x08, 0x01]  // status: SERVING
            {
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("not serving within \(limit)")
    }

    /// The pid of a child of `parent` whose command name (15 characters at most) is `name`.
    func childPid(of parent: Int32, named name: String) -> Int32? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
            else { continue }
            let comm = stat[stat.index(after: open)..<close]
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            if comm == name, fields.count > 1, Int32(fields[1]) == parent, fields[0] != "Z" { return pid }
        }
        return nil
    }
}
