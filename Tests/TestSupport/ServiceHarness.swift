import API
import Codec
import Foundation
import HeraldCore
import Postgres
import RPC
import Testing
import TypedClients

/// A service of the platform in the test's process, as its clients see it: on a fresh migrated database with a
/// user to act as, served over real gRPC on a loopback port, called with proto3 JSON as a client in any language
/// would. Any service's tests start with a few lines:
///
///     try await ServiceHarness.with(service: "herald.campaigns.v1.CampaignManager") { pool in
///         let campaigns = try CampaignService(pool: pool)
///         return (campaigns.register, campaigns.shutdown)
///     } body: { h in
///         let created = try await h.call("CreateCampaign", #"{"createdBy": "\#(h.user)", ...}"#)["campaign"]
///     }
public final class ServiceHarness: Sendable {
    public let service: String
    public let database: (name: String, url: String)
    public let pool: PostgresPool
    public let server: GRPCServer
    public let client: GRPCClient
    /// A users.users id to act as.
    public let user: String
    private let shutdown: @Sendable () -> Void

    /// What a service under test gives the harness: its registration, and what stops it.
    public typealias Serve = (register: (inout ServiceRegistry) -> Void, shutdown: @Sendable () -> Void)

    private init(
        service: String, database: (name: String, url: String), pool: PostgresPool, server: GRPCServer, user: String,
        shutdown: @escaping @Sendable () -> Void
    ) {
        self.service = service
        self.database = database
        self.pool = pool
        self.server = server
        client = GRPCClient(host: "127.0.0.1", port: server.port)
        self.user = user
        self.shutdown = shutdown
    }

    /// Starts `service` (a full name) as `make` builds it on the harness's pool, runs `body`, and tears everything
    /// down afterwards, whatever happens.
    public static func with(
        service: String, _ make: (PostgresPool) throws -> Serve, body: (ServiceHarness) async throws -> Void
    ) async throws {
        let database = try await TestDatabase.migratedDatabaseWithUser()
        let pool = TestDatabase.pool(url: database.url)
        let serve = try make(pool)
        var services = ServiceRegistry()
        serve.register(&services)
        let server = GRPCServer(.init(), services: services)
        try server.start()
        let harness = ServiceHarness(
            service: service, database: (database.name, database.url), pool: pool, server: server, user: database.user,
            shutdown: serve.shutdown)
        do {
            try await body(harness)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    func stop() async {
        client.close()
        shutdown()
        await server.shutdown(grace: .seconds(1))
        pool.close()
        try? await TestDatabase.dropDatabase(database.name)
    }

    /// The service's method `name`.
    public func method(_ name: String) throws -> JSONMethod { try JSONMethod("\(service)/\(name)") }

    /// Calls a unary method with a JSON request; the JSON response, read against its type.
    @discardableResult
    public func call(_ name: String, _ json: String) async throws -> SchemaJSON {
        let method = try method(name)
        let response = try await client.unary(method.path, try method.request(json: json), timeout: .seconds(20))
        return SchemaJSON(try method.response(response.message), type: method.output)
    }

    /// Calls a method that must fail; its status.
    public func failure(_ name: String, _ json: String, sourceLocation: SourceLocation = #_sourceLocation) async throws
        -> RPCError
    {
        do {
            let response = try await call(name, json)
            Issue.record("\(name) succeeded: \(response)", sourceLocation: sourceLocation)
            return RPCError(.ok, "")
        } catch let error as RPCError {
            return error
        }
    }

    /// Calls a server-streaming method; its responses, read against their type.
    public func watch(_ name: String, _ json: String) throws -> AsyncThrowingStream<SchemaJSON, any Error> {
        let method = try method(name)
        let responses = method.watch(client, try JSONValue.parse(json), timeout: .seconds(20))
        let output = method.output
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await response in responses { continuation.yield(SchemaJSON(response, type: output)) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Rows in `table`.
    public func count(_ table: String) async throws -> Int {
        try await pool.query("SELECT count(*)::int8 AS n FROM \(table)")[0].decode("n", as: Int.self)
    }
}

/// A service's own test harness around a `ServiceHarness` (its service, its fixtures): the harness's calls, as
/// clients in any language make them, without writing them again.
/// Hands the service a harness's set-up made out to the test body (unchecked Sendable: written once before the body
/// runs, read after).
public final class ServiceBox<Service>: @unchecked Sendable {
    public var service: Service?
    public init() {}
}

public protocol ServiceHarnessWrapper {
    var base: ServiceHarness { get }
}

extension ServiceHarnessWrapper {
    @discardableResult
    public func call(_ method: String, _ json: String) async throws -> SchemaJSON { try await base.call(method, json) }

    public func failure(_ method: String, _ json: String, sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> RPCError
    {
        try await base.failure(method, json, sourceLocation: sourceLocation)
    }

    public func count(_ table: String) async throws -> Int { try await base.count(table) }
}
