import Codec
import RPC
import TestSupport
import Testing
import TypedClients

/// The few CampaignManager calls the process tests make, as a client would: proto3 JSON through `JSONMethod`.
enum CampaignCalls {
    static func method(_ name: String) throws -> JSONMethod {
        try JSONMethod("herald.campaigns.v1.CampaignManager/\(name)")
    }

    /// A method's response, read against its type.
    static func call(_ client: GRPCClient, _ name: String, _ request: String) async throws -> SchemaJSON {
        let method = try method(name)
        return SchemaJSON(
            try await method.call(client, try JSONValue.parse(request), timeout: .seconds(10)), type: method.output)
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
        try await call(client, "CreateCampaign", "{\"createdBy\": \"\(user)\", \"campaign\": \(definition(name))}")[
            "campaign"]["id"].string ?? ""
    }

    static func update(_ client: GRPCClient, id: String, user: String, expectedVersion: Int) async throws {
        _ = try await call(
            client, "UpdateCampaign",
            """
            {"campaignId": "\(id)", "expectedVersion": \(expectedVersion), "updatedBy": "\(user)", "campaign": \(definition("Updated"))}
            """)
    }

    static func version(_ client: GRPCClient, id: String) async throws -> Int {
        Int(try await call(client, "GetCampaign", "{\"campaignId\": \"\(id)\"}")["campaign"]["version"].number ?? 0)
    }
}
