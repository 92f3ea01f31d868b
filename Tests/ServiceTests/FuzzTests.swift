import API
import Codec
import Foundation
import HeraldCore
import Postgres
import TestSupport
import Testing

/// Every call answered: each built platform service, as a process, gets mutants of valid requests of every one of
/// its methods (`heraldctl fuzz`) and hostile HTTP on its admin port (`heraldctl fuzz-http`). A short pass with a
/// fixed seed; `tools/fuzz` runs long ones with new seeds.
@Suite("every call answered")
struct FuzzTests {
    /// The platform services this build has an executable of: a service joins as soon as it is built.
    static let services = HeraldAPI.platformServices.keys.sorted().filter { ServiceProcess.executable($0) != nil }

    static func seedsFile(_ service: String) -> String {
        TestEnvironment.root.appendingPathComponent("Tests/ServiceTests/FuzzSeeds/\(service).jsonl").path
    }

    /// The methods the seeds file calls, in order.
    static func seededMethods(_ service: String) throws -> [String] {
        let text = try String(contentsOfFile: seedsFile(service), encoding: .utf8)
        return try text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.allSatisfy(\.isWhitespace) }.map {
            line in
            guard
                case .string(let method)? = try JSONValue.parse(String(line)).members.first(where: { $0.0 == "method" }
                )?.1
            else {
                throw ServiceProcessError("a seed without a method: \(line.prefix(80))")
            }
            return method
        }
    }

    @Test(
        "every method of every built service has a seed request, and every seed names a method of its service",
        arguments: services)
    func seedsCoverEveryMethod(service: String) throws {
        let serviceName = try #require(HeraldAPI.platformServices[service])
        let schema = try #require(HeraldAPI.service(serviceName))
        let seeded = Set(try Self.seededMethods(service))
        let methods = Set(schema.methods.map { "\(schema.fullName)/\($0.name)" })
        #expect(
            methods.subtracting(seeded).isEmpty,
            "methods without a seed in \(Self.seedsFile(service)): \(methods.subtracting(seeded).sorted())")
        #expect(
            seeded.subtracting(methods).isEmpty,
            "seeds of methods \(service) does not have: \(seeded.subtracting(methods).sorted())")
    }

    @Test(
        "2,000 mutants of valid requests are each answered with a proper status; the admin port survives hostile HTTP",
        arguments: services)
    func mutants(service: String) async throws {
        let database = try await TestDatabase.migratedDatabaseWithUser()
        defer { Task { try? await TestDatabase.dropDatabase(database.name) } }
        // Seeds that refer to a campaign without creating one (campaign-manager's create their own) get a row.
        let seeds = try String(contentsOfFile: Self.seedsFile(service), encoding: .utf8)
        let campaign =
            seeds.contains("\"$CAMPAIGN\"") && !seeds.contains("\"save\":{\"CAMPAIGN\"")
            ? try await TestDatabase.campaign(in: database.url, createdBy: database.user) : ""
        // Seeds that need an audience (segments to evaluate, a lookalike to train) say "# needs: users".
        if seeds.contains("\n# needs: users") {
            let users = try String(
                contentsOfFile: TestEnvironment.root.appendingPathComponent("Tests/ServiceTests/FuzzSeeds/users.sql")
                    .path,
                encoding: .utf8)
            let db = try await PostgresConnection.connect(TestDatabase.configuration(url: database.url))
            _ = try await db.execute(script: users)
        }
        let running = try await ServiceProcess.start(service, databaseURL: database.url)
        defer { running.stop() }
        let heraldctl = "\(TestEnvironment.binDirectory)/heraldctl"
        let grpc = try await runBlocking {
            try runProcess(
                heraldctl,
                [
                    "fuzz", "127.0.0.1:\(running.port)", "--seeds", Self.seedsFile(service), "--var",
                    "USER=\(database.user)", "--var", "CAMPAIGN=\(campaign)",
                    "--mutants", "2000", "--seed", "1", "--pid", "\(running.pid)", "--concurrency", "16",
                ])
        }
        #expect(grpc.status == 0, "\(grpc.stdoutText)\(grpc.stderr)")
        #expect(grpc.stdoutText.contains("2000 mutants"), "\(grpc.stdoutText)")
        let http = try await runBlocking {
            try runProcess(
                heraldctl,
                [
                    "fuzz-http", "127.0.0.1:\(running.adminPort)", "--cases", "200", "--seed", "1", "--pid",
                    "\(running.pid)", "--concurrency", "100",
                ])
        }
        #expect(http.status == 0, "\(http.stdoutText)\(http.stderr)")
        #expect(http.stdoutText.contains("200 cases"), "\(http.stdoutText)")
    }
}
