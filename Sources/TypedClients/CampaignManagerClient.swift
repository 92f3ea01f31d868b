import Domain
import Foundation
import ServiceClients

/// `herald.campaigns.v1.CampaignManager` for other services: domain values in and out through `CampaignManagerAPI`'s
/// mappers (the ones the service reads with), every call through a `ServiceClient` (deadlines, retries, breakers,
/// bulkhead). Errors are the call's `RPCError`.
public struct CampaignManagerClient: Sendable {
    public var client: ServiceClient { calls.client }
    let calls: ServiceCalls
    private typealias API = CampaignManagerAPI

    public init(_ client: ServiceClient) {
        calls = ServiceCalls(client, package: "herald.campaigns.v1", service: "CampaignManager")
    }

    public func create(_ definition: CampaignDefinition, by user: UUID) async throws -> Campaign {
        try await calls.call(API.createCampaign, CreateCampaignRequest(campaign: definition, createdBy: user)).value
    }

    public func get(_ id: UUID) async throws -> Campaign {
        try await calls.call(API.getCampaign, CampaignRef(id)).value
    }

    public func list(_ filter: CampaignFilter = CampaignFilter(), page: PageRequest = PageRequest()) async throws
        -> Page<Campaign>
    {
        try await calls.call(API.listCampaigns, ListCampaignsRequest(filter: filter, page: page))
    }

    /// Replaces the definition; ABORTED when the campaign is no longer at `expectedVersion`.
    public func update(_ id: UUID, to definition: CampaignDefinition, expectedVersion: Int64, by user: UUID)
        async throws -> Campaign
    {
        try await calls.call(
            API.updateCampaign,
            UpdateCampaignRequest(
                campaignID: id, campaign: definition, expectedVersion: expectedVersion, updatedBy: user)
        ).value
    }

    public func duplicate(_ id: UUID, name: String = "", by user: UUID) async throws -> Campaign {
        try await calls.call(
            API.duplicateCampaign, DuplicateCampaignRequest(campaignID: id, name: name, createdBy: user)
        ).value
    }

    public func execute(_ id: UUID, by user: UUID) async throws -> CampaignExecution {
        try await calls.call(API.executeCampaign, CampaignAction(id, by: user)).value
    }

    public func pause(_ id: UUID, by user: UUID) async throws -> Campaign {
        try await calls.call(API.pauseCampaign, CampaignAction(id, by: user)).value
    }
    public func resume(_ id: UUID, by user: UUID) async throws -> Campaign {
        try await calls.call(API.resumeCampaign, CampaignAction(id, by: user)).value
    }
    public func archive(_ id: UUID, by user: UUID) async throws -> Campaign {
        try await calls.call(API.archiveCampaign, CampaignAction(id, by: user)).value
    }

    public func terminate(_ id: UUID, by user: UUID, reason: String) async throws -> Campaign {
        try await calls.call(
            API.terminateCampaign, TerminateCampaignRequest(CampaignAction(id, by: user), reason: reason)
        ).value
    }

    public func status(_ id: UUID) async throws -> CampaignStatusReport {
        try await calls.call(API.getCampaignStatus, CampaignRef(id)).value
    }

    /// The campaign's status now, then at every change; `timeout` bounds the whole watch.
    public func watchStatus(_ id: UUID, timeout: Duration? = nil) throws -> AsyncThrowingStream<
        CampaignStatusReport, any Error
    > {
        try calls.watch(API.watchCampaignStatus, CampaignRef(id), timeout: timeout)
    }

    public func analytics(_ id: UUID, in range: TimeRange? = nil) async throws -> CampaignAnalytics {
        try await calls.call(API.getCampaignAnalytics, CampaignRange(id, timeRange: range)).value
    }

    public func versions(_ id: UUID, page: PageRequest = PageRequest()) async throws -> Page<CampaignVersion> {
        try await calls.call(API.listCampaignVersions, ListCampaignVersionsRequest(id, page: page))
    }

    public func version(_ id: UUID, _ number: Int64) async throws -> CampaignVersion {
        try await calls.call(API.getCampaignVersion, CampaignVersionRef(id, version: number)).value
    }

    /// Returns to version `number` as a new version; ABORTED when the campaign is no longer at `expectedVersion`.
    public func rollback(_ id: UUID, to number: Int64, expectedVersion: Int64, by user: UUID) async throws -> Campaign {
        try await calls.call(
            API.rollbackCampaign,
            RollbackCampaignRequest(
                campaignID: id, toVersion: number, expectedVersion: expectedVersion, requestedBy: user)
        ).value
    }

    public func createTemplate(_ request: CreateCampaignTemplateRequest) async throws -> CampaignTemplate {
        try await calls.call(API.createCampaignTemplate, request).value
    }

    public func templates(tagged tags: [String] = [], page: PageRequest = PageRequest()) async throws -> Page<
        CampaignTemplate
    > {
        try await calls.call(API.listCampaignTemplates, ListCampaignTemplatesRequest(tags: tags, page: page))
    }

    public func create(fromTemplate template: UUID, name: String = "", by user: UUID) async throws -> Campaign {
        try await calls.call(
            API.createCampaignFromTemplate,
            CreateCampaignFromTemplateRequest(templateID: template, name: name, createdBy: user)
        ).value
    }
}
