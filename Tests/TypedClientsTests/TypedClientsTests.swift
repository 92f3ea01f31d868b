import API
import Codec
import Domain
import Foundation
import HeraldCore
import RPC
import ServiceClients
import TestSupport
import Testing
import TypedClients

/// Each typed client against a scripted stand-in of its service over real gRPC: every method is called with
/// arguments that follow `WireConventions` (so the stand-in can tell that each request field was sent, at its
/// own number), and what the client returns is the domain value the stand-in's response held.
@Suite("Typed clients of the services")
struct TypedClientsTests {
    typealias F = WireFixtures
    static let user = F.id(3)

    /// Runs `body` with a client of a scripted `service`, then checks every method was called with a full request.
    static func with<C>(
        _ service: String, _ makeClient: (ServiceClient) -> C, responses: [String: @Sendable (MessageBuilder) -> Void],
        _ body: (C) async throws -> Void
    ) async throws {
        let scripted = try ScriptedService(service, responses: responses)
        defer { scripted.stop() }
        let client = scripted.client
        defer { client.close() }
        try await body(makeClient(client))
        let problems = try scripted.problems()
        #expect(problems == [], "\(problems)")
    }

    /// A page response: `item` twice in field 1, "next" as the next page's token in field 2.
    static func page(_ item: some WireWritable) -> @Sendable (MessageBuilder) -> Void {
        let item = SendableBox(item)
        return { b in
            b.messages(1, count: 2) { item.value.write(to: $1) }
            b.set(2, nextPageToken: "next")
        }
    }

    /// A response of `item` twice in field 1.
    static func twice(_ item: some WireWritable) -> @Sendable (MessageBuilder) -> Void {
        let item = SendableBox(item)
        return { $0.messages(1, count: 2) { item.value.write(to: $1) } }
    }

    static func field1(_ value: some WireWritable) -> @Sendable (MessageBuilder) -> Void {
        let value = SendableBox(value)
        return { $0.set(1, value.value) }
    }

    static func collect<T>(_ stream: AsyncThrowingStream<T, any Error>) async throws -> [T] {
        var values: [T] = []
        for try await value in stream { values.append(value) }
        return values
    }

    @Test("WorkflowEngineClient")
    func workflows() async throws {
        try await Self.with(
            "herald.workflows.v1.WorkflowEngine", WorkflowEngineClient.init,
            responses: [
                "CreateWorkflow": Self.field1(F.workflow), "GetWorkflow": Self.field1(F.workflow),
                "ListWorkflows": Self.page(F.workflow),
                "ExecuteWorkflow": Self.field1(F.workflowExecution), "GetWorkflowStatus": Self.field1(F.workflowStatus),
                "WatchWorkflowStatus": Self.field1(F.workflowStatus),
                "OptimizeWorkflow": Self.field1(F.workflowOptimization),
            ]
        ) { c in
            #expect(try await c.create(for: F.id(2), F.workflowDefinition, by: Self.user) == F.workflow)
            #expect(try await c.get(F.id(1)) == F.workflow)
            let page = try await c.list(campaign: F.id(2), pageSize: 1, pageToken: "page_token")
            #expect(page.items == [F.workflow, F.workflow] && page.nextToken == "next")
            try await c.delete(F.id(1))
            #expect(
                try await c.execute(F.id(1), context: F.workflowContext, idempotencyKey: "idempotency_key")
                    == F.workflowExecution)
            try await c.pause(execution: F.id(7))
            try await c.resume(execution: F.id(7))
            #expect(try await c.status(execution: F.id(7)) == F.workflowStatus)
            #expect(try await Self.collect(c.watchStatus(execution: F.id(7))) == [F.workflowStatus, F.workflowStatus])
            #expect(try await c.optimize(F.id(1)) == F.workflowOptimization)
        }
    }

    @Test("SegmentationEngineClient")
    func segments() async throws {
        try await Self.with(
            "herald.segments.v1.SegmentationEngine", SegmentationEngineClient.init,
            responses: [
                "CreateSegment": Self.field1(F.segment), "UpdateSegment": Self.field1(F.segment),
                "GetSegment": Self.field1(F.segment),
                "ListSegments": Self.page(F.segment), "EvaluateUserSegments": { $0.set(1, ids: [F.id(8), F.id(9)]) },
                "GetSegmentMembers": Self.page(F.segmentMember),
                "CreateLookalikeSegment": {
                    Self.field1(F.segment)($0)
                    $0.set(2, 0.75)
                    $0.set(3, "model")
                },
                "AnalyzeSegmentOverlap": Self.field1(F.segmentOverlap),
                "PreviewSegment": {
                    $0.set(1, Int64(2))
                    $0.set(2, ids: [F.id(5), F.id(6)])
                },
                "RefreshSegment": {
                    Self.field1(F.segment)($0)
                    $0.set(2, Int64(3))
                    $0.set(3, Int64(1))
                },
                "StreamSegmentMembers": { $0.set(1, ids: [F.id(5), F.id(6)]) },
            ]
        ) { c in
            #expect(try await c.create(F.segmentDefinition, by: Self.user) == F.segment)
            #expect(try await c.update(F.id(8), to: F.segmentDefinition) == F.segment)
            #expect(try await c.explain(F.id(8)) == SegmentWithPlan(F.segment))
            let page = try await c.list(type: .dynamic, page: PageRequest(size: 1, token: "page_token"))
            #expect(page.items == [F.segment, F.segment] && page.nextToken == "next")
            try await c.delete(F.id(8))
            #expect(try await c.segments(of: F.id(5)) == [F.id(8), F.id(9)])
            #expect(
                try await c.members(of: F.id(8), page: PageRequest(size: 1, token: "page_token")).items == [
                    F.segmentMember, F.segmentMember,
                ])
            #expect(
                try await c.createLookalike(of: F.id(9), similarity: 2, name: "name", by: Self.user)
                    == LookalikeResult(F.segment, auc: 0.75, model: "model"))
            #expect(try await c.overlap(of: [F.id(8), F.id(9)]) == F.segmentOverlap)
            #expect(
                try await c.preview(F.segmentDefinition, sampleSize: 2)
                    == SegmentPreview(size: 2, sample: [F.id(5), F.id(6)]))
            #expect(try await c.refresh(F.id(8)) == SegmentRefresh(F.segment, entered: 3, left: 1))
            #expect(
                try await Self.collect(c.streamMembers(of: F.id(8), batchSize: 2)) == [
                    MemberBatch([F.id(5), F.id(6)]), MemberBatch([F.id(5), F.id(6)]),
                ])
        }
    }

    @Test("PersonalizationEngineClient")
    func personalization() async throws {
        try await Self.with(
            "herald.personalization.v1.PersonalizationEngine", PersonalizationEngineClient.init,
            responses: [
                "GetProfile": Self.field1(F.profile), "UpdateProfile": Self.field1(F.profile),
                "PersonalizeContent": Self.field1(F.personalizedContent),
                "GenerateRecommendations": Self.twice(F.recommendation),
                "OptimizeSendTime": Self.field1(F.optimalSendTime),
                "AdaptContent": Self.field1(F.adaptedContent),
            ]
        ) { c in
            #expect(try await c.profile(of: F.id(5)) == F.profile)
            #expect(try await c.update(F.profile) == F.profile)
            #expect(try await c.personalize(F.contentTemplate, for: F.id(5)) == F.personalizedContent)
            #expect(
                try await c.recommendations(for: F.id(5), context: F.recommendationContext) == [
                    F.recommendation, F.recommendation,
                ])
            #expect(try await c.optimalSendTime(for: F.id(5), campaignType: "campaign_type") == F.optimalSendTime)
            #expect(try await c.adaptContent(for: F.id(5), context: F.userContext) == F.adaptedContent)
            try await c.trackPerformance(of: "content_id", for: F.id(5), outcome: "outcome")
        }
    }

    @Test("ABTestingEngineClient")
    func experiments() async throws {
        try await Self.with(
            "herald.experiments.v1.ABTestingEngine", ABTestingEngineClient.init,
            responses: [
                "CreateTest": Self.field1(F.abTest), "GetTest": Self.field1(F.abTest), "ListTests": Self.page(F.abTest),
                "StartTest": Self.field1(F.abTest), "PauseTest": Self.field1(F.abTest),
                "AssignVariant": { b in
                    b.set(1, F.variant)
                    b.set(2, true)
                },
                "AnalyzeTestResults": Self.field1(F.testAnalysis), "SelectWinner": Self.field1(F.variant),
                "StopTest": Self.field1(F.abTest), "UpdateTestAllocation": Self.field1(F.abTest),
                "AssignVariants": Self.twice(F.assignment),
                "RecordConversion": { b in
                    b.set(1, true)
                    b.set(2, "reason")
                },
                "OptimizeCampaign": Self.twice(F.optimizationRecommendation),
                "WatchTestResults": Self.field1(F.testAnalysis),
            ]
        ) { c in
            #expect(try await c.create(F.testDefinition) == F.abTest)
            #expect(try await c.get(F.id(10)) == F.abTest)
            #expect(
                try await c.list(campaign: F.id(2), status: .running, page: PageRequest(size: 1, token: "page_token"))
                    .items == [F.abTest, F.abTest])
            #expect(try await c.start(F.id(10)) == F.abTest)
            #expect(try await c.pause(F.id(10)) == F.abTest)
            #expect(try await c.assignVariant(in: F.id(10), to: F.id(5)).variant == F.variant)
            let conversion = ConversionRequest(
                testID: F.id(10), userID: F.id(5), conversionType: "conversion_type", value: 4,
                conversionID: "conversion_id", occurredAt: F.time)
            let counted: ConversionResult = try await c.recordConversion(conversion)
            #expect(counted == ConversionResult(counted: true, reason: "reason"))
            #expect(try await c.stop(F.id(10)) == F.abTest)
            #expect(try await c.updateAllocation(of: F.id(10), ["key": 2]) == F.abTest)
            let assignments: [Assignment] = try await c.assignVariants(in: F.id(10), to: [F.id(5)], covariates: [3])
            #expect(assignments == [F.assignment, F.assignment])
            #expect(try await c.analyze(F.id(10)) == F.testAnalysis)
            #expect(try await c.selectWinner(of: F.id(10), variant: "variant_id", force: true) == F.variant)
            #expect(
                try await c.optimize(campaign: F.id(2)) == [F.optimizationRecommendation, F.optimizationRecommendation])
            #expect(try await Self.collect(c.watchResults(of: F.id(10))) == [F.testAnalysis, F.testAnalysis])
        }
    }

    @Test("CampaignAnalyticsClient")
    func analytics() async throws {
        try await Self.with(
            "herald.analytics.v1.CampaignAnalytics", CampaignAnalyticsClient.init,
            responses: [
                "TrackCampaignEvent": { $0.set(1, true) },
                "TrackCampaignEvents": { b in
                    b.set(1, Int64(5))
                    b.set(2, Int64(1))
                },
                "GetCampaignMetrics": Self.field1(F.metrics), "CalculateROI": Self.field1(F.roi),
                "AnalyzeFunnel": Self.field1(F.funnel),
                "GenerateReport": Self.field1(F.report), "CreateDashboard": Self.field1(F.dashboard),
                "GetDashboard": Self.field1(F.dashboard),
                "WatchCampaignMetrics": Self.field1(F.metrics), "AnalyzeAttribution": Self.field1(F.attribution),
                "TrackConversion": { $0.set(1, true) }, "RecordCustomMetric": { $0.set(1, true) },
                "GetUserBehavior": Self.field1(F.behavior),
            ]
        ) { (c: CampaignAnalyticsClient) async throws in
            #expect(try await c.track(F.event))
            #expect(try await c.track([F.event, F.event]) == TrackedEvents(stored: 5, duplicates: 1))
            let range = TimeRange(start: F.time, end: F.time)
            #expect(try await c.metrics(of: F.id(2), in: range) == F.metrics)
            #expect(try await c.roi(of: F.id(2)) == F.roi)
            #expect(try await c.funnel(of: F.id(2), in: range) == F.funnel)
            #expect(try await c.report(F.reportDefinition) == F.report)
            #expect(try await c.createDashboard(F.dashboardDefinition, by: Self.user) == F.dashboard)
            #expect(try await c.dashboard(F.id(13)) == F.dashboard)
            #expect(try await Self.collect(c.watchMetrics(of: F.id(2))) == [F.metrics, F.metrics])
            #expect(try await c.attribution(F.attributionRequest) == F.attribution)
            let report = F.conversionReport
            #expect(try await c.trackConversion(report.conversion, of: report.userID, for: report.campaignID))
            #expect(try await c.record(F.customMetric))
            #expect(try await c.behavior(of: F.id(5), in: TimeRange(start: F.time, end: F.time)) == F.behavior)
        }
    }

    @Test("TriggerManagerClient")
    func triggers() async throws {
        try await Self.with(
            "herald.triggers.v1.TriggerManager", TriggerManagerClient.init,
            responses: [
                "CreateTrigger": Self.field1(F.trigger), "GetTrigger": Self.field1(F.trigger),
                "ListTriggers": Self.page(F.trigger),
                "SetTriggerStatus": Self.field1(F.trigger), "EvaluateTriggers": Self.twice(F.triggeredCampaign),
                "UpdateTriggerConditions": Self.field1(F.trigger),
                "GetTriggerPerformance": Self.field1(F.triggerAnalytics),
                "ManageTriggerFrequency": Self.field1(F.frequencyStatus),
            ]
        ) { c in
            #expect(try await c.create(F.triggerDefinition, by: Self.user) == F.trigger)
            #expect(try await c.get(F.id(14)) == F.trigger)
            #expect(
                try await c.list(status: .active, pageSize: 1, pageToken: "page_token").items == [F.trigger, F.trigger])
            try await c.delete(F.id(14))
            #expect(try await c.setStatus(of: F.id(14), to: .paused) == F.trigger)
            #expect(try await c.evaluate(F.userEvent, for: F.id(5)) == [F.triggeredCampaign, F.triggeredCampaign])
            #expect(try await c.updateConditions(of: F.id(14), to: [F.eventCondition]) == F.trigger)
            #expect(try await c.performance(of: F.id(14)) == F.triggerAnalytics)
            #expect(try await c.frequency(of: F.id(14), for: F.id(5)) == F.frequencyStatus)
        }
    }

    @Test("NotificationGatewayClient")
    func delivery() async throws {
        try await Self.with(
            "herald.delivery.v1.NotificationGateway", NotificationGatewayClient.init,
            responses: [
                "SendEmail": Self.field1(F.deliveryResult), "SendSMS": Self.field1(F.deliveryResult),
                "SendPushNotification": Self.field1(F.deliveryResult),
                "SendInAppMessage": Self.field1(F.deliveryResult), "TrackDeliveryStatus": Self.field1(F.deliveryStatus),
                "SendBulkMessages": Self.field1(F.bulkResult),
                "ListInAppMessages": { b in
                    b.set(1, each: [F.deliveryStatus, F.deliveryStatus])
                    b.set(2, each: [F.inApp, F.inApp])
                    b.set(3, nextPageToken: "next")
                },
                "WatchDeliveryStatus": Self.field1(F.deliveryStatus),
                "AddSuppression": Self.field1(Self.suppression), "RemoveSuppression": { $0.set(1, true) },
                "ListSuppressions": Self.page(Self.suppression), "UpdateInAppMessage": { _ in },
            ]
        ) { c in
            for content in [DeliveryContent.email(F.email), .sms(F.sms), .push(F.push), .inApp(F.inApp)] {
                #expect(try await c.send(content, key: F.messageKey) == F.deliveryResult)
            }
            #expect(try await c.status(of: F.id(15)) == F.deliveryStatus)
            let bulk = [
                BulkMessage(key: F.messageKey, content: .email(F.email)),
                BulkMessage(key: F.messageKey, content: .push(F.push)),
            ]
            #expect(try await c.sendBulk(bulk) == F.bulkResult)
            #expect(try await c.suppress(Self.suppression) == Self.suppression)
            #expect(try await c.unsuppress("address", on: .email))
            #expect(
                try await c.suppressions(on: .email, page: PageRequest(size: 1, token: "page_token")).items == [
                    Self.suppression, Self.suppression,
                ])
            try await c.updateInAppMessage(F.id(15), of: F.id(5), .read)
            let page = try await c.inAppMessages(for: F.id(5), page: PageRequest(size: 1, token: "page_token"))
            #expect(
                page.items == [
                    InAppMessage(status: F.deliveryStatus, content: F.inApp),
                    InAppMessage(status: F.deliveryStatus, content: F.inApp),
                ])
            #expect(page.nextToken == "next")
            #expect(try await Self.collect(c.watchStatus(of: F.id(15))) == [F.deliveryStatus, F.deliveryStatus])
        }
    }

    static let suppression = Suppression(
        channel: .email, address: "address", reason: "reason", createdAt: Date(timeIntervalSince1970: 1_800_000_000))

    @Test("UserDirectoryClient")
    func users() async throws {
        try await Self.with(
            "herald.users.v1.UserDirectory", UserDirectoryClient.init,
            responses: [
                "CreateUser": Self.field1(F.user), "GetUserProfile": Self.field1(F.user),
                "UpdateUserProfile": Self.field1(F.user),
                "ListUsers": Self.page(F.user), "GetUserPreferences": Self.field1(F.userPreferences),
                "GetUserSegmentData": Self.field1(F.segmentData), "GetUserConsent": Self.field1(F.consent),
                "TrackUserActivities": { $0.set(1, Int32(3)) }, "ImportUsers": { F.importResult.write(to: $0) },
                "ExportUsers": { $0.set(1, each: [F.user, F.user]) },
                "LookupUsers": { $0.set(1, each: [F.userContact]) },
                "RegisterDevice": Self.field1(F.user),
                "ExportUserData": {
                    ExportUserDataResponse(data: F.object, request: F.dataSubjectRequest).write(to: $0)
                },
                "EraseUser": Self.field1(F.dataSubjectRequest),
                "GetDataSubjectRequest": Self.field1(F.dataSubjectRequest),
            ]
        ) { c in
            #expect(try await c.create(F.user) == F.user)
            #expect(try await c.profile(of: F.id(5)) == F.user)
            #expect(
                try await c.update(F.user, mask: ["update_mask#1", "update_mask#2"], expectedVersion: 3, by: F.id(6))
                    == F.user)
            try await c.delete(F.id(5), erase: true)
            #expect(
                try await c.list(F.userFilter, page: PageRequest(size: 1, token: "page_token")).items == [
                    F.user, F.user,
                ])
            #expect(try await c.preferences(of: F.id(5)) == F.userPreferences)
            try await c.updatePreferences(of: F.id(5), to: F.userPreferences)
            #expect(try await c.segmentData(of: F.id(5)) == F.segmentData)
            #expect(try await c.consent(of: F.id(5), includeHistory: true) == F.consent)
            try await c.updateConsent(of: F.id(5), F.consentUpdate)
            try await c.trackActivity(of: F.id(5), F.activity)
            #expect(try await c.trackActivities([TrackedActivity(F.id(5), F.activity)]) == 3)
            #expect(try await c.importUsers([F.importRow, F.importRow, F.importRow], chunk: 2) == F.importResult)
            #expect(
                try await Self.collect(c.export(F.userFilter)).map(\.values) == [[F.user, F.user], [F.user, F.user]])
            #expect(try await c.lookup([F.id(5), F.id(6)]) == [F.userContact])
            #expect(try await c.register(F.device, for: F.id(5)) == F.user)
            try await c.unregister(token: "token", of: F.id(5))
            #expect(try await c.exportData(of: F.id(5), requestedBy: "requested_by").request == F.dataSubjectRequest)
            #expect(try await c.erase(F.id(5), requestedBy: "requested_by") == F.dataSubjectRequest)
            #expect(try await c.dataSubjectRequest(F.id(17)) == F.dataSubjectRequest)
        }
    }

    @Test("a response the client cannot read is INTERNAL naming the field; a status from the service arrives as sent")
    func failures() async throws {
        let scripted = try ScriptedService(
            "herald.segments.v1.SegmentationEngine",
            responses: ["GetSegment": { _ in }, "CreateSegment": { $0.message(1) { $0.set(1, "seg-1") } }],
            failing: ["DeleteSegment": RPCError(.notFound, "no segment 0f")])
        defer { scripted.stop() }
        let client = scripted.client
        defer { client.close() }
        let segments = SegmentationEngineClient(client)
        await #expect(
            throws: RPCError(.internal, "herald.segments.v1.SegmentationEngine/GetSegment response: segment: required")
        ) {
            try await segments.get(F.id(8))
        }
        do {
            _ = try await segments.create(F.segmentDefinition, by: Self.user)
            Issue.record("a segment with a malformed id was returned")
        } catch let error as RPCError {
            #expect(error.code == .internal)
            #expect(
                error.message.hasPrefix(
                    "herald.segments.v1.SegmentationEngine/CreateSegment response: segment.id: expected a UUID, got \"seg-1\";"
                ))
        }
        await #expect(throws: RPCError(.notFound, "no segment 0f")) { try await segments.delete(F.id(8)) }
    }

    @Test("INVALID_ARGUMENT carries a google.rpc.BadRequest: every field path and problem, structured")
    func fieldViolations() async throws {
        var issues = FieldIssues()
        issues.add("segment.name", "required")
        issues.add("segment.conditions[2].operator", "unknown value 99; expected CONDITION_OPERATOR_EQUALS, …")
        let scripted = try ScriptedService(
            "herald.segments.v1.SegmentationEngine", responses: [:],
            failing: ["CreateSegment": ValidationError(issues: issues.issues)])
        defer { scripted.stop() }
        let client = scripted.client
        defer { client.close() }
        do {
            _ = try await SegmentationEngineClient(client).create(F.segmentDefinition, by: Self.user)
            Issue.record("an invalid segment was created")
        } catch let error as RPCError {
            #expect(error.code == .invalidArgument)
            #expect(
                error.message
                    == "segment.name: required; segment.conditions[2].operator: unknown value 99; expected CONDITION_OPERATOR_EQUALS, …"
            )
            #expect(
                error.fieldViolations == issues.issues.map { FieldViolation(field: $0.path, description: $0.problem) })
            let json = try ProtoJSON(registry: HeraldAPI.registry).encode(
                try #require(HeraldAPI.registry.message("google.rpc.Status")).decodeDynamic(try #require(error.details))
            )
            #expect(json.text().hasPrefix(#"{"code":3,"message":"segment.name: required; "#))
            #expect(
                json.text().hasSuffix(
                    #""details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"segment.name","description":"required"},{"field":"segment.conditions[2].operator","description":"unknown value 99; expected CONDITION_OPERATOR_EQUALS, …"}]}]}"#
                ))
        }
    }
}

/// Lets a fixture value (immutable, but not declared Sendable) into a `@Sendable` response script.
struct SendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
