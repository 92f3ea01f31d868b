import Codec
import Foundation

/// `herald.users.v1` messages to and from the user directory's domain types.
extension UserProfile: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            id: issues.optionalUUID(m.string(1), at: path.field("id")), externalID: m.string(2), email: m.string(3),
            phone: m.string(4),
            displayName: m.string(5), locale: m.string(6), timezone: m.string(7), attributes: m.object(8),
            deviceTokens: m.strings(9),
            createdAt: m.date(10), updatedAt: m.date(11))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: id)
        b.set(2, externalID)
        b.set(3, email)
        b.set(4, phone)
        b.set(5, displayName)
        b.set(6, locale)
        b.set(7, timezone)
        b.set(8, object: attributes)
        b.set(9, repeated: deviceTokens)
        b.set(10, date: createdAt)
        b.set(11, date: updatedAt)
    }
}

extension UserPreferences: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            preferredChannels: NotificationChannel.list(m.enumValues(1), path.field("preferred_channels"), &issues),
            language: m.string(2),
            topics: m.strings(3), maxMessagesPerDay: m.int32(4), quietHours: m.string(5))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, enums: preferredChannels)
        b.set(2, language)
        b.set(3, repeated: topics)
        b.set(4, maxMessagesPerDay)
        b.set(5, quietHours)
    }
}

extension SegmentData: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            userID: issues.requiredUUID(m.string(1), at: path.field("user_id")), attributes: m.object(2),
            eventCounts: m.dictionary(3) { $0.int64(2) }, lastActiveAt: m.date(4), lifetimeValue: m.double(5))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: userID)
        b.set(2, object: attributes)
        b.set(3, dictionary: eventCounts) { $1.set(2, $0) }
        b.set(4, date: lastActiveAt)
        b.set(5, lifetimeValue)
    }
}

extension ChannelConsent: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            channel: NotificationChannel.read(m.enumValue(1), path.field("channel"), &issues, required: false),
            granted: m.bool(2),
            updatedAt: m.date(3), source: m.string(4))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, enum: channel)
        b.set(2, granted)
        b.set(3, date: updatedAt)
        b.set(4, source)
    }
}

extension ConsentStatus: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            userID: issues.requiredUUID(m.string(1), at: path.field("user_id")),
            channels: m.readAll(2, at: path.field("channels"), &issues),
            marketing: m.bool(3), analytics: m.bool(4), updatedAt: m.date(5))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: userID)
        b.set(2, each: channels)
        b.set(3, marketing)
        b.set(4, analytics)
        b.set(5, date: updatedAt)
    }
}

extension ConsentUpdate: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            channels: m.readAll(1, at: path.field("channels"), &issues), marketing: m.has(2) ? m.bool(2) : nil,
            analytics: m.has(3) ? m.bool(3) : nil, source: m.string(4))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, each: channels)
        if let marketing { b.set(2, marketing) }
        if let analytics { b.set(3, analytics) }
        b.set(4, source)
    }
}

extension UserActivity: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(id: m.string(1), type: m.string(2), at: m.date(3), properties: m.object(4))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id)
        b.set(2, type)
        b.set(3, date: at)
        b.set(4, object: properties)
    }
}
