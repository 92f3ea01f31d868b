import Codec
import Foundation

/// A user as the user directory keeps them (`herald.users.v1.UserProfile`, `users.users`).
public struct UserProfile: Equatable, Sendable {
    /// nil in a create request: the directory assigns it.
    public var id: UUID?
    /// The id in the customer's own systems; unique.
    public var externalID: String
    /// Lower case, its domain in IDNA.
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
    /// The tokens of `devices` (read-only on the wire).
    public var deviceTokens: [String]
    public var createdAt: Date?
    public var updatedAt: Date?
    /// Increases with every change (optimistic concurrency).
    public var version: Int64
    public var devices: [Device]

    public init(
        id: UUID? = nil, externalID: String = "", email: String = "", phone: String = "", displayName: String = "",
        locale: String = "", timezone: String = "", attributes: JSONValue? = nil, deviceTokens: [String] = [],
        createdAt: Date? = nil,
        updatedAt: Date? = nil, version: Int64 = 0, devices: [Device] = []
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
        self.version = version
        self.devices = devices
    }
}

/// Where push notifications reach a user (`herald.users.v1.DevicePlatform`).
public enum DevicePlatform: String, WireEnum {
    public static let wirePrefix = "DEVICE_PLATFORM_"
    case apns, fcm
}

/// A registered push device.
public struct Device: Equatable, Sendable, Hashable {
    public var token: String
    public var platform: DevicePlatform?
    /// The app's bundle id (APNs topic) or Firebase app id.
    public var appID: String
    public var registeredAt: Date?

    public init(token: String, platform: DevicePlatform?, appID: String = "", registeredAt: Date? = nil) {
        self.token = token
        self.platform = platform
        self.appID = appID
        self.registeredAt = registeredAt
    }
}

/// A user's own notification preferences (`herald.users.v1.UserPreferences`).
public struct UserPreferences: Equatable, Sendable {
    /// Channels the user wants (empty: every channel).
    public var preferredChannels: [NotificationChannel]
    public var language: String
    /// Topics subscribed to.
    public var topics: [String]
    /// At most this many messages a day (0: no preference).
    public var maxMessagesPerDay: Int32
    /// "HH:MM-HH:MM" in the user's time zone, or empty.
    public var quietHours: String
    /// Topics unsubscribed from: never sent.
    public var unsubscribedTopics: [String]

    public init(
        preferredChannels: [NotificationChannel] = [], language: String = "", topics: [String] = [],
        maxMessagesPerDay: Int32 = 0,
        quietHours: String = "", unsubscribedTopics: [String] = []
    ) {
        self.preferredChannels = preferredChannels
        self.language = language
        self.topics = topics
        self.maxMessagesPerDay = maxMessagesPerDay
        self.quietHours = quietHours
        self.unsubscribedTopics = unsubscribedTopics
    }
}

/// What segmentation evaluates for one user: attributes, computed traits, event counts, activity, value.
public struct SegmentData: Equatable, Sendable {
    public var userID: UUID
    public var attributes: JSONValue?
    /// Events by name over the last 30 days.
    public var eventCounts: [String: Int64]
    public var lastActiveAt: Date?
    public var lifetimeValue: Double
    /// days_since_signup, days_since_active, events_30d, channels_reachable.
    public var computedTraits: JSONValue?
    /// Events by name over what is kept of the user's history.
    public var lifetimeEventCounts: [String: Int64]
    public var firstSeenAt: Date?

    public init(
        userID: UUID, attributes: JSONValue? = nil, eventCounts: [String: Int64] = [:], lastActiveAt: Date? = nil,
        lifetimeValue: Double = 0,
        computedTraits: JSONValue? = nil, lifetimeEventCounts: [String: Int64] = [:], firstSeenAt: Date? = nil
    ) {
        self.userID = userID
        self.attributes = attributes
        self.eventCounts = eventCounts
        self.lastActiveAt = lastActiveAt
        self.lifetimeValue = lifetimeValue
        self.computedTraits = computedTraits
        self.lifetimeEventCounts = lifetimeEventCounts
        self.firstSeenAt = firstSeenAt
    }
}

/// Something a user did, recorded for segmentation and personalization.
public struct UserActivity: Equatable, Sendable {
    /// Unique per activity: recording it twice stores it once.
    public var id: String
    /// The event's name: "page_view", "purchase", "login", ...
    public var type: String
    public var at: Date?
    public var properties: JSONValue?
    public var channel: NotificationChannel?
    /// The campaign the activity answers, if any.
    public var campaignID: UUID?

    public init(
        id: String, type: String, at: Date? = nil, properties: JSONValue? = nil, channel: NotificationChannel? = nil,
        campaignID: UUID? = nil
    ) {
        self.id = id
        self.type = type
        self.at = at
        self.properties = properties
        self.channel = channel
        self.campaignID = campaignID
    }
}
