import Codec
import Domain
import Foundation
import Postgres
import RPC
import ServiceKit

/// `herald.campaigns.v1.CampaignManager`: each method registered with its request and response types from
/// `CampaignManagerAPI` (the mappers read and write the wire; every bad field is answered at once before a handler
/// runs), validated, and carried out by the store.
public struct CampaignService: Sendable {
    public static let name = CampaignManagerAPI.service

    let store: CampaignStore
    let validator: CampaignValidator
    /// The process's one LISTEN connection: campaign status changes for WatchCampaignStatus, campaign changes for
    /// the cache.
    let hub: NotificationHub

    /// The service on `pool`; `cachedCampaigns` encoded campaigns are kept in memory for GetCampaign (0: none).
    public init(pool: PostgresPool, maxWorkflowNodes: Int = 100, cachedCampaigns: Int = 10_000) throws {
        hub = try NotificationHub(
            channels: [CampaignStore.statusChannel, CampaignCache.channel], configuration: pool.configuration.connection
        )
        let cache = cachedCampaigns > 0 ? CampaignCache(maxEntries: cachedCampaigns, hub: hub) : nil
        store = CampaignStore(pool: pool, cache: cache, metrics: AnalyticsTablesReader(pool: pool))
        validator = CampaignValidator(maxWorkflowNodes: maxWorkflowNodes)
    }

    /// Stops the watches (WatchCampaignStatus calls end) and the cache.
    public func shutdown() {
        store.cache?.stop()
        hub.stop()
    }

    public func register(in services: inout ServiceRegistry) {
        let api = CampaignManagerAPI.self
        services.unary(api.createCampaign, validate: { validator.validate($0.campaign, at: "campaign", into: &$1) }) {
            request, _ in
            Only(
                try await store.create(
                    request.campaign, by: CampaignStore.Actor(request.createdBy, field: "created_by")))
        }
        services.unary(api.updateCampaign, validate: { validator.validate($0.campaign, at: "campaign", into: &$1) }) {
            request, _ in
            Only(
                try await store.update(
                    request.campaignID, to: request.campaign, expectedVersion: request.expectedVersion,
                    by: CampaignStore.Actor(request.updatedBy, field: "updated_by")))
        }
        // Answered from the stored encoding: GetCampaignResponse's field 1 is the Campaign message.
        services.unary(
            api.getCampaign,
            encoded: { request, _ in WireConcatenation.field(1, try await store.encoded(request.campaignID)) })
        services.unary(
            api.listCampaigns,
            validate: { CampaignValidator.validate(tags: $0.filter.tags, at: "filter.tags", into: &$1) }
        ) {
            request, _ in
            let result = try await store.list(request.filter, page: request.page)
            let page = try api.listCampaigns.responseType.encode { $0.set(2, nextPageToken: result.nextToken) }
            return result.items.flatMap { WireConcatenation.field(1, $0.message) } + page
        }
        services.unary(api.duplicateCampaign) { request, _ in
            var definition = try await store.get(request.campaignID).definition
            definition.name =
                request.name.isEmpty
                ? String((definition.name + " (copy)").prefix(CampaignValidator.maxNameLength)) : request.name
            try validator.check(definition, at: "campaign")
            return Only(
                try await store.create(
                    definition, by: CampaignStore.Actor(request.createdBy, field: "created_by"),
                    change: "duplicate of \(request.campaignID.lowercased)"))
        }
        registerLifecycle(in: &services)
        registerVersions(in: &services)
        registerTemplates(in: &services)
        registerAnalytics(in: &services)
        services.watch(
            api.watchCampaignStatus, hub: hub, channel: CampaignStore.statusChannel, key: { $0.campaignID.lowercased }
        ) { request in Only(try await store.status(request.campaignID)) }
    }
}

extension CampaignValidator {
    /// A definition must be valid (INVALID_ARGUMENT naming every problem) before it is stored.
    func check(_ definition: CampaignDefinition, at path: String) throws {
        var issues = FieldIssues()
        validate(definition, at: path, into: &issues)
        try issues.throwIfAny()
    }
}
