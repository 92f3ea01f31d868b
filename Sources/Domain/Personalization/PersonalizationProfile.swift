import Codec
import Foundation

/// Everything the personalization engine knows about one user (the spec's PersonalizationProfile).
public struct PersonalizationProfile: Equatable, Sendable {
    public var userID: UUID
    public var preferences: PersonalizationPreferences?
    public var behavior: BehaviorProfile?
    public var demographics: Demographics?
    public var engagement: EngagementHistory?
    public var recommendations: RecommendationProfile?
    public var sendTimeOptimization: SendTimeProfile?
    public var contentPreferences: ContentPreferences?
    public var updatedAt: Date?

    public init(
        userID: UUID, preferences: PersonalizationPreferences? = nil, behavior: BehaviorProfile? = nil,
        demographics: Demographics? = nil,
        engagement: EngagementHistory? = nil, recommendations: RecommendationProfile? = nil,
        sendTimeOptimization: SendTimeProfile? = nil,
        contentPreferences: ContentPreferences? = nil, updatedAt: Date? = nil
    ) {
        self.userID = userID
        self.preferences = preferences
        self.behavior = behavior
        self.demographics = demographics
        self.engagement = engagement
        self.recommendations = recommendations
        self.sendTimeOptimization = sendTimeOptimization
        self.contentPreferences = contentPreferences
        self.updatedAt = updatedAt
    }
}

/// The preferences personalization works from (`herald.personalization.v1.UserPreferences`; the user
/// directory's own `UserPreferences` has topics where this has categories).
public struct PersonalizationPreferences: Codable, Equatable, Sendable {
    public var preferredChannels: [NotificationChannel]
    /// BCP 47.
    public var language: String
    public var categories: [String]
    public var maxMessagesPerDay: Int32
    /// "HH:MM-HH:MM" in the user's time zone, or empty.
    public var quietHours: String

    public init(
        preferredChannels: [NotificationChannel] = [], language: String = "", categories: [String] = [],
        maxMessagesPerDay: Int32 = 0,
        quietHours: String = ""
    ) {
        self.preferredChannels = preferredChannels
        self.language = language
        self.categories = categories
        self.maxMessagesPerDay = maxMessagesPerDay
        self.quietHours = quietHours
    }
}

public struct PageView: Codable, Equatable, Sendable {
    public var url: String
    public var title: String
    public var at: Date?
    public var durationMs: Int64

    public init(url: String, title: String = "", at: Date? = nil, durationMs: Int64 = 0) {
        self.url = url
        self.title = title
        self.at = at
        self.durationMs = durationMs
    }
}

public struct Purchase: Codable, Equatable, Sendable {
    public var orderID: String
    public var productIDs: [String]
    public var amount: Double
    /// ISO 4217.
    public var currency: String
    public var at: Date?

    public init(orderID: String, productIDs: [String] = [], amount: Double = 0, currency: String = "", at: Date? = nil)
    {
        self.orderID = orderID
        self.productIDs = productIDs
        self.amount = amount
        self.currency = currency
        self.at = at
    }
}

/// A user's response to a message: "open", "click", "dismiss", ...
public struct Interaction: Codable, Equatable, Sendable {
    public var type: String
    public var campaignID: UUID?
    public var channel: NotificationChannel?
    public var at: Date?

    public init(type: String, campaignID: UUID? = nil, channel: NotificationChannel? = nil, at: Date? = nil) {
        self.type = type
        self.campaignID = campaignID
        self.channel = channel
        self.at = at
    }
}

public struct DeviceUsage: Codable, Equatable, Sendable {
    /// Share of sessions by device kind ("ios", "android", "web"), summing to 1.
    public var share: [String: Double]
    public var primaryDevice: String

    public init(share: [String: Double] = [:], primaryDevice: String = "") {
        self.share = share
        self.primaryDevice = primaryDevice
    }
}

public struct LocationData: Codable, Equatable, Sendable {
    public var lastKnown: GeoLocation?
    public var frequentCities: [String]

    public init(lastKnown: GeoLocation? = nil, frequentCities: [String] = []) {
        self.lastKnown = lastKnown
        self.frequentCities = frequentCities
    }
}

public struct SessionData: Codable, Equatable, Sendable {
    public var sessionsLast30Days: Int64
    public var averageSessionSeconds: Int64
    public var lastSessionAt: Date?

    public init(sessionsLast30Days: Int64 = 0, averageSessionSeconds: Int64 = 0, lastSessionAt: Date? = nil) {
        self.sessionsLast30Days = sessionsLast30Days
        self.averageSessionSeconds = averageSessionSeconds
        self.lastSessionAt = lastSessionAt
    }
}

public struct BehaviorProfile: Codable, Equatable, Sendable {
    public var pageViews: [PageView]
    public var purchases: [Purchase]
    public var interactions: [Interaction]
    public var deviceUsage: DeviceUsage?
    public var locationData: LocationData?
    public var sessionData: SessionData?

    public init(
        pageViews: [PageView] = [], purchases: [Purchase] = [], interactions: [Interaction] = [],
        deviceUsage: DeviceUsage? = nil,
        locationData: LocationData? = nil, sessionData: SessionData? = nil
    ) {
        self.pageViews = pageViews
        self.purchases = purchases
        self.interactions = interactions
        self.deviceUsage = deviceUsage
        self.locationData = locationData
        self.sessionData = sessionData
    }
}

public struct Demographics: Codable, Equatable, Sendable {
    /// "25-34", ...
    public var ageRange: String
    public var gender: String
    public var location: GeoLocation?
    public var occupation: String

    public init(ageRange: String = "", gender: String = "", location: GeoLocation? = nil, occupation: String = "") {
        self.ageRange = ageRange
        self.gender = gender
        self.location = location
        self.occupation = occupation
    }
}

public struct EngagementHistory: Codable, Equatable, Sendable {
    public var messagesReceived: Int64
    public var messagesOpened: Int64
    public var messagesClicked: Int64
    public var lastEngagedAt: Date?
    /// 0-100.
    public var engagementScore: Double

    public init(
        messagesReceived: Int64 = 0, messagesOpened: Int64 = 0, messagesClicked: Int64 = 0, lastEngagedAt: Date? = nil,
        engagementScore: Double = 0
    ) {
        self.messagesReceived = messagesReceived
        self.messagesOpened = messagesOpened
        self.messagesClicked = messagesClicked
        self.lastEngagedAt = lastEngagedAt
        self.engagementScore = engagementScore
    }
}

public struct RecommendationProfile: Codable, Equatable, Sendable {
    public var recentItemIDs: [String]
    /// Affinity 0-1 by category.
    public var categoryAffinity: [String: Double]

    public init(recentItemIDs: [String] = [], categoryAffinity: [String: Double] = [:]) {
        self.recentItemIDs = recentItemIDs
        self.categoryAffinity = categoryAffinity
    }
}

/// An hour of the week at which the user tends to engage.
public struct OptimalTime: Codable, Equatable, Sendable {
    /// 0 = Sunday.
    public var dayOfWeek: Int32
    /// 0-23 in the user's time zone.
    public var hour: Int32
    public var score: Double

    public init(dayOfWeek: Int32, hour: Int32, score: Double) {
        self.dayOfWeek = dayOfWeek
        self.hour = hour
        self.score = score
    }
}

public struct DevicePreference: Codable, Equatable, Sendable {
    public var device: String
    public var channel: NotificationChannel?
    public var score: Double

    public init(device: String, channel: NotificationChannel?, score: Double) {
        self.device = device
        self.channel = channel
        self.score = score
    }
}

public struct EngagementPattern: Codable, Equatable, Sendable {
    /// "weekday_mornings", "weekend_evenings", ...
    public var pattern: String
    public var strength: Double

    public init(pattern: String, strength: Double) {
        self.pattern = pattern
        self.strength = strength
    }
}

/// The spec's SendTimeProfile: when and where a user is most likely to engage.
public struct SendTimeProfile: Codable, Equatable, Sendable {
    public var optimalTimes: [OptimalTime]
    public var timezonePreference: String
    public var devicePreferences: [DevicePreference]
    public var engagementPatterns: [EngagementPattern]
    /// 0-1.
    public var confidence: Double

    public init(
        optimalTimes: [OptimalTime] = [], timezonePreference: String = "", devicePreferences: [DevicePreference] = [],
        engagementPatterns: [EngagementPattern] = [], confidence: Double = 0
    ) {
        self.optimalTimes = optimalTimes
        self.timezonePreference = timezonePreference
        self.devicePreferences = devicePreferences
        self.engagementPatterns = engagementPatterns
        self.confidence = confidence
    }
}

public struct ContentPreferences: Codable, Equatable, Sendable {
    public var topics: [String]
    /// "short", "medium", "long".
    public var preferredLength: String
    public var tone: String

    public init(topics: [String] = [], preferredLength: String = "", tone: String = "") {
        self.topics = topics
        self.preferredLength = preferredLength
        self.tone = tone
    }
}
