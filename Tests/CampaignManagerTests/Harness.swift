import API
import CampaignManager
import Codec
import Foundation
import Postgres
import RPC
import TestSupport
import Testing

/// A campaign manager on a fresh, migrated database, served over real gRPC on a loopback port, with a user to
/// act as. Requests and responses are proto3 JSON, as a client in any language would write them.
final class Harness: Sendable {
    let database: (name: String, url: String)
    let pool: PostgresPool
    let service: CampaignService
    let server: GRPCServer
    let client: GRPCClient
    let user: String
    static let json = ProtoJSON(registry: HeraldAPI.registry)

    private init(database: (name: String, url: String), pool: PostgresPool, service: CampaignService, server: GRPCServer, user: String) {
        self.database = database
        self.pool = pool
        self.service = service
        self.server = server
        self.client = GRPCClient(host: "127.0.0.1", port: server.port)
        self.user = user
    }

    static func start() async throws -> Harness {
        let database = try await TestDatabase.migratedDatabase()
        let pool = TestDatabase.pool(url: database.url)
        let user = try await pool.query("INSERT INTO users.users (display_name) VALUES ('Test User') RETURNING id::text AS id")[0]
            .decode("id", as: String.self)
        let service = try CampaignService(pool: pool)
        var services = ServiceRegistry()
        service.register(in: &services)
        let server = GRPCServer(.init(), services: services)
        try server.start()
        return Harness(database: database, pool: pool, service: service, server: server, user: user)
    }

    /// Runs `body` with a fresh harness and tears it down afterwards, whatever happens.
    static func with(_ body: (Harness) async throws -> Void) async throws {
        let harness = try await start()
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
        service.shutdown()
        await server.shutdown(grace: .seconds(1))
        pool.close()
        try? await TestDatabase.dropDatabase(database.name)
    }

    static func method(_ name: String) -> (path: String, input: MessageType, output: MessageType) {
        let service = HeraldAPI.service("herald.campaigns.v1.CampaignManager")!
        let schema = service.methods.first { $0.name == name }!
        return (service.path(schema), HeraldAPI.registry.message(schema.input)!, HeraldAPI.registry.message(schema.output)!)
    }

    static func request(_ method: String, _ json: String) throws -> [UInt8] {
        let m = Self.method(method)
        return try m.input.encode(Self.json.decode(text: json, as: m.input.fullName))
    }

    /// Calls a unary method with a JSON request; the JSON response.
    @discardableResult
    func call(_ method: String, _ json: String) async throws -> JSONValue {
        let m = Self.method(method)
        let response = try await client.unary(m.path, try Self.request(method, json), timeout: .seconds(20))
        return try Self.json.encode(m.output.decodeDynamic(response.message))
    }

    /// Calls a method that must fail; its status.
    func failure(_ method: String, _ json: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> RPCError {
        do {
            let response = try await call(method, json)
            Issue.record("\(method) succeeded: \(response.text())", sourceLocation: sourceLocation)
            return RPCError(.ok, "")
        } catch let error as RPCError {
            return error
        }
    }

    /// A campaign definition as JSON, from the fixture with `changes` applied to its top-level members.
    func definition(_ changes: [String: String] = [:]) -> String {
        var members = Self.fixtureMembers
        for (key, value) in changes {
            if let i = members.firstIndex(where: { $0.0 == key }) { members[i].1 = value } else { members.append((key, value)) }
        }
        return "{" + members.filter { !$0.1.isEmpty }.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    func create(_ changes: [String: String] = [:]) async throws -> JSONValue {
        try await call("CreateCampaign", "{\"createdBy\": \"\(user)\", \"campaign\": \(definition(changes))}")["campaign"]
    }

    func count(_ table: String) async throws -> Int {
        try await pool.query("SELECT count(*)::int8 AS n FROM \(table)")[0].decode("n", as: Int.self)
    }

    static let fixtureMembers: [(String, String)] = [
        ("name", "\"Welcome series\""),
        ("type", "\"CAMPAIGN_TYPE_ONE_TIME\""),
        ("channels", "[\"NOTIFICATION_CHANNEL_EMAIL\"]"),
        ("targetSegments", "[\"3f0e7a2c-1111-4222-8333-944455556666\"]"),
        ("workflow", """
            {"nodes": [{"id": "start", "type": "NODE_TYPE_START"},
              {"id": "mail", "type": "NODE_TYPE_MESSAGE", "config": {"message": {"channel": "NOTIFICATION_CHANNEL_EMAIL",
                "content": {"subject": "Hi {{first_name}}", "body": "Welcome!"}}}},
              {"id": "end", "type": "NODE_TYPE_END"}],
             "edges": [{"source": "start", "target": "mail"}, {"source": "mail", "target": "end"}]}
            """),
        ("goals", "[{\"metric\": \"open_rate\", \"target\": 0.5}, {\"metric\": \"bounce_rate\", \"target\": 0.02}]"),
        ("tags", "[\"onboarding\"]"),
    ]
}

extension JSONValue {
    subscript(_ key: String) -> JSONValue { members.first { $0.0 == key }?.1 ?? .null }
    subscript(_ index: Int) -> JSONValue {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return .null
    }
    var string: String? { if case .string(let s) = self { s } else { nil } }
    var number: Double? {
        switch self {
        case .number(let text): Double(text)
        case .string(let text): Double(text)  // 64-bit integers are strings in proto3 JSON
        default: nil
        }
    }
    var count: Int { if case .array(let items) = self { items.count } else { 0 } }
}
