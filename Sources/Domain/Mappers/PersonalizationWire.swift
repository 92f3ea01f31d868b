import Codec
import Foundation

/// `herald.personalization.v1` messages to and from the personalization domain types.
extension PersonalizationProfile: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            userID: issues.requiredUUID(m.string(1), at: path.field("user_id")),
            preferences: m.read(2, at: path.field("preferences"), &issues),
            behavior: m.read(3, at: path.field("behavior"), &issues),
            demographics: m.read(4, at: path.field("demographics"), &issues),
            engagement: m.read(5, at: path.field("engagement"), &issues),
            recommendations: m.read(6, at: path.field("recommendations"), &issues),
            sendTimeOptimization: m.read(7, at: path.field("send_time_optimization"), &issues),
            contentPreferences: m.read(8, at: path.field("content_preferences"), &issues), updatedAt: m.date(9))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: userID)
        b.set(2, preferences)
        b.set(3, behavior)
        b.set(4, demographics)
        b.set(5, engagement)
        b.set(6, recommendations)
        b.set(7, sendTimeOptimization)
        b.set(8, contentPreferences)
        b.set(9, date: updatedAt)
    }
}

extension PersonalizationPreferences: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            preferredChannels: NotificationChannel.list(m.enumValues(1), path.field("preferred_channels"), &issues),
            language: m.string(2),
            categories: m.strings(3), maxMessagesPerDay: m.int32(4), quietHours: m.string(5))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, enums: preferredChannels)
        b.set(2, language)
        b.set(3, repeated: categories)
        b.set(4, maxMessagesPerDay)
        b.set(5, quietHours)
    }
}

extension BehaviorProfile: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        var interactions: [Interaction] = []
        for (i, v) in m.messages(3).enumerated() {
            let at = path.field("interactions").index(i)
            interactions.append(
                Interaction(
                    type: v.string(1), campaignID: issues.optionalUUID(v.string(2), at: at.field("campaign_id")),
                    channel: NotificationChannel.read(v.enumValue(3), at.field("channel"), &issues, required: false),
                    at: v.date(4)))
        }
        self.init(
            pageViews: m.map(1) {
                PageView(url: $0.string(1), title: $0.string(2), at: $0.date(3), durationMs: $0.int64(4))
            },
            purchases: m.map(2) {
                Purchase(
                    orderID: $0.string(1), productIDs: $0.strings(2), amount: $0.double(3), currency: $0.string(4),
                    at: $0.date(5))
            },
            interactions: interactions,
            deviceUsage: m.message(4).map {
                DeviceUsage(share: $0.dictionary(1) { $0.double(2) }, primaryDevice: $0.string(2))
            },
            locationData: m.message(5).map {
                LocationData(
                    lastKnown: $0.read(1, at: path.field("location_data.last_known"), &issues),
                    frequentCities: $0.strings(2))
            },
            sessionData: m.message(6).map {
                SessionData(
                    sessionsLast30Days: $0.int64(1), averageSessionSeconds: $0.int64(2), lastSessionAt: $0.date(3))
            })
    }

    public func write(to b: MessageBuilder) {
        b.messages(1, count: pageViews.count) { i, v in
            v.set(1, pageViews[i].url)
            v.set(2, pageViews[i].title)
            v.set(3, date: pageViews[i].at)
            v.set(4, pageViews[i].durationMs)
        }
        b.messages(2, count: purchases.count) { i, p in
            p.set(1, purchases[i].orderID)
            p.set(2, repeated: purchases[i].productIDs)
            p.set(3, purchases[i].amount)
            p.set(4, purchases[i].currency)
            p.set(5, date: purchases[i].at)
        }
        b.messages(3, count: interactions.count) { i, v in
            v.set(1, interactions[i].type)
            v.set(2, id: interactions[i].campaignID)
            v.set(3, enum: interactions[i].channel)
            v.set(4, date: interactions[i].at)
        }
        if let deviceUsage {
            b.message(4) {
                $0.set(1, dictionary: deviceUsage.share) { $1.set(2, $0) }
                $0.set(2, deviceUsage.primaryDevice)
            }
        }
        if let locationData {
            b.message(5) {
                $0.set(1, locationData.lastKnown)
                $0.set(2, repeated: locationData.frequentCities)
            }
        }
        if let sessionData {
            b.message(6) {
                $0.set(1, sessionData.sessionsLast30Days)
                $0.set(2, sessionData.averageSessionSeconds)
                $0.set(3, date: sessionData.lastSessionAt)
            }
        }
    }
}

extension Demographics: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            ageRange: m.string(1), gender: m.string(2), location: m.read(3, at: path.field("location"), &issues),
            occupation: m.string(4))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, ageRange)
        b.set(2, gender)
        b.set(3, location)
        b.set(4, occupation)
    }
}

extension EngagementHistory: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            messagesReceived: m.int64(1), messagesOpened: m.int64(2), messagesClicked: m.int64(3),
            lastEngagedAt: m.date(4),
            engagementScore: m.double(5))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, messagesReceived)
        b.set(2, messagesOpened)
        b.set(3, messagesClicked)
        b.set(4, date: lastEngagedAt)
        b.set(5, engagementScore)
    }
}

extension RecommendationProfile: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(recentItemIDs: m.strings(1), categoryAffinity: m.dictionary(2) { $0.double(2) })
    }

    public func write(to b: MessageBuilder) {
        b.set(1, repeated: recentItemIDs)
        b.set(2, dictionary: categoryAffinity) { $1.set(2, $0) }
    }
}

extension SendTimeProfile: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        var devices: [DevicePreference] = []
        for (i, d) in m.messages(3).enumerated() {
            let channel = NotificationChannel.read(
                d.enumValue(2), path.field("device_preferences").index(i).field("channel"), &issues, required: false)
            devices.append(DevicePreference(device: d.string(1), channel: channel, score: d.double(3)))
        }
        self.init(
            optimalTimes: m.map(1) { OptimalTime(dayOfWeek: $0.int32(1), hour: $0.int32(2), score: $0.double(3)) },
            timezonePreference: m.string(2), devicePreferences: devices,
            engagementPatterns: m.map(4) { EngagementPattern(pattern: $0.string(1), strength: $0.double(2)) },
            confidence: m.double(5))
    }

    public func write(to b: MessageBuilder) {
        b.messages(1, count: optimalTimes.count) { i, t in
            t.set(1, optimalTimes[i].dayOfWeek)
            t.set(2, optimalTimes[i].hour)
            t.set(3, optimalTimes[i].score)
        }
        b.set(2, timezonePreference)
        b.messages(3, count: devicePreferences.count) { i, d in
            d.set(1, devicePreferences[i].device)
            d.set(2, enum: devicePreferences[i].channel)
            d.set(3, devicePreferences[i].score)
        }
        b.messages(4, count: engagementPatterns.count) { i, p in
            p.set(1, engagementPatterns[i].pattern)
            p.set(2, engagementPatterns[i].strength)
        }
        b.set(5, confidence)
    }
}

extension ContentPreferences: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(topics: m.strings(1), preferredLength: m.string(2), tone: m.string(3))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, repeated: topics)
        b.set(2, preferredLength)
        b.set(3, tone)
    }
}

extension ContentTemplate: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            id: m.string(1),
            channel: NotificationChannel.read(m.enumValue(2), path.field("channel"), &issues, required: false),
            subject: m.string(3), body: m.string(4), defaults: m.dictionary(5) { $0.string(2) })
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id)
        b.set(2, enum: channel)
        b.set(3, subject)
        b.set(4, body)
        b.set(5, dictionary: defaults) { $1.set(2, $0) }
    }
}

extension PersonalizedContent: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            userID: issues.requiredUUID(m.string(1), at: path.field("user_id")), templateID: m.string(2),
            subject: m.string(3),
            body: m.string(4), usedDefaults: m.strings(5))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: userID)
        b.set(2, templateID)
        b.set(3, subject)
        b.set(4, body)
        b.set(5, repeated: usedDefaults)
    }
}

extension RecommendationContext: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            campaignID: issues.optionalUUID(m.string(1), at: path.field("campaign_id")), excludeItemIDs: m.strings(2),
            category: m.string(3), limit: m.int32(4))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: campaignID)
        b.set(2, repeated: excludeItemIDs)
        b.set(3, category)
        b.set(4, limit)
    }
}

extension Recommendation: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(itemID: m.string(1), score: m.double(2), reason: m.string(3))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, itemID)
        b.set(2, score)
        b.set(3, reason)
    }
}

extension OptimalSendTime: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            userID: issues.requiredUUID(m.string(1), at: path.field("user_id")), sendAt: m.date(2),
            timezone: m.string(3),
            confidence: m.double(4))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: userID)
        b.set(2, date: sendAt)
        b.set(3, timezone)
        b.set(4, confidence)
    }
}

extension UserContext: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            device: m.string(1), location: m.read(2, at: path.field("location"), &issues), localTime: m.date(3),
            attributes: m.object(4))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, device)
        b.set(2, location)
        b.set(3, date: localTime)
        b.set(4, object: attributes)
    }
}

extension AdaptedContent: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            userID: issues.requiredUUID(m.string(1), at: path.field("user_id")),
            blocks: m.dictionary(2) { $0.string(2) },
            appliedRules: m.strings(3))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: userID)
        b.set(2, dictionary: blocks) { $1.set(2, $0) }
        b.set(3, repeated: appliedRules)
    }
}
