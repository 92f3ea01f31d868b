import Codec
import Foundation

/// ListCampaigns' filter: every condition given must hold.
public struct CampaignFilter: Sendable, Equatable {
    public var statuses: [CampaignStatus] = []
    public var types: [CampaignType] = []
    /// Campaigns using any of these channels.
    public var channels: [NotificationChannel] = []
    /// Campaigns with all of these tags.
    public var tags: [String] = []
    public var createdFrom: Date?
    public var createdBefore: Date?
    /// Case-insensitive substring of the name.
    public var nameContains = ""

    public init() {}

    public init(wire m: MessageView?, at path: String, _ issues: inout FieldIssues) {
        guard let m else { return }
        // Each value once: a filter repeating one a hundred thousand times asks for nothing more.
        statuses = m.enumValues(1).enumerated().compactMap {
            CampaignStatus.read($1, path.field("statuses").index($0), &issues)
        }.uniqued()
        types = m.enumValues(2).enumerated().compactMap {
            CampaignType.read($1, path.field("types").index($0), &issues)
        }.uniqued()
        channels = m.enumValues(3).enumerated().compactMap {
            NotificationChannel.read($1, path.field("channels").index($0), &issues)
        }
        .uniqued()
        tags = m.strings(4)
        createdFrom = m.message(5)?.date(1)
        createdBefore = m.message(5)?.date(2)
        if let from = createdFrom, let before = createdBefore, from >= before {
            issues.add(path.field("created.end"), "must be after created.start")
        }
        nameContains = m.string(6)
        // No name is longer (campaign names are at most 255 characters): a longer needle only costs the database.
        issues.check(
            nameContains.count <= 255, path.field("name_contains"), "at most 255 characters, got \(nameContains.count)")
    }
}

extension CampaignFilter: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(wire: Optional(m), at: path, &issues)
    }

    /// Writes a `herald.campaigns.v1.CampaignFilter`.
    public func write(to b: MessageBuilder) {
        b.set(1, enums: statuses)
        b.set(2, enums: types)
        b.set(3, enums: channels)
        b.set(4, repeated: tags)
        if createdFrom != nil || createdBefore != nil { b.set(5, TimeRange(start: createdFrom, end: createdBefore)) }
        b.set(6, nameContains)
    }
}
