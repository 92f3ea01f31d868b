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
            createdAt: m.date(10), updatedAt: m.date(11), version: m.int64(12),
            devices: m.readAll(13, at: path.field("devices"), &issues))
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
        b.set(12, version)
        b.set(13, each: devices)
    }
}

extension Device: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            token: m.string(1),
            platform: DevicePlatform.read(m.enumValue(2), path.field("platform"), &issues, required: false),
            appID: m.string(3), registeredAt: m.date(4))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, token)
        b.set(2, enum: platform)
        b.set(3, appID)
        b.set(4, date: registeredAt)
    }
}

extension UserPreferences: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            preferredChannels: NotificationChannel.list(m.enumValues(1), path.field("preferred_channels"), &issues),
            language: m.string(2),
            topics: m.strings(3), maxMessagesPerDay: m.int32(4), quietHours: m.string(5),
            unsubscribedTopics: m.strings(6))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, enums: preferredChannels)
        b.set(2, language)
        b.set(3, repeated: topics)
        b.set(4, maxMessagesPerDay)
        b.set(5, quietHours)
        b.set(6, repeated: unsubscribedTopics)
    }
}

extension SegmentData: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            userID: issues.requiredUUID(m.string(1), at: path.field("user_id")), attributes: m.object(2),
            eventCounts: m.dictionary(3) { $0.int64(2) }, lastActiveAt: m.date(4), lifetimeValue: m.double(5),
            computedTraits: m.object(6),
            lifetimeEventCounts: m.dictionary(7) { $0.int64(2) }, firstSeenAt: m.date(8))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: userID)
        b.set(2, object: attributes)
        b.set(3, dictionary: eventCounts) { $1.set(2, $0) }
        b.set(4, date: lastActiveAt)
        b.set(5, lifetimeValue)
        b.set(6, object: computedTraits)
        b.set(7, dictionary: lifetimeEventCounts) { $1.set(2, $0) }
        b.set(8, date: firstSeenAt)
    }
}

extension ChannelConsent: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            channel: NotificationChannel.read(m.enumValue(1), path.field("channel"), &issues, required: false),
            granted: m.bool(2),
            updatedAt: m.date(3), source: m.string(4), legalBasis: m.string(5))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, enum: channel)
        b.set(2, granted)
        b.set(3, date: updatedAt)
        b.set(4, source)
        b.set(5, legalBasis)
    }
}

extension PurposeConsent: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            purpose: ConsentPurpose.read(m.enumValue(1), path.field("purpose"), &issues, required: false),
            granted: m.bool(2),
            updatedAt: m.date(3), source: m.string(4), legalBasis: m.string(5))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, enum: purpose)
        b.set(2, granted)
        b.set(3, date: updatedAt)
        b.set(4, source)
        b.set(5, legalBasis)
    }
}

extension ConsentChange: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        let subject: Subject
        switch m.oneofCase("subject") {
        case 2: subject = .channel(NotificationChannel.required(m.enumValue(2), path.field("channel"), &issues))
        case 3: subject = .purpose(ConsentPurpose.required(m.enumValue(3), path.field("purpose"), &issues))
        default:
            issues.add(path.field("subject"), "required; expected channel or purpose")
            subject = .purpose(.marketing)
        }
        self.init(
            at: m.requiredDate(1), subject: subject, granted: m.bool(4), source: m.string(5), legalBasis: m.string(6))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, date: at)
        switch subject {
        case .channel(let channel): b.set(2, channel.wire)
        case .purpose(let purpose): b.set(3, purpose.wire)
        }
        b.set(4, granted)
        b.set(5, source)
        b.set(6, legalBasis)
    }
}

extension ConsentStatus: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            userID: issues.requiredUUID(m.string(1), at: path.field("user_id")),
            channels: m.readAll(2, at: path.field("channels"), &issues),
            marketing: m.bool(3), analytics: m.bool(4), updatedAt: m.date(5),
            purposes: m.readAll(6, at: path.field("purposes"), &issues),
            history: m.readAll(7, at: path.field("history"), &issues))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: userID)
        b.set(2, each: channels)
        b.set(3, marketing)
        b.set(4, analytics)
        b.set(5, date: updatedAt)
        b.set(6, each: purposes)
        b.set(7, each: history)
    }
}

extension ConsentUpdate: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            channels: m.readAll(1, at: path.field("channels"), &issues), marketing: m.has(2) ? m.bool(2) : nil,
            analytics: m.has(3) ? m.bool(3) : nil, source: m.string(4),
            purposes: m.readAll(5, at: path.field("purposes"), &issues),
            legalBasis: m.string(6))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, each: channels)
        if let marketing { b.set(2, marketing) }
        if let analytics { b.set(3, analytics) }
        b.set(4, source)
        b.set(5, each: purposes)
        b.set(6, legalBasis)
    }
}

extension UserActivity: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            id: m.string(1), type: m.string(2), at: m.date(3), properties: m.object(4),
            channel: NotificationChannel.read(m.enumValue(5), path.field("channel"), &issues, required: false),
            campaignID: issues.optionalUUID(m.string(6), at: path.field("campaign_id")))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id)
        b.set(2, type)
        b.set(3, date: at)
        b.set(4, object: properties)
        b.set(5, enum: channel)
        b.set(6, id: campaignID)
    }
}

extension UserFilter: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        let created: TimeRange? = m.read(2, at: path.field("created"), &issues)
        self.init(
            attributes: m.object(1), createdFrom: created?.start, createdBefore: created?.end,
            consentedTo: ConsentPurpose.read(m.enumValue(3), path.field("consented_to"), &issues, required: false),
            reachableOn: NotificationChannel.read(m.enumValue(4), path.field("reachable_on"), &issues, required: false),
            externalIDPrefix: m.string(5))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, object: attributes)
        if createdFrom != nil || createdBefore != nil { b.set(2, TimeRange(start: createdFrom, end: createdBefore)) }
        b.set(3, enum: consentedTo)
        b.set(4, enum: reachableOn)
        b.set(5, externalIDPrefix)
    }
}

extension UserContact: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            userID: issues.requiredUUID(m.string(1), at: path.field("user_id")), email: m.string(2), phone: m.string(3),
            devices: m.readAll(4, at: path.field("devices"), &issues), locale: m.string(5), timezone: m.string(6),
            preferences: m.read(7, at: path.field("preferences"), &issues) ?? UserPreferences(),
            consent: m.requiredMessage(8, at: path.field("consent"), &issues), displayName: m.string(9),
            attributes: m.object(10))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: userID)
        b.set(2, email)
        b.set(3, phone)
        b.set(4, each: devices)
        b.set(5, locale)
        b.set(6, timezone)
        b.set(7, preferences)
        b.set(8, consent)
        b.set(9, displayName)
        b.set(10, object: attributes)
    }
}

extension ImportRow: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            user: m.requiredMessage(1, at: path.field("user"), &issues),
            consent: m.read(2, at: path.field("consent"), &issues))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, user)
        b.set(2, consent)
    }
}

extension ImportRowError: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(row: m.int64(1), field: m.string(2), description: m.string(3))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, row)
        b.set(2, field)
        b.set(3, description)
    }
}

extension ImportResult: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            rows: m.int64(1), created: m.int64(2), updated: m.int64(3),
            errors: m.readAll(4, at: path.field("errors"), &issues),
            rejected: m.int64(5))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, rows)
        b.set(2, created)
        b.set(3, updated)
        b.set(4, each: errors)
        b.set(5, rejected)
    }
}

extension DataSubjectStep: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            service: m.string(1), done: m.bool(2), attempts: m.int32(3), lastError: m.string(4), completedAt: m.date(5))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, service)
        b.set(2, done)
        b.set(3, attempts)
        b.set(4, lastError)
        b.set(5, date: completedAt)
    }
}

extension DataSubjectRequest: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            id: issues.requiredUUID(m.string(1), at: path.field("id")),
            userID: issues.requiredUUID(m.string(2), at: path.field("user_id")),
            kind: .required(m.enumValue(3), path.field("kind"), &issues),
            state: .required(m.enumValue(4), path.field("state"), &issues),
            requestedBy: m.string(5), requestedAt: m.requiredDate(6), completedAt: m.date(7),
            steps: m.readAll(8, at: path.field("steps"), &issues))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: id)
        b.set(2, id: userID)
        b.set(3, enum: kind)
        b.set(4, enum: state)
        b.set(5, requestedBy)
        b.set(6, date: requestedAt)
        b.set(7, date: completedAt)
        b.set(8, each: steps)
    }
}
