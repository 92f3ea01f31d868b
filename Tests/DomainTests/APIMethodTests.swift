import API
import Codec
import Domain
import Foundation
import TestSupport
import Testing

/// A method of a service API with a request and a response that follow `WireConventions`.
struct MethodCase: Sendable, CustomTestStringConvertible {
    let path: String
    let requestType: MessageType
    /// Round trips of the request and the response, and what breaks the conventions in each.
    let run: @Sendable () throws -> (requestEqual: Bool, responseEqual: Bool, violations: [String])
    /// Every issue path the request's mapper reports for a message of bad values, with whether the schema has it.
    let issuePaths: @Sendable () throws -> [String]

    var testDescription: String { path }

    /// `exempt`: paths (and what is below them) the conventions cannot hold for (a page token is the service's, a definition carries no spend).
    init<Request: Equatable, Response: Equatable>(
        _ method: RPCMethod<Request, Response>, _ request: Request, _ response: Response, exempt: Set<String> = []
    ) {
        path = method.path
        requestType = method.requestType
        run = {
            let requestBytes = try method.encodeRequest(request)
            let responseBytes = try method.encodeResponse(response)
            let violations =
                WireConventions.violations(
                    in: try method.requestType.decodeDynamic(requestBytes), of: method.requestType, at: "request")
                + WireConventions.violations(
                    in: try method.responseType.decodeDynamic(responseBytes), of: method.responseType, at: "response")
            return (
                try method.decodeRequest(requestBytes) == request, try method.decodeResponse(responseBytes) == response,
                violations.filter { violation in
                    !exempt.contains { violation.hasPrefix($0 + ":") || violation.hasPrefix($0 + ".") }
                }
            )
        }
        issuePaths = {
            do {
                let decoded = try method.decodeRequest(try BadValues.message(of: method.requestType))
                // An import and a bulk send report each row's problems with the row instead of failing the call.
                if let bulk = decoded as? SendBulkMessagesRequest {
                    return bulk.messages.enumerated().flatMap { i, reading in
                        reading.issues.map { "messages[\(i)].\($0.path)" }
                    }
                }
                guard let chunk = decoded as? ImportChunk else { return [] }
                return chunk.rows.enumerated().flatMap { i, reading in reading.issues.map { "rows[\(i)].\($0.path)" } }
            } catch let error as ValidationError {
                return error.issues.map(\.path)
            }
        }
    }
}

@Suite("Request and response mappers of the service APIs")
struct APIMethodTests {
    typealias F = WireFixtures
    static let c = CampaignManagerAPI.self
    static let u = UserDirectoryAPI.self
    static let noSpend: Set<String> = [
        "request.campaign.budget.spent", "request.definition.budget.spent", "response.template.definition.budget.spent",
    ]

    static let cases: [MethodCase] = [
        MethodCase(
            c.createCampaign, CreateCampaignRequest(campaign: F.definition, createdBy: F.id(3)), Only(F.campaign),
            exempt: noSpend),
        MethodCase(
            c.updateCampaign,
            UpdateCampaignRequest(campaignID: F.id(2), campaign: F.definition, expectedVersion: 3, updatedBy: F.id(3)),
            Only(F.campaign), exempt: noSpend),
        MethodCase(c.getCampaign, CampaignRef(F.id(2)), Only(F.campaign)),
        MethodCase(
            c.listCampaigns, ListCampaignsRequest(filter: F.filter, page: F.page),
            Page(items: [F.campaign], nextToken: "next_page_token"),
            exempt: ["request.page.page_token", "request.filter.created"]),
        MethodCase(c.executeCampaign, CampaignAction(F.id(2), by: F.id(3)), Only(F.campaignExecution)),
        MethodCase(c.pauseCampaign, CampaignAction(F.id(2), by: F.id(3)), Only(F.campaign)),
        MethodCase(c.resumeCampaign, CampaignAction(F.id(2), by: F.id(3)), Only(F.campaign)),
        MethodCase(
            c.terminateCampaign, TerminateCampaignRequest(CampaignAction(F.id(2), by: F.id(3)), reason: "reason"),
            Only(F.campaign)),
        MethodCase(c.archiveCampaign, CampaignAction(F.id(2), by: F.id(3)), Only(F.campaign)),
        MethodCase(
            c.duplicateCampaign, DuplicateCampaignRequest(campaignID: F.id(2), name: "name", createdBy: F.id(3)),
            Only(F.campaign)),
        MethodCase(c.getCampaignStatus, CampaignRef(F.id(2)), Only(F.campaignStatus)),
        MethodCase(c.watchCampaignStatus, CampaignRef(F.id(2)), Only(F.campaignStatus)),
        MethodCase(
            c.getCampaignAnalytics, CampaignRange(F.id(2), timeRange: TimeRange(start: F.time, end: F.time)),
            // CampaignMetrics carries rates derived from its counts (its own test is in WireMappingTests).
            Only(F.campaignAnalytics), exempt: ["response.analytics.totals", "response.analytics.daily"]),
        MethodCase(
            c.listCampaignVersions, ListCampaignVersionsRequest(F.id(2), page: F.page),
            Page(items: [F.campaignVersion], nextToken: "next_page_token"),
            exempt: ["request.page.page_token", "response.versions.campaign.version"]),
        MethodCase(
            c.getCampaignVersion, CampaignVersionRef(F.id(2), version: 2), Only(F.campaignVersion),
            exempt: ["response.version.campaign.version"]),
        MethodCase(
            c.rollbackCampaign,
            RollbackCampaignRequest(campaignID: F.id(2), toVersion: 2, expectedVersion: 3, requestedBy: F.id(3)),
            Only(F.campaign)),
        MethodCase(
            c.createCampaignTemplate,
            CreateCampaignTemplateRequest(
                name: "name", description: "description", definition: F.definition, createdBy: F.id(3), tags: ["tags"]),
            Only(F.campaignTemplate), exempt: noSpend),
        MethodCase(
            c.listCampaignTemplates, ListCampaignTemplatesRequest(tags: ["tags"], page: F.page),
            Page(items: [F.campaignTemplate], nextToken: "next_page_token"),
            exempt: ["request.page.page_token", "response.templates.definition.budget.spent"]),
        MethodCase(
            c.createCampaignFromTemplate,
            CreateCampaignFromTemplateRequest(templateID: F.id(16), name: "name", createdBy: F.id(3)), Only(F.campaign)),
    ]

    static let userCases: [MethodCase] = [
        MethodCase(u.createUser, Only(F.user), Only(F.user)),
        MethodCase(u.getUserProfile, UserRef(F.id(5)), Only(F.user)),
        MethodCase(
            u.updateUserProfile,
            UpdateUserProfileRequest(user: F.user, updateMask: ["update_mask"], expectedVersion: 3, updatedBy: F.id(6)),
            Only(F.user), exempt: ["request.update_mask.paths"]),
        MethodCase(u.deleteUser, DeleteUserRequest(F.id(5), erase: true), NoContent()),
        MethodCase(
            u.listUsers, ListUsersRequest(filter: F.userFilter, page: F.page),
            Page(items: [F.user], nextToken: "next_page_token"),
            exempt: ["request.page.page_token"]),
        MethodCase(u.getUserPreferences, UserRef(F.id(5)), Only(F.userPreferences)),
        MethodCase(u.updateUserPreferences, UpdateUserPreferencesRequest(F.id(5), F.userPreferences), NoContent()),
        MethodCase(u.getUserSegmentData, UserRef(F.id(5)), Only(F.segmentData)),
        MethodCase(u.getUserConsent, GetUserConsentRequest(F.id(5), includeHistory: true), Only(F.consent)),
        MethodCase(u.updateUserConsent, UpdateUserConsentRequest(F.id(5), F.consentUpdate), NoContent()),
        MethodCase(u.trackUserActivity, TrackedActivity(F.id(5), F.activity), NoContent()),
        MethodCase(
            u.trackUserActivities, TrackUserActivitiesRequest([TrackedActivity(F.id(5), F.activity)]), StoredCount(1)),
        MethodCase(u.importUsers, ImportChunk([F.importRow]), F.importResult),
        MethodCase(u.exportUsers, ExportUsersRequest(filter: F.userFilter), Many([F.user])),
        MethodCase(u.lookupUsers, LookupUsersRequest([F.id(5)]), Many([F.userContact])),
        MethodCase(u.registerDevice, RegisterDeviceRequest(F.id(5), F.device), Only(F.user)),
        MethodCase(u.unregisterDevice, UnregisterDeviceRequest(token: "token", of: F.id(5)), NoContent()),
        MethodCase(
            u.exportUserData, SubjectRequest(F.id(5), requestedBy: "requested_by"),
            ExportUserDataResponse(data: F.object, request: F.dataSubjectRequest)),
        MethodCase(u.eraseUser, SubjectRequest(F.id(5), requestedBy: "requested_by"), Only(F.dataSubjectRequest)),
        MethodCase(u.getDataSubjectRequest, DataSubjectRequestRef(F.id(17)), Only(F.dataSubjectRequest)),
    ]

    static let g = NotificationGatewayAPI.self
    static let suppression = Suppression(channel: .email, address: "address", reason: "reason", createdAt: F.time)
    static let gatewayCases: [MethodCase] = [
        MethodCase(
            g.sendEmail, SendRequest(key: F.messageKey, content: F.email, purpose: .analytics), Only(F.deliveryResult)),
        MethodCase(
            g.sendSMS, SendRequest(key: F.messageKey, content: F.sms, purpose: .analytics), Only(F.deliveryResult)),
        MethodCase(
            g.sendPushNotification, SendRequest(key: F.messageKey, content: F.push, purpose: .analytics),
            Only(F.deliveryResult)),
        MethodCase(
            g.sendInAppMessage, SendRequest(key: F.messageKey, content: F.inApp, purpose: .analytics),
            Only(F.deliveryResult)),
        MethodCase(g.trackDeliveryStatus, MessageRef(F.id(15)), Only(F.deliveryStatus)),
        MethodCase(
            g.sendBulkMessages,
            SendBulkMessagesRequest([BulkMessage(key: F.messageKey, content: .email(F.email), purpose: .analytics)]),
            Only(F.bulkResult), exempt: ["request.messages.purpose"]),
        MethodCase(
            g.listInAppMessages, ListInAppMessagesRequest(F.id(5), page: F.page),
            InAppPage(
                Page(items: [InAppMessage(status: F.deliveryStatus, content: F.inApp)], nextToken: "next_page_token")),
            exempt: ["request.page.page_token"]),
        MethodCase(g.watchDeliveryStatus, MessageRef(F.id(15)), Only(F.deliveryStatus)),
        MethodCase(g.addSuppression, Only(suppression), Only(suppression)),
        MethodCase(g.removeSuppression, SuppressionRef(channel: .email, address: "address"), Removed(true)),
        MethodCase(
            g.listSuppressions, ListSuppressionsRequest(channel: .email, page: F.page),
            Page(items: [suppression], nextToken: "next_page_token"), exempt: ["request.page.page_token"]),
        MethodCase(
            g.updateInAppMessage, UpdateInAppMessageRequest(messageID: F.id(15), userID: F.id(5), action: .dismiss),
            NoContent()),
    ]

    static let x = ABTestingEngineAPI.self
    static let experimentCases: [MethodCase] = [
        MethodCase(x.createTest, Only(F.testDefinition), Only(F.abTest)),
        MethodCase(x.getTest, ByID(F.id(10)), Only(F.abTest)),
        MethodCase(
            x.listTests, ListTestsRequest(campaignID: F.id(2), status: .paused, page: F.page),
            Page(items: [F.abTest], nextToken: "next_page_token"), exempt: ["request.page.page_token"]),
        MethodCase(x.startTest, ByID(F.id(10)), Only(F.abTest)),
        MethodCase(x.pauseTest, ByID(F.id(10)), Only(F.abTest)),
        MethodCase(x.stopTest, ByID(F.id(10)), Only(F.abTest)),
        MethodCase(
            x.updateTestAllocation, UpdateTestAllocationRequest(testID: F.id(10), allocations: ["key": 2]),
            Only(F.abTest)),
        MethodCase(
            x.assignVariant, AssignVariantRequest(testID: F.id(10), userID: F.id(5)),
            VariantAssignment(variant: F.variant, inTest: true, holdout: true)),
        MethodCase(
            x.assignVariants, AssignVariantsRequest(testID: F.id(10), userIDs: [F.id(5)], covariates: [3]),
            Many([F.assignment])),
        MethodCase(
            x.recordConversion,
            ConversionRequest(
                testID: F.id(10), userID: F.id(5), conversionType: "conversion_type", value: 4,
                conversionID: "conversion_id", occurredAt: F.time),
            ConversionResult(counted: true, reason: "reason")),
        MethodCase(x.analyzeTestResults, ByID(F.id(10)), Only(F.testAnalysis)),
        MethodCase(x.watchTestResults, ByID(F.id(10)), Only(F.testAnalysis)),
        MethodCase(
            x.selectWinner, SelectWinnerRequest(testID: F.id(10), variantID: "variant_id", force: true), Only(F.variant)
        ),
        MethodCase(x.optimizeCampaign, ByID(F.id(2)), Many([F.optimizationRecommendation])),
    ]

    static let y = CampaignAnalyticsAPI.self
    static let analyticsCases: [MethodCase] = [
        MethodCase(y.trackCampaignEvent, Only(F.event), EventStored(true)),
        MethodCase(y.trackCampaignEvents, Many([F.event]), TrackedEvents(stored: 1, duplicates: 2)),
        // The metrics' rates, intervals and ROI are derived from the counts, not numbered fixtures.
        MethodCase(
            y.getCampaignMetrics, CampaignRange(F.id(2), timeRange: TimeRange(start: F.time, end: F.time)),
            Only(F.metrics), exempt: ["response.metrics"]),
        MethodCase(y.watchCampaignMetrics, ByID(F.id(2)), Only(F.metrics), exempt: ["response.metrics"]),
        MethodCase(y.calculateROI, ByID(F.id(2)), Only(F.roi)),
        MethodCase(
            y.analyzeFunnel, CampaignRange(F.id(2), timeRange: TimeRange(start: F.time, end: F.time)), Only(F.funnel)),
        MethodCase(y.generateReport, Only(F.reportDefinition), Only(F.report)),
        MethodCase(y.createDashboard, CreateDashboardRequest(F.dashboardDefinition, by: F.id(3)), Only(F.dashboard)),
        MethodCase(y.getDashboard, ByID(F.id(13)), Only(F.dashboard)),
        MethodCase(y.analyzeAttribution, F.attributionRequest, Only(F.attribution)),
        MethodCase(y.trackConversion, F.conversionReport, EventStored(true)),
        MethodCase(y.recordCustomMetric, Only(F.customMetric), EventStored(true)),
        MethodCase(
            y.getUserBehavior, UserRange(F.id(5), timeRange: TimeRange(start: F.time, end: F.time)), Only(F.behavior)),
    ]

    static let allCases = cases + userCases + gatewayCases + experimentCases + analyticsCases

    @Test(
        "every field of each request and response survives domain -> protobuf -> domain, written at its own number",
        arguments: allCases)
    func roundTrip(_ method: MethodCase) throws {
        let (requestEqual, responseEqual, violations) = try method.run()
        #expect(requestEqual, "\(method.path): the request read back differs")
        #expect(responseEqual, "\(method.path): the response read back differs")
        #expect(violations == [], "\(method.path)")
    }

    @Test(
        "every problem a request mapper reports is at a path the schema has (a field's name comes from one place)",
        arguments: allCases)
    func issuePathsAreSchemaPaths(_ method: MethodCase) throws {
        let paths = try method.issuePaths()
        #expect(!paths.isEmpty, "\(method.path): a request of bad values was accepted")
        for path in paths {
            #expect(
                SchemaPath.exists(path, in: method.requestType),
                "\(method.path): \(path) is not a field path of \(method.requestType.fullName)")
        }
    }

    @Test("every method of every service with a method table has a case")
    func coverage() throws {
        let tested = Set(Self.allCases.map(\.path))
        for service in [
            CampaignManagerAPI.service, UserDirectoryAPI.service, NotificationGatewayAPI.service,
            ABTestingEngineAPI.service, CampaignAnalyticsAPI.service,
        ] {
            let schema = try #require(HeraldAPI.service(service))
            for method in schema.methods {
                #expect(tested.contains(schema.path(method)), "\(schema.path(method)) has no case")
            }
        }
    }
}

/// Messages full of values no mapper accepts: ids that are no UUIDs, unknown enum values, zero numbers, nested
/// messages filled the same way.
enum BadValues {
    static func message(of type: MessageType) throws -> [UInt8] { try type.encode { fill($0, type, depth: 0) } }

    static func fill(_ b: MessageBuilder, _ type: MessageType, depth: Int) {
        for field in type.schema.fields
        where field.oneof == nil || field.number == type.schema.fields.first { $0.oneof == field.oneof }?.number {
            switch field.type {
            case .string:
                if field.label == .repeated { b.set(field.number, repeated: ["x"]) } else { b.set(field.number, "x") }
            case .enumeration:
                if field.label == .repeated {
                    b.set(field.number, repeated: [Int32(99)])
                } else {
                    b.set(field.number, Int32(99))
                }
            case .message(let name):
                guard depth < 4, !name.hasPrefix("google.protobuf."), let nested = HeraldAPI.registry.message(name),
                    !(HeraldAPI.registry.message(name)?.schema.isMapEntry ?? false)
                else { continue }
                if field.label == .repeated {
                    b.messages(field.number, count: 1) { _, m in fill(m, nested, depth: depth + 1) }
                } else {
                    b.message(field.number) { fill($0, nested, depth: depth + 1) }
                }
            default: continue
            }
        }
    }
}

/// Field paths (`campaign.workflow.nodes[3].id`, `metadata["k"]`) checked against a schema.
enum SchemaPath {
    static func exists(_ path: String, in type: MessageType) -> Bool {
        var current: MessageType? = type
        for step in path.split(separator: ".") {
            let name = String(step.prefix { $0 != "[" })
            guard let message = current, let field = message.field(named: name) else { return false }
            if case .message(let nested) = field.type {
                current = HeraldAPI.registry.message(nested)
            } else {
                current = nil
            }
        }
        return true
    }
}
