import Codec
import Foundation

/// `herald.analytics.v1` messages to and from the analytics domain types.
extension CampaignEvent: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            id: issues.requiredUUID(m.string(1), at: path.field("id")),
            campaignID: issues.requiredUUID(m.string(2), at: path.field("campaign_id")),
            userID: issues.requiredUUID(m.string(3), at: path.field("user_id")),
            eventType: EventType.read(m.enumValue(4), path.field("event_type"), &issues, required: false),
            timestamp: m.date(5),
            channel: NotificationChannel.read(m.enumValue(6), path.field("channel"), &issues, required: false),
            deviceType: m.string(7),
            location: m.read(8, at: path.field("location"), &issues), metadata: m.object(9), value: m.double(10),
            variantID: m.string(11), nodeID: m.string(12))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: id)
        b.set(2, id: campaignID)
        b.set(3, id: userID)
        b.set(4, enum: eventType)
        b.set(5, date: timestamp)
        b.set(6, enum: channel)
        b.set(7, deviceType)
        b.set(8, location)
        b.set(9, object: metadata)
        b.set(10, value)
        b.set(11, variantID)
        b.set(12, nodeID)
    }
}

extension ROIAnalysis: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            campaignID: issues.requiredUUID(m.string(1), at: path.field("campaign_id")), revenue: m.double(2),
            cost: m.double(3),
            roi: m.double(4), costPerConversion: m.double(5), revenuePerMessage: m.double(6),
            revenueByChannel: m.dictionary(7) { $0.double(2) })
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: campaignID)
        b.set(2, revenue)
        b.set(3, cost)
        b.set(4, roi)
        b.set(5, costPerConversion)
        b.set(6, revenuePerMessage)
        b.set(7, dictionary: revenueByChannel) { $1.set(2, $0) }
    }
}

extension FunnelAnalysis: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        var stages: [FunnelStage] = []
        for (i, s) in m.messages(2).enumerated() {
            stages.append(
                FunnelStage(
                    eventType: .required(s.enumValue(1), path.field("stages").index(i).field("event_type"), &issues),
                    users: s.int64(2),
                    conversionFromPrevious: s.double(3), conversionFromStart: s.double(4)))
        }
        self.init(campaignID: issues.requiredUUID(m.string(1), at: path.field("campaign_id")), stages: stages)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: campaignID)
        b.messages(2, count: stages.count) { i, s in
            s.set(1, enum: stages[i].eventType)
            s.set(2, stages[i].users)
            s.set(3, stages[i].conversionFromPrevious)
            s.set(4, stages[i].conversionFromStart)
        }
    }
}

extension ReportDefinition: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            name: m.string(1), campaignIDs: issues.uuids(m.strings(2), at: path.field("campaign_ids")),
            timeRange: m.read(3, at: path.field("time_range"), &issues), metrics: m.strings(4),
            dimensions: m.strings(5),
            granularity: Granularity.read(m.enumValue(6), path.field("granularity"), &issues, required: false),
            format: ReportFormat.read(m.enumValue(7), path.field("format"), &issues, required: false))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, name)
        b.set(2, ids: campaignIDs)
        b.set(3, timeRange)
        b.set(4, repeated: metrics)
        b.set(5, repeated: dimensions)
        b.set(6, enum: granularity)
        b.set(7, enum: format)
    }
}

extension CampaignReport: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            id: issues.requiredUUID(m.string(1), at: path.field("id")),
            definition: m.read(2, at: path.field("definition"), &issues) ?? ReportDefinition(metrics: []),
            rows: m.map(3) {
                ReportRow(dimensions: $0.strings(1), periodStart: $0.date(2), values: $0.dictionary(3) { $0.double(2) })
            },
            generatedAt: m.requiredDate(4), rendered: m.bytes(5))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: id)
        b.set(2, definition)
        b.messages(3, count: rows.count) { i, r in
            r.set(1, repeated: rows[i].dimensions)
            r.set(2, date: rows[i].periodStart)
            r.set(3, dictionary: rows[i].values) { $1.set(2, $0) }
        }
        b.set(4, date: generatedAt)
        b.set(5, bytes: rendered)
    }
}

extension DashboardDefinition: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        var widgets: [DashboardWidget] = []
        for (i, w) in m.messages(2).enumerated() {
            widgets.append(
                DashboardWidget(
                    id: w.string(1), kind: w.string(2), title: w.string(3),
                    query: w.read(4, at: path.field("widgets").index(i).field("query"), &issues),
                    x: w.int32(5), y: w.int32(6), width: w.int32(7), height: w.int32(8)))
        }
        self.init(name: m.string(1), widgets: widgets, refreshIntervalSeconds: m.int32(3))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, name)
        b.messages(2, count: widgets.count) { i, w in
            let widget = widgets[i]
            w.set(1, widget.id)
            w.set(2, widget.kind)
            w.set(3, widget.title)
            w.set(4, widget.query)
            w.set(5, widget.x)
            w.set(6, widget.y)
            w.set(7, widget.width)
            w.set(8, widget.height)
        }
        b.set(3, refreshIntervalSeconds)
    }
}

extension Dashboard: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            id: issues.requiredUUID(m.string(1), at: path.field("id")),
            definition: m.read(2, at: path.field("definition"), &issues) ?? DashboardDefinition(name: ""),
            createdAt: m.requiredDate(3),
            createdBy: issues.requiredUUID(m.string(4), at: path.field("created_by")))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: id)
        b.set(2, definition)
        b.set(3, date: createdAt)
        b.set(4, id: createdBy)
    }
}

extension AttributionRequest: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            campaignIDs: issues.uuids(m.strings(1), at: path.field("campaign_ids")),
            model: AttributionModel.read(m.enumValue(2), path.field("model"), &issues),
            windowDays: Int(m.int32(3)), halfLifeDays: m.double(4),
            timeRange: m.read(5, at: path.field("time_range"), &issues),
            holdoutTestID: issues.optionalUUID(m.string(6), at: path.field("holdout_test_id")))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, ids: campaignIDs)
        b.set(2, enum: model)
        b.set(3, Int32(windowDays))
        b.set(4, halfLifeDays)
        b.set(5, timeRange)
        b.set(6, id: holdoutTestID)
    }
}

extension CampaignAttribution: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            campaignID: issues.requiredUUID(m.string(1), at: path.field("campaign_id")), conversions: m.double(2),
            revenue: m.double(3), touches: m.int64(4))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: campaignID)
        b.set(2, conversions)
        b.set(3, revenue)
        b.set(4, touches)
    }
}

extension Incrementality: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            testID: issues.requiredUUID(m.string(1), at: path.field("test_id")), treatedUsers: m.int64(2),
            treatedConverted: m.int64(3), holdoutUsers: m.int64(4), holdoutConverted: m.int64(5), lift: m.double(6),
            liftCILower: m.double(7), liftCIUpper: m.double(8), pValue: m.double(9))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: testID)
        b.set(2, treatedUsers)
        b.set(3, treatedConverted)
        b.set(4, holdoutUsers)
        b.set(5, holdoutConverted)
        b.set(6, lift)
        b.set(7, liftCILower)
        b.set(8, liftCIUpper)
        b.set(9, pValue)
    }
}

extension AttributionAnalysis: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            model: .required(m.enumValue(1), path.field("model"), &issues),
            campaigns: m.readAll(2, at: path.field("campaigns"), &issues), conversions: m.int64(3),
            revenue: m.double(4), unattributed: m.int64(5),
            incrementality: m.read(6, at: path.field("incrementality"), &issues))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, enum: model)
        b.set(2, each: campaigns)
        b.set(3, conversions)
        b.set(4, revenue)
        b.set(5, unattributed)
        b.set(6, incrementality)
    }
}

extension ConversionEvent: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            id: issues.requiredUUID(m.string(1), at: path.field("id")), type: m.string(2), value: m.double(3),
            currency: m.string(4), occurredAt: m.date(5), properties: m.object(6))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: id)
        b.set(2, type)
        b.set(3, value)
        b.set(4, currency)
        b.set(5, date: occurredAt)
        b.set(6, object: properties)
    }
}

extension ConversionReport: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            userID: issues.requiredUUID(m.string(1), at: path.field("user_id")),
            campaignID: issues.requiredUUID(m.string(2), at: path.field("campaign_id")),
            conversion: m.requiredMessage(3, at: path.field("conversion"), &issues))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: userID)
        b.set(2, id: campaignID)
        b.set(3, conversion)
    }
}

extension CustomMetric: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            id: issues.requiredUUID(m.string(1), at: path.field("id")),
            campaignID: issues.requiredUUID(m.string(2), at: path.field("campaign_id")), name: m.string(3),
            value: m.double(4), timestamp: m.date(5), dimensions: m.dictionary(6) { $0.string(2) })
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: id)
        b.set(2, id: campaignID)
        b.set(3, name)
        b.set(4, value)
        b.set(5, date: timestamp)
        b.set(6, dictionary: dimensions) { $1.set(2, $0) }
    }
}

extension BehaviorAnalysis: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            userID: issues.requiredUUID(m.string(1), at: path.field("user_id")),
            eventsByType: m.dictionary(2) { $0.int64(2) }, campaigns: m.int64(3), firstEventAt: m.date(4),
            lastEventAt: m.date(5), conversions: m.int64(6), revenue: m.double(7), openRate: m.double(8),
            clickRate: m.double(9), mostActiveHourUTC: Int(m.int32(10)))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: userID)
        b.set(2, dictionary: eventsByType) { $1.set(2, $0) }
        b.set(3, campaigns)
        b.set(4, date: firstEventAt)
        b.set(5, date: lastEventAt)
        b.set(6, conversions)
        b.set(7, revenue)
        b.set(8, openRate)
        b.set(9, clickRate)
        b.set(10, Int32(mostActiveHourUTC))
    }
}

extension UserRange: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            issues.requiredUUID(m.string(1), at: path.field("user_id")),
            timeRange: m.read(2, at: path.field("time_range"), &issues))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: userID)
        b.set(2, timeRange)
    }
}
