import API
import Codec
import Domain
import Foundation
import RPC
import ServiceClients

/// `herald.campaigns.v1.CampaignManager` for other services: domain values in and out, every call through a
/// `ServiceClient` (deadlines, retries, breakers, bulkhead). Errors are the call's `RPCError`.
public struct CampaignManagerClient: Sendable {
    public let client: ServiceClient
    static let service = "/herald.campaigns.v1.CampaignManager/"

    public init(_ client: ServiceClient) { self.client = client }

    public func create(_ definition: CampaignDefinition, by user: UUID) async throws -> Campaign {
        try await campaign("CreateCampaign") { b in
            b.message(1) { definition.write(to: $0) }
            b.set(2, user.lowercased)
        }
    }

    public func get(_ id: UUID) async throws -> Campaign {
        try await campaign("GetCampaign") { $0.set(1, id.lowercased) }
    }

    /// Replaces the definition; ABORTED when the campaign is no longer at `expectedVersion`.
    public func update(_ id: UUID, to definition: CampaignDefinition, expectedVersion: Int64, by user: UUID) async throws -> Campaign {
        try await campaign("UpdateCampaign") { b in
            b.set(1, id.lowercased)
            b.message(2) { definition.write(to: $0) }
            b.set(3, expectedVersion)
            b.set(4, user.lowercased)
        }
    }

    public func execute(_ id: UUID, by user: UUID) async throws -> CampaignExecution {
        try await call("ExecuteCampaign", { b in
            b.set(1, id.lowercased)
            b.set(2, user.lowercased)
        }) { try CampaignExecution(wire: $0.message(1).orMissing("execution")) }
    }

    public func pause(_ id: UUID, by user: UUID) async throws -> Campaign { try await transition("PauseCampaign", id, user) }
    public func resume(_ id: UUID, by user: UUID) async throws -> Campaign { try await transition("ResumeCampaign", id, user) }
    public func archive(_ id: UUID, by user: UUID) async throws -> Campaign { try await transition("ArchiveCampaign", id, user) }

    public func terminate(_ id: UUID, by user: UUID, reason: String) async throws -> Campaign {
        try await campaign("TerminateCampaign") { b in
            b.set(1, id.lowercased)
            b.set(2, user.lowercased)
            b.set(3, reason)
        }
    }

    public func status(_ id: UUID) async throws -> CampaignStatusReport {
        try await call("GetCampaignStatus", { $0.set(1, id.lowercased) }) { try CampaignStatusReport(wire: $0.message(1).orMissing("status")) }
    }

    // MARK: Plumbing

    private func transition(_ method: String, _ id: UUID, _ user: UUID) async throws -> Campaign {
        try await campaign(method) { b in
            b.set(1, id.lowercased)
            b.set(2, user.lowercased)
        }
    }

    /// A method whose response holds a Campaign in field 1.
    private func campaign(_ method: String, _ build: (MessageBuilder) -> Void) async throws -> Campaign {
        try await call(method, build) { try Campaign(wire: $0.message(1).orMissing("campaign")) }
    }

    private func call<T>(_ method: String, _ build: (MessageBuilder) -> Void, _ read: (MessageView) throws -> T) async throws -> T {
        let registry = HeraldAPI.registry
        let request = try registry.message("herald.campaigns.v1.\(method)Request")!.encode(build)
        let response = try await client.unary(Self.service + method, request)
        return try registry.message("herald.campaigns.v1.\(method)Response")!.decode(response.message, read)
    }
}

extension Optional where Wrapped == MessageView {
    /// The message, or INTERNAL: the server's response lacks a field it always sends.
    func orMissing(_ field: String) throws -> MessageView {
        guard let self else { throw RPCError(.internal, "the campaign manager's response has no \(field)") }
        return self
    }
}
