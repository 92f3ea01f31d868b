import Codec
import Foundation

/// `herald.segments.v1` messages to and from the segment domain types.
extension SegmentCondition: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            field: m.string(1),
            operator: ConditionOperator.read(m.enumValue(2), path.field("operator"), &issues, required: false),
            value: m.message(3).map(WellKnownWire.value),
            logicalOperator: LogicalOperator.read(
                m.enumValue(4), path.field("logical_operator"), &issues, required: false))
        group = m.readAll(5, at: path.field("group"), &issues)
        activity = m.read(6, at: path.field("activity"), &issues)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, field)
        b.set(2, enum: `operator`)
        b.set(3, value: value)
        b.set(4, enum: logicalOperator)
        b.set(5, each: group)
        b.set(6, activity)
    }
}

extension ActivityCondition: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            event: m.string(1), atLeast: m.int64(2), atMost: m.int64(3), didNotPerform: m.bool(4),
            withinDays: m.int64(5), properties: m.readAll(6, at: path.field("properties"), &issues))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, event)
        b.set(2, atLeast)
        b.set(3, atMost)
        b.set(4, didNotPerform)
        b.set(5, withinDays)
        b.set(6, each: properties)
    }
}

extension SegmentPerformance: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            engagementRate: m.double(1), conversionRate: m.double(2), averageOrderValue: m.double(3),
            lifetimeValue: m.double(4),
            churnRate: m.double(5), growthRate: m.double(6))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, engagementRate)
        b.set(2, conversionRate)
        b.set(3, averageOrderValue)
        b.set(4, lifetimeValue)
        b.set(5, churnRate)
        b.set(6, growthRate)
    }
}

extension SegmentDefinition: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            name: m.string(1), description: m.string(2),
            type: SegmentType.read(m.enumValue(3), path.field("type"), &issues, required: false),
            conditions: m.readAll(4, at: path.field("conditions"), &issues), tags: m.strings(5),
            userIDs: issues.uuids(m.strings(6), at: path.field("user_ids")), externalIDs: m.strings(7))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, name)
        b.set(2, description)
        b.set(3, enum: type)
        b.set(4, each: conditions)
        b.set(5, repeated: tags)
        b.set(6, ids: userIDs)
        b.set(7, repeated: externalIDs)
    }
}

extension Segment: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            id: issues.requiredUUID(m.string(1), at: path.field("id")), name: m.string(2), description: m.string(3),
            type: .required(m.enumValue(4), path.field("type"), &issues),
            conditions: m.readAll(5, at: path.field("conditions"), &issues),
            size: m.int64(6), lastUpdated: m.date(7), performance: m.read(8, at: path.field("performance"), &issues),
            tags: m.strings(9),
            createdAt: m.requiredDate(10), createdBy: issues.optionalUUID(m.string(11), at: path.field("created_by")),
            sourceSegmentID: issues.optionalUUID(m.string(12), at: path.field("source_segment_id")),
            similarity: m.double(13))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: id)
        b.set(2, name)
        b.set(3, description)
        b.set(4, enum: type)
        b.set(5, each: conditions)
        b.set(6, size)
        b.set(7, date: lastUpdated)
        b.set(8, performance)
        b.set(9, repeated: tags)
        b.set(10, date: createdAt)
        b.set(11, id: createdBy)
        b.set(12, id: sourceSegmentID)
        b.set(13, similarity)
    }
}

extension SegmentMember: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(userID: issues.requiredUUID(m.string(1), at: path.field("user_id")), addedAt: m.date(2))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: userID)
        b.set(2, date: addedAt)
    }
}

extension SegmentOverlapAnalysis: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        var sizes: [UUID: Int64] = [:]
        m.forEach(1) { entry in
            let key = entry.string(1)
            sizes[issues.requiredUUID(key, at: path.field("sizes").key(key))] = entry.int64(2)
        }
        var overlaps: [SegmentOverlap] = []
        for (i, overlap) in m.messages(2).enumerated() {
            overlaps.append(
                SegmentOverlap(
                    segmentIDs: issues.uuids(
                        overlap.strings(1), at: path.field("overlaps").index(i).field("segment_ids")),
                    size: overlap.int64(2), jaccard: overlap.double(3)))
        }
        var regions: [SegmentRegion] = []
        for (i, region) in m.messages(4).enumerated() {
            regions.append(
                SegmentRegion(
                    segmentIDs: issues.uuids(
                        region.strings(1), at: path.field("regions").index(i).field("segment_ids")),
                    size: region.int64(2)))
        }
        self.init(sizes: sizes, overlaps: overlaps, unionSize: m.int64(3), regions: regions)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, dictionary: Dictionary(uniqueKeysWithValues: sizes.map { ($0.key.lowercased, $0.value) })) {
            $1.set(2, $0)
        }
        b.messages(2, count: overlaps.count) { i, o in
            o.set(1, ids: overlaps[i].segmentIDs)
            o.set(2, overlaps[i].size)
            o.set(3, overlaps[i].jaccard)
        }
        b.set(3, unionSize)
        b.messages(4, count: regions.count) { i, r in
            r.set(1, ids: regions[i].segmentIDs)
            r.set(2, regions[i].size)
        }
    }
}
