import Codec
import Domain
import Foundation
import ServiceClients

/// `herald.campaigns.v1.CampaignManager` for other services: domain values in and out, every call through a
/// `ServiceClient` (deadlines, retries, breakers, bulkhead). Errors are the call's `RPCError`.
public struct CampaignManagerClient: Sendable {
    public var client: ServiceClient { calls.client }
    let calls: ServiceCalls

    public init(_ client: ServiceClient) { calls = ServiceCalls(client, package: "herald.campaigns.v1", service: "CampaignManager") }

    public func create(_ definition: CampaignDefinition, by user: UUID) async throws -> Campaign {
        try await campaign("CreateCampaign") { b in
            b.message(1) { definition.write(to: $0) }
            b.set(2, id: user)
        }
    }

    public func get(_ id: UUID) async throws -> Campaign {
        try await campaign("GetCampaign") { $0.set(1, id: id) }
    }

    /// Replaces the definition; ABORTED when the campaign is no longer at `expectedVersion`.
    public func update(_ id: UUID, to definition: CampaignDefinition, expectedVersion: Int64, by user: UUID) async throws -> Campaign {
        try await campaign("UpdateCampaign") { b in
            b.set(1, id: id)
            b.message(2) { definition.write(to: $0) }
            b.set(3, expectedVersion)
            b.set(4, id: user)
        }
    }

    public func execute(_ id: UUID, by user: UUID) async throws -> CampaignExecution {
        try await calls.unary("ExecuteCampaign", returning: "execution") { b in
            b.set(1, id: id)
            b.set(2, id: user)
        }
    }

    public func pause(_ id: UUID, by user: UUID) async throws -> Campaign { try await transition("PauseCampaign", id, user) }
    public func resume(_ id: UUID, by user: UUID) async throws -> Campaign { try await transition("ResumeCampaign", id, user) }
    public func archive(_ id: UUID, by user: UUID) async throws -> Campaign { try await transition("ArchiveCampaign", id, user) }

    public func terminate(_ id: UUID, by user: UUID, reason: String) async throws -> Campaign {
        try await campaign("TerminateCampaign") { b in
            b.set(1, id: id)
            b.set(2, id: user)
            b.set(3, reason)
        }
    }

    public func status(_ id: UUID) async throws -> CampaignStatusReport {
        try await calls.unary("GetCampaignStatus", returning: "status") { $0.set(1, id: id) }
    }

    // MARK: Plumbing

    private func transition(_ method: String, _ id: UUID, _ user: UUID) async throws -> Campaign {
        try await campaign(method) { b in
            b.set(1, id: id)
            b.set(2, id: user)
        }
    }

    /// A method whose response holds a Campaign in field 1.
    private func campaign(_ method: String, _ build: (MessageBuilder) -> Void) async throws -> Campaign {
        try await calls.unary(method, returning: "campaign", build)
    }
}
