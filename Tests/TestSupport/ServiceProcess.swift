import Foundation
import HeraldCore
import Postgres
import RPC

/// A platform service's process as `heraldctl up` runs it: the built binary on a free gRPC port and a free admin
/// port, against a database of the test's.
public final class ServiceProcess: Sendable {
    public let name: String
    public let process: RunningProcess
    public let port: Int
    public let adminPort: Int
    public var pid: Int32 { process.process.processIdentifier }

    private init(name: String, process: RunningProcess, port: Int, adminPort: Int) {
        self.name = name
        self.process = process
        self.port = port
        self.adminPort = adminPort
    }

    /// The built executable of service `name` (e.g. `campaign-manager`), or nil when this build has none.
    public static func executable(_ name: String) -> String? {
        let path = "\(TestEnvironment.binDirectory)/\(name)"
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// Starts service `name` on `databaseURL` and waits until it listens (logs at `warning` and personal data sealed
    /// with `TestEnvironment.encryptionKey` unless `environment` says otherwise).
    public static func start(_ name: String, databaseURL: String, environment: [String: String] = [:]) async throws
        -> ServiceProcess
    {
        guard let executable = executable(name) else {
            throw ServiceProcessError("no executable \(name) in \(TestEnvironment.binDirectory)")
        }
        let adminPort = try GRPCServer.freeLoopbackPort()
        let process = try RunningProcess(
            executable, ["--port", "0", "--admin_port", "\(adminPort)"],
            environment: [
                "LOG_LEVEL": "warning", "HERALD_DATABASE_URL": databaseURL,
                "ENCRYPTION_KEY": TestEnvironment.encryptionKey,
            ].merging(environment) { $1 })
        let line = try await runBlocking { process.firstLine() }
        guard let port = line.split(separator: ":").last.flatMap({ Int($0) }) else {
            process.stop()
            throw ServiceProcessError("\(name) did not say where it listens: \(line)")
        }
        return ServiceProcess(name: name, process: process, port: port, adminPort: adminPort)
    }

    public func stop() { process.stop() }
}

public struct ServiceProcessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension TestDatabase {
    /// A fresh migrated database with one user in `users.users` to act as; dropped by `dropDatabase`.
    public static func migratedDatabaseWithUser() async throws -> (name: String, url: String, user: String) {
        let database = try await migratedDatabase()
        let connection = try await PostgresConnection.connect(configuration(url: database.url))
        let user = try await connection.query(
            "INSERT INTO users.users DEFAULT VALUES RETURNING id::text AS id")[0]
            .decode("id", as: String.self)
        return (database.name, database.url, user)
    }

    /// A campaign row created by `user` (services that refer to campaigns, such as experiments, need one).
    public static func campaign(in url: String, createdBy user: String) async throws -> String {
        let connection = try await PostgresConnection.connect(configuration(url: url))
        return try await connection.query(
            """
            INSERT INTO campaigns.campaigns (name, type, channels, target_segments, workflow, created_by)
            VALUES ('Fuzzed campaign', 'one_time', '{email}', '{}', '{}', $1::uuid) RETURNING id::text AS id
            """, [user])[0].decode("id", as: String.self)
    }
}
