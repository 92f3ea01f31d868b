import Codec
import Domain
import Foundation

/// One fully populated value of every message the service APIs' mappers read and write, following
/// `WireConventions`: strings hold their proto field's name, numbers their field number, bools are true, enums
/// are set, ids are UUIDs.
public enum WireFixtures {
    public static func id(_ n: UInt8) -> UUID {
        UUID(uuid: (n, 1, 2, 3, 4, 5, 0x46, 7, 0x88, 9, 10, 11, 12, 13, 14, n))
    }

    /// Which `id(n)` each kind of id field holds (fields named plain `id` may hold any): a workflow is 1, a campaign 2,
    /// a creating user 3, a campaign execution 4, a user 5 (and 6), a workflow execution 7, a segment 8 (and 9), a
    /// test 10, an event 11, a report 12, a dashboard 13, a trigger 14, a message 15.
    public static let idsByField: [String: [UInt8]] = [
        "workflow_id": [1], "campaign_id": [2], "campaign_ids": [2], "created_by": [3], "campaign_execution_id": [4],
        "user_id": [5],
        "user_ids": [5, 6], "execution_id": [7], "segment_id": [8], "segment_ids": [8, 9], "source_segment_id": [9],
        "test_id": [10],
        "dashboard_id": [13], "trigger_id": [14], "message_id": [15],
    ]
    /// Microsecond precision: what the wire mapping keeps.
    public static let time = Date(timeIntervalSince1970: 1_800_000_000.123456)
    public static let span = TimeSpan(seconds: 90, nanos: 500)
    public static let object: JSONValue = [
        "plan": .string("gold"), "visits": .number("12"), "tags": .array([.bool(true), .null]),
    ]
    public static let geo = GeoLocation(
        latitude: 1, longitude: 2, country: "country", region: "region", city: "city", postalCode: "postal_code",
        timezone: "timezone")

    // MARK: herald.common.v1

    /// Rates and ROI are derived from the counts, so this one follows only the presence convention.
    public static let metrics: CampaignMetrics = {
        var m = CampaignMetrics(campaignID: id(2), start: time, end: time)
        (m.sent, m.delivered, m.opened, m.clicked, m.converted, m.unsubscribed, m.bounced) = (
            1000, 900, 300, 120, 8, 4, 100
        )
        (m.revenue, m.cost) = (400, 100)
        (m.uniqueOpened, m.uniqueClicked) = (250, 90)
        m.customMetrics = ["key": 2]
        return m
    }()

    // MARK: herald.workflows.v1

    public static let workflowDefinition = WorkflowDefinition(
        id: "id",
        nodes: [
            node(
                .message(
                    MessageNodeConfig(
                        channel: .email,
                        content: MessageContent(
                            subject: "subject", body: "body", templateID: "template_id", extras: object)))),
            node(.delay(DelayNodeConfig(duration: span, untilTimeOfDay: "until_time_of_day"))),
            node(.condition(expression: "expression")),
            node(.split(branches: [SplitBranch(label: "label", weight: 2)])),
        ],
        edges: [WorkflowEdge(id: "id", source: "source", target: "target", label: "label")],
        variables: [WorkflowVariable(name: "name", type: "type", defaultValue: .string("x"))],
        settings: WorkflowSettings(
            maxExecutionTime: span, retryAttempts: 2, retryDelay: span, parallelExecutionLimit: 4))

    public static func node(_ config: NodeConfig) -> WorkflowNode {
        WorkflowNode(id: "id", type: config.nodeType, position: Position(x: 1, y: 2), data: object, config: config)
    }

    public static let workflow = Workflow(
        id: id(1), campaignID: id(2), definition: workflowDefinition, version: 4, createdAt: time, updatedAt: time,
        createdBy: id(3))
    public static let workflowContext = WorkflowContext(
        campaignID: id(2), campaignExecutionID: id(4), userIDs: [id(5), id(6)], variables: object,
        triggeredBy: "triggered_by")
    public static let workflowExecution = WorkflowExecution(
        id: id(7), workflowID: id(1), context: workflowContext, status: .running, startedAt: time, completedAt: time)
    public static let workflowStatus = WorkflowStatus(
        executionID: id(7), status: .paused, usersTotal: 3, usersActive: 4, usersCompleted: 5, usersFailed: 6,
        usersAtNode: ["key#1": 2, "key#2": 2], messagesSent: ["key": 2], updatedAt: time,
        errors: ["errors", "errors#2"])
    public static let workflowOptimization = WorkflowOptimization(
        workflowID: id(1),
        suggestions: [OptimizationSuggestion(nodeID: "node_id", suggestion: "suggestion", expectedLift: 3)],
        executionsAnalyzed: 3)

    // MARK: herald.campaigns.v1

    /// A Campaign message, where the budget's `spent` (field 4) is Herald's: the CampaignDefinition message leaves
    /// it unset, so only the Campaign follows the conventions whole.
    public static let campaign = Campaign(
        id: id(2),
        definition: CampaignDefinition(
            name: "name", description: "description", type: .drip, channels: [.email, .push],
            targetSegments: ["target_segments"],
            workflow: workflowDefinition,
            personalization: PersonalizationConfig(
                enabled: true, profileFields: ["profile_fields"], recommendationStrategy: "recommendation_strategy",
                sendTimeOptimization: true, contentAdaptation: true, fallbackValues: ["key": "value"]),
            abTests: [
                ABTestConfig(
                    testID: "test_id", name: "name", type: .creative,
                    variants: [VariantConfig(id: "id", name: "name", allocation: 3, content: object)],
                    successMetric: "success_metric",
                    trafficPercentage: 6)
            ],
            schedule: CampaignSchedule(
                type: .recurring, startDate: time, endDate: time, timezone: "timezone",
                businessHours: BusinessHours(days: [1, 1], startTime: "start_time", endTime: "end_time"),
                recurrence: RecurrencePattern(
                    frequency: .weekly, interval: 2, daysOfWeek: [3], dayOfMonth: 4, cron: "cron", maxOccurrences: 6),
                triggers: [TriggerCondition(event: "event", expression: "expression", delay: span)]),
            budget: CampaignBudget(total: 1, currency: "currency", dailyLimit: 3, costPerMessage: ["key": 2]),
            goals: [CampaignGoal(metric: "metric", target: 2, window: span)], tags: ["tags"], metadata: object),
        status: .active, version: 17, createdAt: time, updatedAt: time, createdBy: id(3), updatedBy: id(3),
        templateID: id(16), spent: 4)
    public static let campaignExecution = CampaignExecution(
        id: id(4), campaignID: id(2), executionID: "execution_id", status: .running, startedAt: time, completedAt: time,
        metrics: object,
        errors: [ExecutionErrorRecord(code: "code", message: "message", nodeID: "node_id", at: time)])
    public static let campaignStatus = CampaignStatusReport(
        campaignID: id(2), status: .active, version: 3, currentExecution: campaignExecution, updatedAt: time)

    // MARK: herald.segments.v1

    public static let segmentCondition: SegmentCondition = {
        var condition = SegmentCondition(
            field: "field", operator: .in, value: .array([.string("a"), .number("2")]), logicalOperator: .or)
        condition.group = [SegmentCondition(field: "group", operator: .exists)]
        condition.activity = ActivityCondition(
            event: "event", atLeast: 2, atMost: 3, didNotPerform: true, withinDays: 5,
            properties: [SegmentCondition(field: "value", operator: .greaterThan, value: .number("50"))])
        return condition
    }()
    public static let segmentDefinition = SegmentDefinition(
        name: "name", description: "description", type: .dynamic, conditions: [segmentCondition], tags: ["tags"],
        userIDs: [id(5), id(6)], externalIDs: ["external_ids"])
    public static let segment = Segment(
        id: id(8), name: "name", description: "description", type: .lookalike, conditions: [segmentCondition], size: 6,
        lastUpdated: time,
        performance: SegmentPerformance(
            engagementRate: 1, conversionRate: 2, averageOrderValue: 3, lifetimeValue: 4, churnRate: 5, growthRate: 6),
        tags: ["tags"], createdAt: time, createdBy: id(3), sourceSegmentID: id(9), similarity: 13)
    public static let segmentMember = SegmentMember(userID: id(5), addedAt: time)
    public static let segmentOverlap = SegmentOverlapAnalysis(
        sizes: [id(8): 2, id(9): 2], overlaps: [SegmentOverlap(segmentIDs: [id(8), id(9)], size: 2, jaccard: 3)],
        unionSize: 3, regions: [SegmentRegion(segmentIDs: [id(8)], size: 2)])

    // MARK: herald.personalization.v1

    public static let profile = PersonalizationProfile(
        userID: id(5),
        preferences: PersonalizationPreferences(
            preferredChannels: [.email, .push], language: "language", categories: ["categories"], maxMessagesPerDay: 4,
            quietHours: "quiet_hours"),
        behavior: BehaviorProfile(
            pageViews: [PageView(url: "url", title: "title", at: time, durationMs: 4)],
            purchases: [
                Purchase(orderID: "order_id", productIDs: ["product_ids"], amount: 3, currency: "currency", at: time)
            ],
            interactions: [Interaction(type: "type", campaignID: id(2), channel: .sms, at: time)],
            deviceUsage: DeviceUsage(share: ["key": 2], primaryDevice: "primary_device"),
            locationData: LocationData(lastKnown: geo, frequentCities: ["frequent_cities"]),
            sessionData: SessionData(sessionsLast30Days: 1, averageSessionSeconds: 2, lastSessionAt: time)),
        demographics: Demographics(ageRange: "age_range", gender: "gender", location: geo, occupation: "occupation"),
        engagement: EngagementHistory(
            messagesReceived: 1, messagesOpened: 2, messagesClicked: 3, lastEngagedAt: time, engagementScore: 5),
        recommendations: RecommendationProfile(recentItemIDs: ["recent_item_ids"], categoryAffinity: ["key": 2]),
        sendTimeOptimization: SendTimeProfile(
            optimalTimes: [OptimalTime(dayOfWeek: 1, hour: 2, score: 3)], timezonePreference: "timezone_preference",
            devicePreferences: [DevicePreference(device: "device", channel: .inApp, score: 3)],
            engagementPatterns: [EngagementPattern(pattern: "pattern", strength: 2)], confidence: 5),
        contentPreferences: ContentPreferences(topics: ["topics"], preferredLength: "preferred_length", tone: "tone"),
        updatedAt: time)
    public static let contentTemplate = ContentTemplate(
        id: "id", channel: .email, subject: "subject", body: "body", defaults: ["key": "value"])
    public static let personalizedContent = PersonalizedContent(
        userID: id(5), templateID: "template_id", subject: "subject", body: "body", usedDefaults: ["used_defaults"])
    public static let recommendationContext = RecommendationContext(
        campaignID: id(2), excludeItemIDs: ["exclude_item_ids"], category: "category", limit: 4)
    public static let recommendation = Recommendation(itemID: "item_id", score: 2, reason: "reason")
    public static let optimalSendTime = OptimalSendTime(
        userID: id(5), sendAt: time, timezone: "timezone", confidence: 4)
    public static let userContext = UserContext(device: "device", location: geo, localTime: time, attributes: object)
    public static let adaptedContent = AdaptedContent(
        userID: id(5), blocks: ["key": "value"], appliedRules: ["applied_rules"])

    // MARK: herald.experiments.v1

    public static let variant = TestVariant(
        id: "id", name: "name", description: "description", content: object, allocation: 5,
        performance: VariantPerformance(participants: 1, conversions: 2, conversionRate: 3, revenue: 4), isControl: true
    )
    public static let traffic = TrafficAllocation(percentage: 1, seed: "seed", bandit: true, holdoutPercentage: 4)
    public static let successMetric = SuccessMetric(
        name: "name", primary: true, minimumDetectableEffect: 3, kind: .continuous)
    public static let winnerPolicy = WinnerPolicy(
        automatic: true, minParticipantsPerVariant: 2, evaluateAfterHours: 3, deadlineHours: 4, fallback: .control)
    public static let factor = Factor(name: "name", levels: ["levels"])
    public static let variantResults: VariantResults = {
        var r = VariantResults(
            variantID: "variant_id", participants: 2, conversions: 3, conversionRate: 4, lift: 5,
            probabilityToBeBest: 6,
            ciLower: 7, ciUpper: 8, pValue: 9)
        r.chanceToBeatControl = 10
        r.expectedLoss = 11
        r.liftCILower = 12
        r.liftCIUpper = 13
        r.sequentialPValue = 14
        r.adjustedPValue = 15
        r.mean = 16
        return r
    }()
    public static let testResults: TestResults = {
        var r = TestResults(
            totalParticipants: 1, conversions: 2, conversionRate: 3, confidence: 4, pValue: 5, effect: 6,
            variants: [variantResults])
        r.metrics = [
            MetricResults(metric: "metric", kind: .continuous, primary: true, variants: [variantResults], cuped: true)
        ]
        r.holdoutParticipants = 9
        return r
    }()
    public static let significance: StatisticalSignificance = {
        var s = StatisticalSignificance(
            engine: .frequentist, significant: true, confidenceLevel: 3, sampleRatioMismatch: true,
            requiredSampleSize: 5)
        s.srmPValue = 6
        s.minimumDetectableEffect = 7
        s.leadingVariant = "leading_variant"
        return s
    }()
    public static let testDefinition = ABTestDefinition(
        campaignID: id(2), name: "name", description: "description", type: .content, variants: [variant],
        trafficAllocation: traffic,
        successMetrics: [successMetric], startDate: time, endDate: time, engine: .bayesian, winnerPolicy: winnerPolicy,
        factors: [factor])
    public static let abTest = ABTest(
        id: id(10), campaignID: id(2), name: "name", description: "description", type: .sendTime, variants: [variant],
        trafficAllocation: traffic, successMetrics: [successMetric], status: .running, startDate: time, endDate: time,
        results: testResults,
        statisticalSignificance: significance, winner: "winner", confidence: 15, createdAt: time, engine: .frequentist,
        winnerPolicy: winnerPolicy, factors: [factor])
    public static let assignment = Assignment(userID: id(5), variantID: "variant_id", inTest: true, holdout: true)
    public static let testAnalysis = TestAnalysis(
        testID: id(10), results: testResults, significance: significance, recommendation: "recommendation")
    public static let optimizationRecommendation = OptimizationRecommendation(
        testID: id(10), recommendation: "recommendation", expectedLift: 3)

    // MARK: herald.analytics.v1

    public static let event = CampaignEvent(
        id: id(11), campaignID: id(2), userID: id(5), eventType: .clicked, timestamp: time, channel: .push,
        deviceType: "device_type",
        location: geo, metadata: object, value: 10, variantID: "variant_id", nodeID: "node_id")
    public static let roi = ROIAnalysis(
        campaignID: id(2), revenue: 2, cost: 3, roi: 4, costPerConversion: 5, revenuePerMessage: 6,
        revenueByChannel: ["key": 2])
    public static let funnel = FunnelAnalysis(
        campaignID: id(2),
        stages: [FunnelStage(eventType: .opened, users: 2, conversionFromPrevious: 3, conversionFromStart: 4)])
    public static let reportDefinition = ReportDefinition(
        name: "name", campaignIDs: [id(2)], timeRange: TimeRange(start: time, end: time), metrics: ["metrics"],
        dimensions: ["dimensions"],
        granularity: .daily, format: .csv)
    public static let report = CampaignReport(
        id: id(12), definition: reportDefinition,
        rows: [ReportRow(dimensions: ["dimensions"], periodStart: time, values: ["key": 2])], generatedAt: time,
        rendered: Array("a,b\n".utf8))
    public static let dashboardDefinition = DashboardDefinition(
        name: "name",
        widgets: [
            DashboardWidget(
                id: "id", kind: "kind", title: "title", query: reportDefinition, x: 5, y: 6, width: 7, height: 8)
        ],
        refreshIntervalSeconds: 3)
    public static let attributionRequest = AttributionRequest(
        campaignIDs: [id(2)], model: .timeDecay, windowDays: 3, halfLifeDays: 4,
        timeRange: TimeRange(start: time, end: time), holdoutTestID: id(10))
    public static let attribution = AttributionAnalysis(
        model: .positionBased,
        campaigns: [CampaignAttribution(campaignID: id(2), conversions: 2, revenue: 3, touches: 4)],
        conversions: 3, revenue: 4, unattributed: 5,
        incrementality: Incrementality(
            testID: id(10), treatedUsers: 2, treatedConverted: 3, holdoutUsers: 4, holdoutConverted: 5, lift: 6,
            liftCILower: 7, liftCIUpper: 8, pValue: 9))
    public static let conversionReport = ConversionReport(
        userID: id(5), campaignID: id(2),
        conversion: ConversionEvent(
            id: id(11), type: "type", value: 3, currency: "currency", occurredAt: time, properties: object))
    public static let customMetric = CustomMetric(
        id: id(1), campaignID: id(2), name: "name", value: 4, timestamp: time, dimensions: ["key": "value"])
    public static let behavior = BehaviorAnalysis(
        userID: id(5), eventsByType: ["key": 2], campaigns: 3, firstEventAt: time, lastEventAt: time, conversions: 6,
        revenue: 7, openRate: 8, clickRate: 9, mostActiveHourUTC: 10)
    public static let dashboard = Dashboard(
        id: id(13), definition: dashboardDefinition, createdAt: time, createdBy: id(3))

    // MARK: herald.triggers.v1

    public static let eventCondition = EventCondition(
        event: "event", expression: "expression", minOccurrences: 3, window: span)
    public static let triggerAction = TriggerAction(campaignID: id(2), delay: span, parameters: object)
    public static let triggerDefinition = TriggerDefinition(
        name: "name", description: "description", conditions: [eventCondition], actions: [triggerAction],
        frequencyCap: FrequencyCap(maxPerPeriod: 1, period: span), cooldownPeriod: span, priority: 7)
    public static let triggerPerformance = TriggerPerformance(
        evaluations: 1, fired: 2, suppressedByCap: 3, suppressedByCooldown: 4, conversions: 5)
    /// A Trigger's priority is its field 8 (a definition's is 7).
    public static let trigger: Trigger = {
        var definition = triggerDefinition
        definition.priority = 8
        return Trigger(
            id: id(14), definition: definition, status: .paused, performance: triggerPerformance, createdAt: time,
            createdBy: id(3))
    }()
    public static let userEvent = UserEvent(id: "id", name: "name", timestamp: time, properties: object)
    public static let triggeredCampaign = TriggeredCampaign(triggerID: id(14), campaignID: id(2), scheduledAt: time)
    public static let triggerAnalytics = TriggerAnalytics(
        triggerID: id(14), performance: triggerPerformance, fireRate: 3, conversionRate: 4)
    public static let frequencyStatus = FrequencyStatus(
        userID: id(5), triggerID: id(14), firedInPeriod: 3, maxPerPeriod: 4, cooldownUntil: time, canFire: true)

    // MARK: herald.delivery.v1

    public static let email = EmailContent(
        to: "to", from: "from", replyTo: "reply_to", subject: "subject", htmlBody: "html_body", textBody: "text_body",
        headers: ["key": "value"])
    public static let sms = SMSContent(to: "to", body: "body", senderID: "sender_id")
    public static let push = PushContent(
        deviceTokens: ["device_tokens"], title: "title", body: "body", deepLink: "deep_link", data: object, badge: 6)
    public static let inApp = InAppContent(
        title: "title", body: "body", imageURL: "image_url", layout: "layout", expiresAt: time, readAt: time)
    public static let messageKey = MessageKey(
        campaignID: id(2), userID: id(5), executionID: "execution_id", nodeID: "node_id")
    public static let deliveryResult = DeliveryResult(
        messageID: id(15), state: .sent, duplicate: true, provider: "provider",
        providerMessageID: "provider_message_id", error: "error",
        acceptedAt: time)
    public static let deliveryStatus = DeliveryStatus(
        messageID: id(15), key: messageKey, channel: .email, state: .delivered,
        history: [DeliveryEvent(state: .queued, at: time, detail: "detail")],
        attempts: 6)
    public static let bulkResult = BulkDeliveryResult(
        results: [deliveryResult], accepted: 2, duplicates: 3, rejected: 4)

    // MARK: herald.users.v1

    public static let device = Device(token: "token", platform: .fcm, appID: "app_id", registeredAt: time)
    public static let user = UserProfile(
        id: id(5), externalID: "external_id", email: "email", phone: "phone", displayName: "display_name",
        locale: "locale",
        timezone: "timezone", attributes: object, deviceTokens: ["device_tokens"], createdAt: time, updatedAt: time,
        version: 12, devices: [device])
    public static let userPreferences = UserPreferences(
        preferredChannels: [.sms, .inApp], language: "language", topics: ["topics"], maxMessagesPerDay: 4,
        quietHours: "quiet_hours",
        unsubscribedTopics: ["unsubscribed_topics"])
    public static let segmentData = SegmentData(
        userID: id(5), attributes: object, eventCounts: ["key": 2], lastActiveAt: time, lifetimeValue: 5,
        computedTraits: object,
        lifetimeEventCounts: ["key": 2], firstSeenAt: time)
    public static let channelConsent = ChannelConsent(
        channel: .email, granted: true, updatedAt: time, source: "source", legalBasis: "legal_basis")
    public static let purposeConsent = PurposeConsent(
        purpose: .analytics, granted: true, updatedAt: time, source: "source", legalBasis: "legal_basis")
    public static let consentChange = ConsentChange(
        at: time, subject: .purpose(.personalization), granted: true, source: "source", legalBasis: "legal_basis")
    public static let consent = ConsentStatus(
        userID: id(5), channels: [channelConsent], marketing: true, analytics: true, updatedAt: time,
        purposes: [purposeConsent],
        history: [consentChange])
    /// `false` set explicitly: proto3 `optional` keeps it apart from "leave as it is".
    public static let consentUpdate = ConsentUpdate(
        channels: [channelConsent], marketing: false, analytics: true, source: "source", purposes: [purposeConsent],
        legalBasis: "legal_basis")
    public static let activity = UserActivity(
        id: "id", type: "type", at: time, properties: object, channel: .push, campaignID: id(2))
    public static let userFilter = UserFilter(
        attributes: object, createdFrom: time, createdBefore: time.addingTimeInterval(1), consentedTo: .marketing,
        reachableOn: .email,
        externalIDPrefix: "external_id_prefix")
    public static let userContact = UserContact(
        userID: id(5), email: "email", phone: "phone", devices: [device], locale: "locale", timezone: "timezone",
        preferences: userPreferences,
        consent: consent, displayName: "display_name", attributes: object)
    public static let importRow = ImportRow(user: user, consent: consentUpdate)
    public static let importRowError = ImportRowError(row: 1, field: "field", description: "description")
    public static let importResult = ImportResult(
        rows: 1, created: 2, updated: 3, errors: [importRowError], rejected: 5)
    public static let dataSubjectStep = DataSubjectStep(
        service: "service", done: true, attempts: 3, lastError: "last_error", completedAt: time)
    public static let dataSubjectRequest = DataSubjectRequest(
        id: id(17), userID: id(5), kind: .erasure, state: .running, requestedBy: "requested_by", requestedAt: time,
        completedAt: time,
        steps: [dataSubjectStep])
}
