import Codec
import Foundation

/// `herald.common.v1` messages to and from the shared domain types.
extension GeoLocation: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            latitude: m.double(1), longitude: m.double(2), country: m.string(3), region: m.string(4), city: m.string(5),
            postalCode: m.string(6), timezone: m.string(7))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, latitude)
        b.set(2, longitude)
        b.set(3, country)
        b.set(4, region)
        b.set(5, city)
        b.set(6, postalCode)
        b.set(7, timezone)
    }
}

extension TimeRange: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(start: m.date(1), end: m.date(2))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, date: start)
        b.set(2, date: end)
    }
}

extension CampaignMetrics: WireMapped {
    /// Reads a `herald.common.v1.CampaignMetrics` message: the counts, revenue and cost (the rates, their intervals,
    /// ROI and the engagement score are derived from them).
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        let range = m.message(2)
        self.init(
            campaignID: issues.requiredUUID(m.string(1), at: path.field("campaign_id")), start: range?.date(1),
            end: range?.date(2))
        sent = m.int64(3)
        delivered = m.int64(4)
        opened = m.int64(5)
        clicked = m.int64(6)
        converted = m.int64(7)
        unsubscribed = m.int64(8)
        bounced = m.int64(9)
        revenue = m.double(16)
        cost = m.double(23)
        uniqueOpened = m.int64(20)
        uniqueClicked = m.int64(21)
        customMetrics = m.dictionary(24) { $0.double(2) }
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: campaignID)
        if start != nil || end != nil { b.set(2, TimeRange(start: start, end: end)) }
        b.set(3, sent)
        b.set(4, delivered)
        b.set(5, opened)
        b.set(6, clicked)
        b.set(7, converted)
        b.set(8, unsubscribed)
        b.set(9, bounced)
        b.set(10, deliveryRate)
        b.set(11, openRate)
        b.set(12, clickRate)
        b.set(13, conversionRate)
        b.set(14, unsubscribeRate)
        b.set(15, bounceRate)
        b.set(16, revenue)
        b.set(17, roi)
        b.set(18, costPerConversion)
        b.set(19, engagementScore)
        b.set(20, uniqueOpened)
        b.set(21, uniqueClicked)
        let intervals = rateIntervals
        b.messages(22, count: intervals.count) { i, r in
            r.set(1, intervals[i].rate)
            r.set(2, intervals[i].interval.lower)
            r.set(3, intervals[i].interval.upper)
        }
        b.set(23, cost)
        b.set(24, dictionary: customMetrics) { $1.set(2, $0) }
    }
}
