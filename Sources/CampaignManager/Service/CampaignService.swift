import API
import Codec
import Domain
import Foundation
import HeraldCore
import Postgres
import RPC

/// `herald.campaigns.v1.CampaignManager`: decodes each request into domain values (every bad field reported at
/// once), validates, calls the store, and encodes the answer. Handlers never touch the wire format beyond the
/// mappers in `Domain/Wire`.
public struct CampaignService: Sendable {
    public static let name = "herald.campaigns.v1.CampaignManager"
    static let p = "herald.campaigns.v1."

    let store: CampaignStore
    let validator: CampaignValidator
    let watch: StatusWatch

    /// The service on `pool`; `cachedCampaigns` encoded campaigns are kept in memory for GetCampaign (0: none).
    public init(pool: PostgresPool, maxWorkflowNodes: Int = 100, cachedCampaigns: Int = 10_000) throws {
        let cache = cachedCampaigns > 0 ? try CampaignCache(maxEntries: cachedCampaigns, configuration: pool.configuration.connection) : nil
        store = CampaignStore(pool: pool, cache: cache)
        validator = CampaignValidator(maxWorkflowNodes: maxWorkflowNodes)
        watch = StatusWatch(store: store, configuration: pool.configuration.connection)
    }

    /// Stops watching for status changes (WatchCampaignStatus calls end) and for campaign changes (the cache).
    public func shutdown() {
        watch.stop()
        store.cache?.stop()
    }

    public func register(in services: inout ServiceRegistry) {
        func method(_ name: String, _ handler: @escaping @Sendable (MessageView) throws -> Request) {
            let requestType = Self.type(name + "Request")
            let responseType = Self.type(name + "Response")
            services.unary("/\(Self.name)/\(name)") { bytes, _ in
                let request = try requestType.decode(bytes, handler)
                switch try await request.run() {
                case .build(let build): return try responseType.encode(build)
                case .encoded(let bytes): return bytes
                }
            }
        }
        method("CreateCampaign") { m in
            var issues = FieldIssues()
            let definition = definition(m.message(1), at: "campaign", &issues)
            let actor = Self.actor(m.string(2), "created_by", &issues)
            try issues.throwIfAny()
            return Request { campaignResponse(try await store.create(definition, by: actor!)) }
        }
        method("UpdateCampaign") { m in
            var issues = FieldIssues()
            let id = Self.uuid(m.string(1), "campaign_id", &issues)
            let definition = definition(m.message(2), at: "campaign", &issues)
            let expected = Self.expectedVersion(m.int64(3), "expected_version", &issues)
            let actor = Self.actor(m.string(4), "updated_by", &issues)
            try issues.throwIfAny()
            return Request { campaignResponse(try await store.update(id!, to: definition, expectedVersion: expected, by: actor!)) }
        }
        method("GetCampaign") { m in
            var issues = FieldIssues()
            let id = Self.uuid(m.string(1), "campaign_id", &issues)
            try issues.throwIfAny()
            // Answered from the stored encoding: GetCampaignResponse's field 1 is the Campaign message.
            return Request(encoded: { WireConcatenation.field(1, try await store.encoded(id!)) })
        }
        method("ListCampaigns") { m in
            var issues = FieldIssues()
            let filter = CampaignFilter(wire: m.message(1), at: "filter", &issues)
            CampaignValidator.validate(tags: filter.tags, at: "filter.tags", into: &issues)
            let page = PageRequest(wire: m.message(2), at: "page", &issues)
            try issues.throwIfAny()
            return Request(encoded: {
                let result = try await store.list(filter, page: page)
                let pageField = try Self.type("ListCampaignsResponse").encode { $0.set(2, nextPageToken: result.nextToken) }
                return result.items.flatMap { WireConcatenation.field(1, $0.message) } + pageField
            })
        }
        method("DuplicateCampaign") { m in
            var issues = FieldIssues()
            let id = Self.uuid(m.string(1), "campaign_id", &issues)
            let name = m.string(2)
            let actor = Self.actor(m.string(3), "created_by", &issues)
            try issues.throwIfAny()
            return Request {
                var definition = try await store.get(id!).definition
                definition.name = name.isEmpty ? String((definition.name + " (copy)").prefix(CampaignValidator.maxNameLength)) : name
                try validate(definition, at: "campaign")
                return campaignResponse(try await store.create(definition, by: actor!, change: "duplicate of \(id!.lowercased)"))
            }
        }
        registerLifecycle(method)
        registerVersions(method)
        registerTemplates(method)
        registerAnalytics(method)
        watch.register(in: &services, service: Self.name, statusResponse: Self.type(Self.p + "WatchCampaignStatusResponse"))
    }

    // MARK: Request helpers

    /// A decoded, validated request: the work left to do, which answers with a response builder or with the
    /// response already encoded.
    struct Request: Sendable {
        enum Response {
            case build((MessageBuilder) -> Void)
            case encoded([UInt8])
        }

        let run: @Sendable () async throws -> Response

        init(_ run: @escaping @Sendable () async throws -> (MessageBuilder) -> Void) { self.run = { .build(try await run()) } }
        init(encoded run: @escaping @Sendable () async throws -> [UInt8]) { self.run = { .encoded(try await run()) } }
    }

    static func type(_ name: String) -> MessageType {
        guard let type = HeraldAPI.registry.message(name.hasPrefix("herald.") ? name : p + name) else {
            preconditionFailure("no schema for \(name)")
        }
        return type
    }

    func campaignResponse(_ campaign: Campaign) -> (MessageBuilder) -> Void {
        { b in b.message(1) { campaign.write(to: $0) } }
    }

    /// Reads and validates a CampaignDefinition field (absent: "required").
    func definition(_ m: MessageView?, at path: String, _ issues: inout FieldIssues) -> CampaignDefinition {
        guard let m else {
            issues.add(path, "required")
            return CampaignDefinition(name: "", type: nil, channels: [], workflow: WorkflowDefinition())
        }
        let definition = CampaignDefinition(wire: m, at: path, &issues)
        validator.validate(definition, at: path, into: &issues)
        return definition
    }

    func validate(_ definition: CampaignDefinition, at path: String) throws {
        var issues = FieldIssues()
        validator.validate(definition, at: path, into: &issues)
        try issues.throwIfAny()
    }

    static func uuid(_ text: String, _ path: String, _ issues: inout FieldIssues) -> UUID? { issues.uuid(text, at: path) }

    /// The user behind a change (required: every mutation is audited with who made it).
    static func actor(_ text: String, _ path: String, _ issues: inout FieldIssues) -> CampaignStore.Actor? {
        uuid(text, path, &issues).map { CampaignStore.Actor($0, field: path) }
    }

    static func expectedVersion(_ version: Int64, _ path: String, _ issues: inout FieldIssues) -> Int64 {
        issues.check(version > 0, path, "required: the version your change is based on (from GetCampaign)")
        return version
    }
}
