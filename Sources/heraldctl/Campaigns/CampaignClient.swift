import API
import ArgumentParser
import Codec
import Foundation
import HeraldCore
import RPC
import TypedClients
import Yams

/// CampaignManager calls with proto3 JSON in and out.
struct CampaignClient {
    let client: GRPCClient

    init(host: String, port: Int) { client = GRPCClient(host: host, port: port) }

    func close() { client.close() }

    static func method(_ name: String) throws -> JSONMethod {
        try APIMethod.named("herald.campaigns.v1.CampaignManager/\(name)", command: "campaign")
    }

    func call(_ name: String, _ request: JSONValue) async throws -> JSONValue {
        try await Self.method(name).call(client, request, timeout: .seconds(30))
    }

    /// WatchCampaignStatus: each WatchCampaignStatusResponse as JSON.
    func watch(_ id: String, timeout: Duration?) -> AsyncThrowingStream<JSONValue, any Error> {
        do {
            return try Self.method("WatchCampaignStatus").watch(client, ["campaignId": .string(id)], timeout: timeout)
        } catch {
            return AsyncThrowingStream { $0.finish(throwing: error) }
        }
    }
}
