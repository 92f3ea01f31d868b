import Codec
import Domain
import Foundation

/// One fully populated value of every message the service APIs' mappers read and write, following
/// `WireConventions`: strings hold their proto field's name, numbers their field number, bools are true, enums
/// are set, ids are UUIDs.
enum WireFixtures {
    static func id(_ n: UInt8) -> UUID { UUID(uuid: (n, 1, 2, 3, 4, 5, 0x46, 7, 0x88, 9, 10, 11, 12, 13, 14, n)) }
    /// Microsecond precision: what the wire mapping keeps.
    static let time = Date(timeIntervalSince1970: 1_800_000_000.123456)
    static let span = TimeSpan(seconds: 90, nanos: 500)
    static let object: JSONValue = ["plan": .string("gold"), "visits": .number("12"), "tags": .array([.bool(true), .null])]
    static let geo = GeoLocation(
        latitude: 1, longitude: 2, country: "country", region: "region", city: "city", postalCode: "postal_code", timezone: "timezone")

    // MARK: herald.workflows.v1

    static let workflowDefinition = WorkflowDefinition(
        id: "id",
        nodes: [
            node(.message(MessageNodeConfig(
                channel: .email, content: MessageContent(subject: "subject", body: "body", templateID: "template_id", extras: object)))),
            node(.delay(DelayNodeConfig(duration: span, untilTimeOfDay: "until_time_of_day"))),
            node(.condition(expression: "expression")),
            node(.split(branches: [SplitBranch(label: "label", weight: 2)])),
        ],
        edges: [WorkflowEdge(id: "id", source: "source", target: "target", label: "label")],
        variables: [WorkflowVariable(name: "name", type: "type", defaultValue: .string("x"))],
        settings: WorkflowSettings(maxExecutionTime: span, retryAttempts: 2, retryDelay: span, parallelExecutionLimit: 4))

    static func node(_ config: NodeConfig) -> WorkflowNode {
        WorkflowNode(id: "id", type: config.nodeType, position: Position(x: 1, y: 2), data: object, config: config)
    }

    static let workflow = Workflow(
        id: id(1), campaignID: id(2), definition: workflowDefinition, version: 4, createdAt: time, updatedAt: time, createdBy: id(3))
    static let workflowContext = WorkflowContext(
        campaignID: id(2), campaignExecutionID: id(4), userIDs: [id(5), id(6)], variables: object, triggeredBy: "triggered_by")
    static let workflowExecution = WorkflowExecution(
        id: id(7), workflowID: id(1), context: workflowContext, status: .running, startedAt: time, completedAt: time)
    static let workflowStatus = WorkflowStatus(
        executionID: id(7), status: .paused, usersTotal: 3, usersActive: 4, usersCompleted: 5, usersFailed: 6,
        usersAtNode: ["key#1": 2, "key#2": 2], messagesSent: ["key": 2], updatedAt: time, errors: ["errors", "errors#2"])
    static let workflowOptimization = WorkflowOptimization(
        workflowID: id(1), suggestions: [OptimizationSuggestion(nodeID: "node_id", suggestion: "suggestion", expectedLift: 3)],
        executionsAnalyzed: 3)

    // MARK: herald.segments.v1

    static let segmentCondition = SegmentCondition(field: "field", operator: .in, value: .array([.string("a"), .number("2")]), logicalOperator: .or)
    static let segmentDefinition = SegmentDefinition(
        name: "name", description: "description", type: .dynamic, conditions: [segmentCondition], tags: ["tags"], userIDs: [id(5), id(6)])
    static let segment = Segment(
        id: id(8), name: "name", description: "description", type: .lookalike, conditions: [segmentCondition], size: 6, lastUpdated: time,
        performance: SegmentPerformance(
            engagementRate: 1, conversionRate: 2, averageOrderValue: 3, lifetimeValue: 4, churnRate: 5, growthRate: 6),
        tags: ["tags"], createdAt: time, createdBy: id(3), sourceSegmentID: id(9), similarity: 13)
    static let segmentMember = SegmentMember(userID: id(5), addedAt: time)
    static let segmentOverlap = SegmentOverlapAnalysis(
        sizes: [id(8): 2, id(9): 2], overlaps: [SegmentOverlap(segmentIDs: [id(8), id(9)], size: 2)], unionSize: 3)

    // MARK: herald.personalization.v1

    static let profile = PersonalizationProfile(
        userID: id(5),
        preferences: PersonalizationPreferences(
            preferredChannels: [.email, .push], language: "language", categories: ["categories"], maxMessagesPerDay: 4, quietHours: "quiet_hours"),
        behavior: BehaviorProfile(
            pageViews: [PageView(url: "url", title: "title", at: time, durationMs: 4)],
            purchases: [Purchase(orderID: "order_id", productIDs: ["product_ids"], amount: 3, currency: "currency", at: time)],
            interactions: [Interaction(type: "type", campaignID: id(2), channel: .sms, at: time)],
            deviceUsage: DeviceUsage(share: ["key": 2], primaryDevice: "primary_device"),
            locationData: LocationData(lastKnown: geo, frequentCities: ["frequent_cities"]),
            sessionData: SessionData(sessionsLast30Days: 1, averageSessionSeconds: 2, lastSessionAt: time)),
        demographics: Demographics(ageRange: "age_range", gender: "gender", location: geo, occupation: "occupation"),
        engagement: EngagementHistory(messagesReceived: 1, messagesOpened: 2, messagesClicked: 3, lastEngagedAt: time, engagementScore: 5),
        recommendations: RecommendationProfile(recentItemIDs: ["recent_item_ids"], categoryAffinity: ["key": 2]),
        sendTimeOptimization: SendTimeProfile(
            optimalTimes: [OptimalTime(dayOfWeek: 1, hour: 2, score: 3)], timezonePreference: "timezone_preference",
            devicePreferences: [DevicePreference(device: "device", channel: .inApp, score: 3)],
            engagementPatterns: [EngagementPattern(pattern: "pattern", strength: 2)], confidence: 5),
        contentPreferences: ContentPreferences(topics: ["topics"], preferredLength: "preferred_length", tone: "tone"),
        updatedAt: time)
    static let contentTemplate = ContentTemplate(id: "id", channel: .email, subject: "subject", body: "body", defaults: ["key": "value"])
    static let personalizedContent = PersonalizedContent(
        userID: id(5), templateID: "template_id", subject: "subject", body: "body", usedDefaults: ["used_defaults"])
    static let recommendationContext = RecommendationContext(
        campaignID: id(2), excludeItemIDs: ["exclude_item_ids"], category: "category", limit: 4)
    static let recommendation = Recommendation(itemID: "item_id", score: 2, reason: "reason")
    static let optimalSendTime = OptimalSendTime(userID: id(5), sendAt: time, timezone: "timezone", confidence: 4)
    static let userContext = UserContext(device: "device", location: geo, localTime: time, attributes: object)
    static let adaptedContent = AdaptedContent(userID: id(5), blocks: ["key": "value"], appliedRules: ["applied_rules"])

    // MARK: herald.experiments.v1

    static let variant = TestVariant(
        id: "id", name: "name", description: "description", content: object, allocation: 5,
        performance: VariantPerformance(participants: 1, conversions: 2, conversionRate: 3, revenue: 4), isControl: true)
    static let traffic = TrafficAllocation(percentage: 1, seed: "seed", bandit: true)
    static let successMetric = SuccessMetric(name: "name", primary: true, minimumDetectableEffect: 3)
    static let testResults = TestResults(
        totalParticipants: 1, conversions: 2, conversionRate: 3, confidence: 4, pValue: 5, effect: 6,
        variants: [VariantResults(
            variantID: "variant_id", participants: 2, conversions: 3, conversionRate: 4, lift: 5, probabilityToBeBest: 6, ciLower: 7,
            ciUpper: 8, pValue: 9)])
    static let significance = StatisticalSignificance(
        engine: .frequentist, significant: true, confidenceLevel: 3, sampleRatioMismatch: true, requiredSampleSize: 5)
    static let testDefinition = ABTestDefinition(
        campaignID: id(2), name: "name", description: "description", type: .content, variants: [variant], trafficAllocation: traffic,
        successMetrics: [successMetric], startDate: time, endDate: time, engine: .bayesian)
    static let abTest = ABTest(
        id: id(10), campaignID: id(2), name: "name", description: "description", type: .sendTime, variants: [variant],
        trafficAllocation: traffic, successMetrics: [successMetric], status: .running, startDate: time, endDate: time, results: testResults,
        statisticalSignificance: significance, winner: "winner", confidence: 15, createdAt: time)
    static let testAnalysis = TestAnalysis(testID: id(10), results: testResults, significance: significance, recommendation: "recommendation")
    static let optimizationRecommendation = OptimizationRecommendation(testID: id(10), recommendation: "recommendation", expectedLift: 3)

    // MARK: herald.analytics.v1

    static let event = CampaignEvent(
        id: id(11), campaignID: id(2), userID: id(5), eventType: .clicked, timestamp: time, channel: .push, deviceType: "device_type",
        location: geo, metadata: object, value: 10)
    static let roi = ROIAnalysis(
        campaignID: id(2), revenue: 2, cost: 3, roi: 4, costPerConversion: 5, revenuePerMessage: 6, revenueByChannel: ["key": 2])
    static let funnel = FunnelAnalysis(
        campaignID: id(2), stages: [FunnelStage(eventType: .opened, users: 2, conversionFromPrevious: 3, conversionFromStart: 4)])
    static let reportDefinition = ReportDefinition(
        name: "name", campaignIDs: [id(2)], timeRange: TimeRange(start: time, end: time), metrics: ["metrics"], dimensions: ["dimensions"],
        granularity: .daily, format: .csv)
    static let report = CampaignReport(
        id: id(12), definition: reportDefinition,
        rows: [ReportRow(dimensions: ["dimensions"], periodStart: time, values: ["key": 2])], generatedAt: time, rendered: Array("a,b\n".utf8))
    static let dashboardDefinition = DashboardDefinition(
        name: "name",
        widgets: [DashboardWidget(id: "id", kind: "kind", title: "title", query: reportDefinition, x: 5, y: 6, width: 7, height: 8)],
        refreshIntervalSeconds: 3)
    static let dashboard = Dashboard(id: id(13), definition: dashboardDefinition, createdAt: time, createdBy: id(3))

    // MARK: herald.triggers.v1

    static let eventCondition = EventCondition(event: "event", expression: "expression", minOccurrences: 3, window: span)
    static let triggerAction = TriggerAction(campaignID: id(2), delay: span, parameters: object)
    static let triggerDefinition = TriggerDefinition(
        name: "name", description: "description", conditions: [eventCondition], actions: [triggerAction],
        frequencyCap: FrequencyCap(maxPerPeriod: 1, period: span), cooldownPeriod: span, priority: 7)
    static let triggerPerformance = TriggerPerformance(evaluations: 1, fired: 2, suppressedByCap: 3, suppressedByCooldown: 4, conversions: 5)
    /// A Trigger's priority is its field 8 (a definition's is 7).
    static let trigger: Trigger = {
        var definition = triggerDefinition
        definition.priority = 8
        return Trigger(id: id(14), definition: definition, status: .paused, performance: triggerPerformance, createdAt: time, createdBy: id(3))
    }()
    static let userEvent = UserEvent(id: "id", name: "name", timestamp: time, properties: object)
    static let triggeredCampaign = TriggeredCampaign(triggerID: id(14), campaignID: id(2), scheduledAt: time)
    static let triggerAnalytics = TriggerAnalytics(triggerID: id(14), performance: triggerPerformance, fireRate: 3, conversionRate: 4)
    static let frequencyStatus = FrequencyStatus(
        userID: id(5), triggerID: id(14), firedInPeriod: 3, maxPerPeriod: 4, cooldownUntil: time, canFire: true)

    // MARK: herald.delivery.v1

    static let email = EmailContent(
        to: "to", from: "from", replyTo: "reply_to", subject: "subject", htmlBody: "html_body", textBody: "text_body", headers: ["key": "value"])
    static let sms = SMSContent(to: "to", body: "body", senderID: "sender_id")
    static let push = PushContent(deviceTokens: ["device_tokens"], title: "title", body: "body", deepLink: "deep_link", data: object, badge: 6)
    static let inApp = InAppContent(title: "title", body: "body", imageURL: "image_url", layout: "layout", expiresAt: time)
    static let messageKey = MessageKey(campaignID: id(2), userID: id(5), executionID: "execution_id", nodeID: "node_id")
    static let deliveryResult = DeliveryResult(
        messageID: id(15), state: .sent, duplicate: true, provider: "provider", providerMessageID: "provider_message_id", error: "error",
        acceptedAt: time)
    static let deliveryStatus = DeliveryStatus(
        messageID: id(15), key: messageKey, channel: .email, state: .delivered, history: [DeliveryEvent(state: .queued, at: time, detail: "detail")],
        attempts: 6)
    static let bulkResult = BulkDeliveryResult(results: [deliveryResult], accepted: 2, duplicates: 3, rejected: 4)

    // MARK: herald.users.v1

    static let user = UserProfile(
        id: id(5), externalID: "external_id", email: "email", phone: "phone", displayName: "display_name", locale: "locale",
        timezone: "timezone", attributes: object, deviceTokens: ["device_tokens"], createdAt: time, updatedAt: time)
    static let userPreferences = UserPreferences(
        preferredChannels: [.sms, .inApp], language: "language", topics: ["topics"], maxMessagesPerDay: 4, quietHours: "quiet_hours")
    static let segmentData = SegmentData(userID: id(5), attributes: object, eventCounts: ["key": 2], lastActiveAt: time, lifetimeValue: 5)
    static let channelConsent = ChannelConsent(channel: .email, granted: true, updatedAt: time, source: "source")
    static let consent = ConsentStatus(userID: id(5), channels: [channelConsent], marketing: true, analytics: true, updatedAt: time)
    /// `false` set explicitly: proto3 `optional` keeps it apart from "leave as it is".
    static let consentUpdate = ConsentUpdate(channels: [channelConsent], marketing: false, analytics: true, source: "source")
    static let activity = UserActivity(id: "id", type: "type", at: time, properties: object)
}
