import API
import Codec
import RPC

/// The few CampaignManager calls the process tests make, as a client would: proto3 JSON through the API schemas.
enum CampaignCalls {
    static let json = ProtoJSON(registry: HeraldAPI.registry)
    static let service = HeraldAPI.service("herald.campaigns.v1.CampaignManager")!

    /// A method's path and a request encoded from proto3 JSON.
    static func request(_ method: String, _ text: String) throws -> (path: String, bytes: [UInt8]) {
        let schema = service.methods.first { $0.name == method }!
        return (service.path(schema), try HeraldAPI.registry.message(schema.input)!.encode(json.decode(text: text, as: schema.input)))
    }

    static func call(_ client: GRPCClient, _ method: String, _ request: String) async throws -> JSONValue {
        let schema = service.methods.first { $0.name == method }!
        let bytes = try Self.request(method, request).bytes
        let response = try await client.unary(service.path(schema), bytes, timeout: .seconds(10))
        return try json.encode(HeraldAPI.registry.message(schema.output)!.decodeDynamic(response.message))
    }

    static func definition(_ name: String) -> String {
        """
        {"name": "\(name)", "type": "CAMPAIGN_TYPE_ONE_TIME", "channels": ["NOTIFICATION_CHANNEL_EMAIL"],
         "workflow": {"nodes": [{"id": "s", "type": "NODE_TYPE_START"}, {"id": "e", "type": "NODE_TYPE_END"}],
                      "edges": [{"source": "s", "target": "e"}]}}
        """
    }

    /// Creates a campaign; its id.
    static func create(_ client: GRPCClient, user: String, name: String) async throws -> String {
        let response = try await call(client, "CreateCampaign", "{\"createdBy\": \"\(user)\", \"campaign\": \(definition(name))}")
        return field(field(response, "campaign"), "id")
    }

    static func update(_ client: GRPCClient, id: String, user: String, expectedVersion: Int) async throws {
        _ = try await call(client, "UpdateCampaign", """
            {"campaignId": "\(id)", "expectedVersion": \(expectedVersion), "updatedBy": "\(user)", "campaign": \(definition("Updated"))}
            """)
    }

    static func version(_ client: GRPCClient, id: String) async throws -> Int {
        let response = try await call(client, "GetCampaign", "{\"campaignId\": \"\(id)\"}")
        return Int(field(field(response, "campaign"), "version")) ?? 0
    }

    static func field(_ value: JSONValue, _ key: String) -> JSONValue {
        value.members.first { $0.0 == key }?.1 ?? .null
    }

    static func field(_ value: JSONValue, _ key: String) -> String {
        switch field(value, key) as JSONValue {
        case .string(let text), .number(let text): text
        default: ""
        }
    }
}
