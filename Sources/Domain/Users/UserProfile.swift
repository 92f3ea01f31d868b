import Codec
import Foundation

/// A user as the user directory keeps them (`herald.users.v1.UserProfile`, `users.users`).
public struct UserProfile: Equatable, Sendable {
    /// nil in a create request: the directory assigns it.
    public var id: UUID?
    /// The id in the customer's own systems.
    public var externalID: String
    public var email: String
    /// E.164.
    public var phone: String
    public var displayName: String
    /// BCP 47.
    public var locale: String
    /// IANA time zone name.
    public var timezone: String
    /// Custom attributes segments and templates use (a JSON object).
    public var attributes: JSONValue?
    public var deviceTokens: [String]
    public var createdAt: Date?
    public var updatedAt: Date?

    public init(
        id: UUID? = nil, externalID: String = "", email: String = "", phone: String = "", displayName: String = "",
        locale: String = "",
        timezone: String = "", attributes: JSONValue? = nil, deviceTokens: [String] = [], createdAt: Date? = nil,
        updatedAt: Date? = nil
    ) {
        self.id = id
        self.externalID = externalID
        self.email = email
        self.phone = phone
        self.displayName = displayName
        self.locale = locale
        self.timezone = timezone
        self.attributes = attributes
        self.deviceTokens = deviceTokens
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A user's own notification preferences (`herald.users.v1.UserPreferences`).
public struct UserPreferences: Equatable, Sendable {
    public var preferredChannels: [NotificationChannel]
    public var language: String
    public var topics: [String]
    public var maxMessagesPerDay: Int32
    /// "HH:MM-HH:MM" in the user's time zone, or empty.
    public var quietHours: String

    public init(
        preferredChannels: [NotificationChannel] = [], language: String = "", topics: [String] = [],
        maxMessagesPerDay: Int32 = 0,
        quietHours: String = ""
    ) {
        self.preferredChannels = preferredChannels
        self.language = language
        self.topics = topics
        self.maxMessagesPerDay = maxMessagesPerDay
        self.quietHours = quietHours
    }
}

/// What segmentation evaluates for one user: attributes, event counts, activity, value.
public struct SegmentData: Equatable, Sendable {
    public var userID: UUID
    public var attributes: JSONValue?
    /// Events by name, over the user's lifetime.
    public var eventCounts: [String: Int64]
    public var lastActiveAt: Date?
    public var lifetimeValue: Double

    public init(
        userID: UUID, attributes: JSONValue? = nil, eventCounts: [String: Int64] = [:], lastActiveAt: Date? = nil,
        lifetimeValue: Double = 0
    ) {
        self.userID = userID
        self.attributes = attributes
        self.eventCounts = eventCounts
        self.lastActiveAt = lastActiveAt
        self.lifetimeValue = lifetimeValue
    }
}

public struct ChannelConsent: Equatable, Sendable {
    public var channel: NotificationChannel?
    public var granted: Bool
    public var updatedAt: Date?
    /// Where the consent was given or withdrawn: "signup_form", "unsubscribe_link", ...
    public var source: String

    public init(channel: NotificationChannel?, granted: Bool, updatedAt: Date? = nil, source: String = "") {
        self.channel = channel
        self.granted = granted
        self.updatedAt = updatedAt
        self.source = source
    }
}

/// What a user has agreed to: each channel, marketing, analytics.
public struct ConsentStatus: Equatable, Sendable {
    public var userID: UUID
    public var channels: [ChannelConsent]
    public var marketing: Bool
    public var analytics: Bool
    public var updatedAt: Date?

    public init(
        userID: UUID, channels: [ChannelConsent] = [], marketing: Bool = false, analytics: Bool = false,
        updatedAt: Date? = nil
    ) {
        self.userID = userID
        self.channels = channels
        self.marketing = marketing
        self.analytics = analytics
        self.updatedAt = updatedAt
    }
}

/// A change of consent: the channels listed, and marketing/analytics only when set (nil leaves them as they are).
public struct ConsentUpdate: Equatable, Sendable {
    public var channels: [ChannelConsent]
    public var marketing: Bool?
    public var analytics: Bool?
    public var source: String

    public init(channels: [ChannelConsent] = [], marketing: Bool? = nil, analytics: Bool? = nil, source: String = "") {
        self.channels = channels
        self.marketing = marketing
        self.analytics = analytics
        self.source = source
    }
}

/// Something a user did, recorded for segmentation and personalization.
public struct UserActivity: Equatable, Sendable {
    public var id: String
    /// "page_view", "purchase", "login", ...
    public var type: String
    public var at: Date?
    public var properties: JSONValue?

    public init(id: String = "", type: String, at: Date? = nil, properties: JSONValue? = nil) {
        self.id = id
        self.type = type
        self.at = at
        self.properties = properties
    }
}
