import API
import Codec
import Domain
import Foundation
import TestSupport
import Testing

/// A domain value, the message type it maps to, and what the round trip and the conventions found.
struct MappingCase: Sendable, CustomTestStringConvertible {
    let typeName: String
    let label: String
    let run: @Sendable () throws -> (roundTripEqual: Bool, violations: [String])

    var testDescription: String { label }

    init<T: WireMapped & Equatable & Sendable>(_ typeName: String, _ value: T, _ label: String? = nil) {
        self.typeName = typeName
        self.label = label ?? typeName
        run = {
            let type = try #require(HeraldAPI.registry.message(typeName))
            let bytes = try type.encode { value.write(to: $0) }
            let back = try type.decode(bytes) { try T(wire: $0, at: "") }
            return (back == value, WireConventions.violations(in: try type.decodeDynamic(bytes), of: type))
        }
    }
}

@Suite("Wire mappers of the service APIs")
struct WireMappingTests {
    typealias F = WireFixtures
    static let w = "herald.workflows.v1.", s = "herald.segments.v1.", p = "herald.personalization.v1.",
        e = "herald.experiments.v1."
    static let a = "herald.analytics.v1.", t = "herald.triggers.v1.", d = "herald.delivery.v1.", u = "herald.users.v1."

    static let cases: [MappingCase] = [
        MappingCase("herald.campaigns.v1.Campaign", F.campaign),
        MappingCase("herald.campaigns.v1.CampaignExecution", F.campaignExecution),
        MappingCase("herald.campaigns.v1.CampaignStatusReport", F.campaignStatus),
        MappingCase(w + "WorkflowDefinition", F.workflowDefinition), MappingCase(w + "Workflow", F.workflow),
        MappingCase(w + "WorkflowContext", F.workflowContext),
        MappingCase(w + "WorkflowExecution", F.workflowExecution),
        MappingCase(w + "WorkflowStatus", F.workflowStatus),
        MappingCase(w + "WorkflowOptimization", F.workflowOptimization),
        MappingCase(s + "SegmentCondition", F.segmentCondition),
        MappingCase(s + "SegmentDefinition", F.segmentDefinition),
        MappingCase(s + "Segment", F.segment), MappingCase(s + "SegmentMember", F.segmentMember),
        MappingCase(s + "SegmentOverlapAnalysis", F.segmentOverlap),
        MappingCase(p + "PersonalizationProfile", F.profile), MappingCase(p + "ContentTemplate", F.contentTemplate),
        MappingCase(p + "PersonalizedContent", F.personalizedContent),
        MappingCase(p + "RecommendationContext", F.recommendationContext),
        MappingCase(p + "Recommendation", F.recommendation), MappingCase(p + "OptimalSendTime", F.optimalSendTime),
        MappingCase(p + "UserContext", F.userContext), MappingCase(p + "AdaptedContent", F.adaptedContent),
        MappingCase(e + "ABTestDefinition", F.testDefinition), MappingCase(e + "ABTest", F.abTest),
        MappingCase(e + "TestAnalysis", F.testAnalysis), MappingCase(e + "Assignment", F.assignment),
        MappingCase(a + "AttributionAnalysis", F.attribution), MappingCase(a + "CustomMetric", F.customMetric),
        MappingCase(a + "BehaviorAnalysis", F.behavior),
        MappingCase(e + "OptimizationRecommendation", F.optimizationRecommendation),
        MappingCase(a + "CampaignEvent", F.event), MappingCase(a + "ROIAnalysis", F.roi),
        MappingCase(a + "FunnelAnalysis", F.funnel),
        MappingCase(a + "ReportDefinition", F.reportDefinition), MappingCase(a + "CampaignReport", F.report),
        MappingCase(a + "DashboardDefinition", F.dashboardDefinition), MappingCase(a + "Dashboard", F.dashboard),
        MappingCase(t + "TriggerDefinition", F.triggerDefinition), MappingCase(t + "Trigger", F.trigger),
        MappingCase(t + "UserEvent", F.userEvent),
        MappingCase(t + "TriggeredCampaign", F.triggeredCampaign),
        MappingCase(t + "TriggerAnalytics", F.triggerAnalytics),
        MappingCase(t + "FrequencyStatus", F.frequencyStatus),
        MappingCase(d + "BulkMessage", BulkMessage(key: F.messageKey, content: .email(F.email)), "BulkMessage (email)"),
        MappingCase(d + "BulkMessage", BulkMessage(key: F.messageKey, content: .sms(F.sms)), "BulkMessage (sms)"),
        MappingCase(d + "BulkMessage", BulkMessage(key: F.messageKey, content: .push(F.push)), "BulkMessage (push)"),
        MappingCase(
            d + "BulkMessage", BulkMessage(key: F.messageKey, content: .inApp(F.inApp)), "BulkMessage (in_app)"),
        MappingCase(d + "DeliveryResult", F.deliveryResult), MappingCase(d + "DeliveryStatus", F.deliveryStatus),
        MappingCase(d + "BulkDeliveryResult", F.bulkResult),
        MappingCase(
            d + "Suppression",
            Suppression(
                channel: .sms, address: "address", reason: "reason", createdAt: Date(timeIntervalSince1970: 1e9))),
        MappingCase(u + "UserProfile", F.user), MappingCase(u + "UserPreferences", F.userPreferences),
        MappingCase(u + "SegmentData", F.segmentData),
        MappingCase(u + "ConsentStatus", F.consent), MappingCase(u + "ConsentUpdate", F.consentUpdate),
        MappingCase(u + "UserActivity", F.activity),
        MappingCase(u + "Device", F.device), MappingCase(u + "PurposeConsent", F.purposeConsent),
        MappingCase(u + "ConsentChange", F.consentChange),
        MappingCase(
            u + "ConsentChange",
            ConsentChange(
                at: F.time, subject: .channel(.sms), granted: true, source: "source", legalBasis: "legal_basis"),
            "ConsentChange (channel)"),
        MappingCase(u + "UserFilter", F.userFilter), MappingCase(u + "UserContact", F.userContact),
        MappingCase(u + "ImportRow", F.importRow),
        MappingCase(u + "ImportRowError", F.importRowError), MappingCase(u + "DataSubjectStep", F.dataSubjectStep),
        MappingCase(u + "DataSubjectRequest", F.dataSubjectRequest),
    ]

    @Test("every field survives domain -> protobuf -> domain, written at its own number", arguments: cases)
    func roundTrip(_ mapping: MappingCase) throws {
        let (equal, violations) = try mapping.run()
        #expect(equal, "\(mapping.label) read back differs from what was written")
        #expect(violations == [], "\(mapping.label)")
    }

    @Test("every model message of the seven APIs and the workflow engine has a mapper under test")
    func coverage() {
        let tested = Set(Self.cases.map(\.typeName))
        // Messages read and written only inside another one's mapper (their fields are checked there), requests
        // and responses (the typed clients' business), and map entries.
        let inside: Set<String> = [
            "SegmentPerformance", "SegmentOverlap", "SegmentRegion", "ActivityCondition", "UserPreferences", "PageView",
            "Purchase", "Interaction",
            "DeviceUsage", "LocationData", "SessionData", "BehaviorProfile", "Demographics", "EngagementHistory",
            "RecommendationProfile",
            "OptimalTime", "DevicePreference", "EngagementPattern", "SendTimeProfile", "ContentPreferences",
            "VariantPerformance",
            "TestVariant", "TrafficAllocation", "SuccessMetric", "VariantResults", "TestResults",
            "StatisticalSignificance", "WinnerPolicy", "Factor", "MetricResults", "CampaignAttribution",
            "Incrementality", "ConversionEvent",
            "FunnelStage", "ReportRow", "DashboardWidget", "TriggerCondition", "TriggerAction", "FrequencyCap",
            "TriggerPerformance",
            "EmailContent", "SMSContent", "PushContent", "InAppContent", "MessageKey", "DeliveryEvent",
            "ChannelConsent", "Position",
            "MessageContent", "MessageNodeConfig", "DelayNodeConfig", "ConditionNodeConfig", "SplitBranch",
            "SplitNodeConfig", "NodeConfig",
            "WorkflowNode", "WorkflowEdge", "WorkflowVariable", "WorkflowSettings", "OptimizationSuggestion",
        ]
        let packages = [Self.w, Self.s, Self.p, Self.e, Self.a, Self.t, Self.d, Self.u]
        let untested = HeraldAPI.registry.messageNames.filter { name in
            guard let package = packages.first(where: { name.hasPrefix($0) }) else { return false }
            let short = String(name.dropFirst(package.count))
            return !short.hasSuffix("Request") && !short.hasSuffix("Response") && !short.contains(".")
                && !tested.contains(name)
                && !inside.contains(short)
        }
        #expect(untested == [])
    }

    @Test(
        "a Campaign written whole equals its stored definition and its state concatenated (the budget's spend kept either way)"
    )
    func campaignConcatenation() throws {
        let type = try #require(HeraldAPI.registry.message("herald.campaigns.v1.Campaign"))
        let campaign = F.campaign
        let whole = try type.encode { campaign.write(to: $0) }
        let parts =
            try type.encode { campaign.definition.write(to: $0, fields: .campaign) }
            + (try type.encode { campaign.writeState(to: $0) })
        #expect(try type.decode(whole) { try Campaign(wire: $0, at: "") } == campaign)
        #expect(try type.decode(parts) { try Campaign(wire: $0, at: "") } == campaign)
        #expect(try type.decodeDynamic(whole) == type.decodeDynamic(parts))
    }

    @Test("CampaignMetrics: counts, revenue and cost as sent; the rates, their Wilson intervals and ROI derived")
    func campaignMetrics() throws {
        let metrics = F.metrics
        let type = try #require(HeraldAPI.registry.message("herald.common.v1.CampaignMetrics"))
        let bytes = try type.encode { metrics.write(to: $0) }
        #expect(try type.decode(bytes) { try CampaignMetrics(wire: $0, at: "") } == metrics)
        let wire = try type.decode(bytes) { m in
            m.messages(22).map { ($0.string(1), $0.double(2), $0.double(3)) }
        }
        #expect(
            wire.map(\.0) == [
                "delivery_rate", "open_rate", "click_rate", "conversion_rate", "unsubscribe_rate", "bounce_rate",
            ])
        for (name, lower, upper) in wire {
            let rate = ["delivery_rate": metrics.deliveryRate, "open_rate": metrics.openRate][name] ?? lower
            #expect(lower <= rate && rate <= upper && upper - lower < 0.1, "\(name): [\(lower), \(upper)]")
        }
    }

    @Test("bad ids, unknown enum values and a missing oneof are reported at their field paths")
    func issuesAtPaths() throws {
        let segment = try #require(HeraldAPI.registry.message(Self.s + "Segment"))
        let bytes = try segment.encode { b in
            b.set(1, "not-a-uuid")
            b.set(4, Int32(42))
            b.messages(5, count: 2) { i, c in c.set(2, Int32(i == 0 ? 1 : 99)) }
        }
        do {
            _ = try segment.decode(bytes) { try Segment(wire: $0, at: "segment") }
            Issue.record("a segment with a bad id was read")
        } catch let error as ValidationError {
            #expect(
                error.issues.map(\.description) == [
                    "segment.id: expected a UUID, got \"not-a-uuid\"",
                    "segment.type: unknown value 42; expected SEGMENT_TYPE_STATIC, SEGMENT_TYPE_DYNAMIC, SEGMENT_TYPE_LOOKALIKE or SEGMENT_TYPE_BEHAVIORAL",
                    "segment.conditions[1].operator: unknown value 99; expected CONDITION_OPERATOR_EQUALS, CONDITION_OPERATOR_CONTAINS, CONDITION_OPERATOR_GREATER_THAN, CONDITION_OPERATOR_LESS_THAN, CONDITION_OPERATOR_IN, CONDITION_OPERATOR_NOT_IN, CONDITION_OPERATOR_NOT_EQUALS, CONDITION_OPERATOR_STARTS_WITH, CONDITION_OPERATOR_ENDS_WITH, CONDITION_OPERATOR_MATCHES, CONDITION_OPERATOR_BETWEEN, CONDITION_OPERATOR_EXISTS, CONDITION_OPERATOR_IS_EMPTY, CONDITION_OPERATOR_WITHIN_LAST_DAYS, CONDITION_OPERATOR_MORE_THAN_DAYS_AGO, CONDITION_OPERATOR_BEFORE or CONDITION_OPERATOR_AFTER",
                ])
        }
        let bulk = try #require(HeraldAPI.registry.message(Self.d + "BulkMessage"))
        let noContent = try bulk.encode { $0.set(1, F.messageKey) }
        #expect(throws: ValidationError("messages[3].content", "required; expected one of email, sms, push or in_app"))
        {
            try bulk.decode(noContent) { try BulkMessage(wire: $0, at: "messages[3]") }
        }
        let context = try #require(HeraldAPI.registry.message(Self.w + "WorkflowContext"))
        let badUsers = try context.encode { b in
            b.set(1, F.id(2).lowercased)
            b.set(3, repeated: [F.id(5).lowercased, "", "x"])
        }
        do {
            _ = try context.decode(badUsers) { try WorkflowContext(wire: $0, at: "context") }
            Issue.record("a context with bad user ids was read")
        } catch let error as ValidationError {
            #expect(
                error.issues.map(\.description) == [
                    "context.user_ids[1]: required", "context.user_ids[2]: expected a UUID, got \"x\"",
                ])
        }
    }
}
