import Codec
import Foundation

/// A message template with {{placeholders}} and the values to use where a user's profile has none.
public struct ContentTemplate: Equatable, Sendable {
    public var id: String
    public var channel: NotificationChannel?
    public var subject: String
    public var body: String
    public var defaults: [String: String]

    public init(
        id: String = "", channel: NotificationChannel? = nil, subject: String = "", body: String,
        defaults: [String: String] = [:]
    ) {
        self.id = id
        self.channel = channel
        self.subject = subject
        self.body = body
        self.defaults = defaults
    }
}

/// A template filled in for one user.
public struct PersonalizedContent: Equatable, Sendable {
    public var userID: UUID
    public var templateID: String
    public var subject: String
    public var body: String
    /// Placeholders filled from the template's defaults rather than the profile.
    public var usedDefaults: [String]

    public init(userID: UUID, templateID: String, subject: String, body: String, usedDefaults: [String] = []) {
        self.userID = userID
        self.templateID = templateID
        self.subject = subject
        self.body = body
        self.usedDefaults = usedDefaults
    }
}

public struct RecommendationContext: Equatable, Sendable {
    public var campaignID: UUID?
    public var excludeItemIDs: [String]
    public var category: String
    /// At most this many (the engine's default when 0).
    public var limit: Int32

    public init(campaignID: UUID? = nil, excludeItemIDs: [String] = [], category: String = "", limit: Int32 = 0) {
        self.campaignID = campaignID
        self.excludeItemIDs = excludeItemIDs
        self.category = category
        self.limit = limit
    }
}

public struct Recommendation: Equatable, Sendable {
    public var itemID: String
    public var score: Double
    public var reason: String

    public init(itemID: String, score: Double, reason: String = "") {
        self.itemID = itemID
        self.score = score
        self.reason = reason
    }
}

public struct OptimalSendTime: Equatable, Sendable {
    public var userID: UUID
    public var sendAt: Date?
    public var timezone: String
    public var confidence: Double

    public init(userID: UUID, sendAt: Date?, timezone: String = "", confidence: Double = 0) {
        self.userID = userID
        self.sendAt = sendAt
        self.timezone = timezone
        self.confidence = confidence
    }
}

/// Where the user is when content is adapted: device, place, local time, anything else as attributes.
public struct UserContext: Equatable, Sendable {
    public var device: String
    public var location: GeoLocation?
    public var localTime: Date?
    public var attributes: JSONValue?

    public init(device: String = "", location: GeoLocation? = nil, localTime: Date? = nil, attributes: JSONValue? = nil)
    {
        self.device = device
        self.location = location
        self.localTime = localTime
        self.attributes = attributes
    }
}

/// Content blocks chosen for a user's context, and the rules that chose them.
public struct AdaptedContent: Equatable, Sendable {
    public var userID: UUID
    public var blocks: [String: String]
    public var appliedRules: [String]

    public init(userID: UUID, blocks: [String: String] = [:], appliedRules: [String] = []) {
        self.userID = userID
        self.blocks = blocks
        self.appliedRules = appliedRules
    }
}
