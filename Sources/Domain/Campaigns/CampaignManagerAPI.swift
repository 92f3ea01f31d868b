import Codec
import Foundation

/// `herald.campaigns.v1.CampaignManager`: each method with its request and response types, shared by the service
/// (which registers handlers with them) and `CampaignManagerClient` (which calls through them).
public enum CampaignManagerAPI {
    public static let service = "herald.campaigns.v1.CampaignManager"
    typealias Method = RPCMethod

    public static let createCampaign = RPCMethod<CreateCampaignRequest, Only<Campaign>>(service, "CreateCampaign")
    public static let updateCampaign = RPCMethod<UpdateCampaignRequest, Only<Campaign>>(service, "UpdateCampaign")
    public static let getCampaign = RPCMethod<CampaignRef, Only<Campaign>>(service, "GetCampaign")
    public static let listCampaigns = RPCMethod<ListCampaignsRequest, Page<Campaign>>(service, "ListCampaigns")
    public static let executeCampaign = RPCMethod<CampaignAction, Only<CampaignExecution>>(service, "ExecuteCampaign")
    public static let pauseCampaign = RPCMethod<CampaignAction, Only<Campaign>>(service, "PauseCampaign")
    public static let resumeCampaign = RPCMethod<CampaignAction, Only<Campaign>>(service, "ResumeCampaign")
    public static let terminateCampaign = RPCMethod<TerminateCampaignRequest, Only<Campaign>>(
        service, "TerminateCampaign")
    public static let archiveCampaign = RPCMethod<CampaignAction, Only<Campaign>>(service, "ArchiveCampaign")
    public static let duplicateCampaign = RPCMethod<DuplicateCampaignRequest, Only<Campaign>>(
        service, "DuplicateCampaign")
    public static let getCampaignStatus = RPCMethod<CampaignRef, Only<CampaignStatusReport>>(
        service, "GetCampaignStatus")
    public static let watchCampaignStatus = RPCMethod<CampaignRef, Only<CampaignStatusReport>>(
        service, "WatchCampaignStatus")
    public static let getCampaignAnalytics = RPCMethod<CampaignRange, Only<CampaignAnalytics>>(
        service, "GetCampaignAnalytics")
    public static let listCampaignVersions = RPCMethod<ListCampaignVersionsRequest, Page<CampaignVersion>>(
        service, "ListCampaignVersions")
    public static let getCampaignVersion = RPCMethod<CampaignVersionRef, Only<CampaignVersion>>(
        service, "GetCampaignVersion")
    public static let rollbackCampaign = RPCMethod<RollbackCampaignRequest, Only<Campaign>>(service, "RollbackCampaign")
    public static let createCampaignTemplate = RPCMethod<CreateCampaignTemplateRequest, Only<CampaignTemplate>>(
        service, "CreateCampaignTemplate")
    public static let listCampaignTemplates = RPCMethod<ListCampaignTemplatesRequest, Page<CampaignTemplate>>(
        service, "ListCampaignTemplates")
    public static let createCampaignFromTemplate = RPCMethod<CreateCampaignFromTemplateRequest, Only<Campaign>>(
        service, "CreateCampaignFromTemplate")
}

/// CreateCampaignRequest.
public struct CreateCampaignRequest: WireMapped, Sendable, Equatable {
    public var campaign: CampaignDefinition
    /// Who creates it (every change is audited with its author).
    public var createdBy: UUID

    public init(campaign: CampaignDefinition, createdBy: UUID) {
        self.campaign = campaign
        self.createdBy = createdBy
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        campaign = m.requiredMessage(1, at: path.field("campaign"), &issues)
        createdBy = issues.requiredUUID(m.string(2), at: path.field("created_by"))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, campaign)
        b.set(2, id: createdBy)
    }
}

/// UpdateCampaignRequest: the whole new definition, based on `expectedVersion`.
public struct UpdateCampaignRequest: WireMapped, Sendable, Equatable {
    public var campaignID: UUID
    public var campaign: CampaignDefinition
    public var expectedVersion: Int64
    public var updatedBy: UUID

    public init(campaignID: UUID, campaign: CampaignDefinition, expectedVersion: Int64, updatedBy: UUID) {
        self.campaignID = campaignID
        self.campaign = campaign
        self.expectedVersion = expectedVersion
        self.updatedBy = updatedBy
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        campaignID = issues.requiredUUID(m.string(1), at: path.field("campaign_id"))
        campaign = m.requiredMessage(2, at: path.field("campaign"), &issues)
        expectedVersion = m.int64(3)
        issues.check(
            expectedVersion > 0, path.field("expected_version"),
            "required: the version your change is based on (from GetCampaign)")
        updatedBy = issues.requiredUUID(m.string(4), at: path.field("updated_by"))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: campaignID)
        b.set(2, campaign)
        b.set(3, expectedVersion)
        b.set(4, id: updatedBy)
    }
}

/// A request naming one campaign: GetCampaign, GetCampaignStatus, WatchCampaignStatus (`campaign_id = 1`).
public struct CampaignRef: WireMapped, Sendable, Equatable {
    public var campaignID: UUID

    public init(_ campaignID: UUID) { self.campaignID = campaignID }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        campaignID = issues.requiredUUID(m.string(1), at: path.field("campaign_id"))
    }

    public func write(to b: MessageBuilder) { b.set(1, id: campaignID) }
}

/// ListCampaignsRequest.
public struct ListCampaignsRequest: WireMapped, Sendable, Equatable {
    public var filter: CampaignFilter
    public var page: PageRequest

    public init(filter: CampaignFilter = CampaignFilter(), page: PageRequest = PageRequest()) {
        self.filter = filter
        self.page = page
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        filter = CampaignFilter(wire: m.message(1), at: path.field("filter"), &issues)
        page = PageRequest(wire: m.message(2), at: path.field("page"), &issues)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, filter)
        b.set(2, page)
    }
}

/// A lifecycle step asked by a user: ExecuteCampaign, PauseCampaign, ResumeCampaign, ArchiveCampaign
/// (`campaign_id = 1, requested_by = 2`).
public struct CampaignAction: WireMapped, Sendable, Equatable {
    public var campaignID: UUID
    public var requestedBy: UUID

    public init(_ campaignID: UUID, by requestedBy: UUID) {
        self.campaignID = campaignID
        self.requestedBy = requestedBy
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        campaignID = issues.requiredUUID(m.string(1), at: path.field("campaign_id"))
        requestedBy = issues.requiredUUID(m.string(2), at: path.field("requested_by"))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: campaignID)
        b.set(2, id: requestedBy)
    }
}

/// TerminateCampaignRequest: a lifecycle step with a reason.
public struct TerminateCampaignRequest: WireMapped, Sendable, Equatable {
    public var action: CampaignAction
    public var reason: String

    public init(_ action: CampaignAction, reason: String) {
        self.action = action
        self.reason = reason
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        action = CampaignAction(wire: m, at: path, &issues)
        reason = m.string(3)
    }

    public func write(to b: MessageBuilder) {
        action.write(to: b)
        b.set(3, reason)
    }
}

/// DuplicateCampaignRequest.
public struct DuplicateCampaignRequest: WireMapped, Sendable, Equatable {
    public var campaignID: UUID
    /// The copy's name; empty: "<name> (copy)".
    public var name: String
    public var createdBy: UUID

    public init(campaignID: UUID, name: String, createdBy: UUID) {
        self.campaignID = campaignID
        self.name = name
        self.createdBy = createdBy
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        campaignID = issues.requiredUUID(m.string(1), at: path.field("campaign_id"))
        name = m.string(2)
        createdBy = issues.requiredUUID(m.string(3), at: path.field("created_by"))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: campaignID)
        b.set(2, name)
        b.set(3, id: createdBy)
    }
}

/// ListCampaignVersionsRequest.
public struct ListCampaignVersionsRequest: WireMapped, Sendable, Equatable {
    public var campaignID: UUID
    public var page: PageRequest

    public init(_ campaignID: UUID, page: PageRequest = PageRequest()) {
        self.campaignID = campaignID
        self.page = page
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        campaignID = issues.requiredUUID(m.string(1), at: path.field("campaign_id"))
        page = PageRequest(wire: m.message(2), at: path.field("page"), &issues)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: campaignID)
        b.set(2, page)
    }
}

/// GetCampaignVersionRequest.
public struct CampaignVersionRef: WireMapped, Sendable, Equatable {
    public var campaignID: UUID
    public var version: Int64

    public init(_ campaignID: UUID, version: Int64) {
        self.campaignID = campaignID
        self.version = version
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        campaignID = issues.requiredUUID(m.string(1), at: path.field("campaign_id"))
        version = m.int64(2)
        issues.check(version > 0, path.field("version"), "required: a version number from 1")
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: campaignID)
        b.set(2, version)
    }
}

/// RollbackCampaignRequest: back to `toVersion`, as a new version, based on `expectedVersion`.
public struct RollbackCampaignRequest: WireMapped, Sendable, Equatable {
    public var campaignID: UUID
    public var toVersion: Int64
    public var expectedVersion: Int64
    public var requestedBy: UUID

    public init(campaignID: UUID, toVersion: Int64, expectedVersion: Int64, requestedBy: UUID) {
        self.campaignID = campaignID
        self.toVersion = toVersion
        self.expectedVersion = expectedVersion
        self.requestedBy = requestedBy
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        campaignID = issues.requiredUUID(m.string(1), at: path.field("campaign_id"))
        toVersion = m.int64(2)
        issues.check(toVersion > 0, path.field("to_version"), "required: the version to return to")
        expectedVersion = m.int64(3)
        issues.check(
            expectedVersion > 0, path.field("expected_version"),
            "required: the version your change is based on (from GetCampaign)")
        requestedBy = issues.requiredUUID(m.string(4), at: path.field("requested_by"))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: campaignID)
        b.set(2, toVersion)
        b.set(3, expectedVersion)
        b.set(4, id: requestedBy)
    }
}

/// CreateCampaignTemplateRequest.
public struct CreateCampaignTemplateRequest: WireMapped, Sendable, Equatable {
    public var name: String
    public var description: String
    public var definition: CampaignDefinition
    public var createdBy: UUID
    public var tags: [String]

    public init(
        name: String, description: String = "", definition: CampaignDefinition, createdBy: UUID, tags: [String] = []
    ) {
        self.name = name
        self.description = description
        self.definition = definition
        self.createdBy = createdBy
        self.tags = tags
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        name = m.string(1)
        description = m.string(2)
        definition = m.requiredMessage(3, at: path.field("definition"), &issues)
        createdBy = issues.requiredUUID(m.string(4), at: path.field("created_by"))
        tags = m.strings(5)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, name)
        b.set(2, description)
        b.set(3, definition)
        b.set(4, id: createdBy)
        b.set(5, repeated: tags)
    }
}

/// ListCampaignTemplatesRequest: templates carrying all of `tags`.
public struct ListCampaignTemplatesRequest: WireMapped, Sendable, Equatable {
    public var tags: [String]
    public var page: PageRequest

    public init(tags: [String] = [], page: PageRequest = PageRequest()) {
        self.tags = tags
        self.page = page
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        tags = m.strings(1)
        page = PageRequest(wire: m.message(2), at: path.field("page"), &issues)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, repeated: tags)
        b.set(2, page)
    }
}

/// CreateCampaignFromTemplateRequest.
public struct CreateCampaignFromTemplateRequest: WireMapped, Sendable, Equatable {
    public var templateID: UUID
    /// The campaign's name; empty: the template definition's.
    public var name: String
    public var createdBy: UUID

    public init(templateID: UUID, name: String = "", createdBy: UUID) {
        self.templateID = templateID
        self.name = name
        self.createdBy = createdBy
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        templateID = issues.requiredUUID(m.string(1), at: path.field("template_id"))
        name = m.string(2)
        createdBy = issues.requiredUUID(m.string(3), at: path.field("created_by"))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: templateID)
        b.set(2, name)
        b.set(3, id: createdBy)
    }
}
