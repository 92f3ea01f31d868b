import Codec
import Foundation

/// The spec's event types (`herald.analytics.v1.EventType`, `analytics.event_type`), in funnel order.
public enum EventType: String, WireEnum {
    public static let wirePrefix = "EVENT_TYPE_"
    case sent, delivered, opened, clicked, converted, unsubscribed, bounced
}

/// Something that happened to a campaign's message for one user (the spec's CampaignEvent).
public struct CampaignEvent: Equatable, Sendable {
    /// Chosen by the sender: a retried event with the same id is stored once.
    public var id: UUID
    public var campaignID: UUID
    public var userID: UUID
    /// nil only in a request that left it unspecified (validation reports it).
    public var eventType: EventType?
    /// When it happened; nil: when it was received.
    public var timestamp: Date?
    public var channel: NotificationChannel?
    public var deviceType: String
    public var location: GeoLocation?
    /// A JSON object.
    public var metadata: JSONValue?
    /// Revenue of a conversion.
    public var value: Double
    /// The A/B test variant the user was shown ("" outside a test).
    public var variantID: String
    /// The workflow node that sent the message ("" when unknown).
    public var nodeID: String

    public init(
        id: UUID, campaignID: UUID, userID: UUID, eventType: EventType?, timestamp: Date? = nil,
        channel: NotificationChannel?,
        deviceType: String = "", location: GeoLocation? = nil, metadata: JSONValue? = nil, value: Double = 0,
        variantID: String = "", nodeID: String = ""
    ) {
        self.variantID = variantID
        self.nodeID = nodeID
        self.id = id
        self.campaignID = campaignID
        self.userID = userID
        self.eventType = eventType
        self.timestamp = timestamp
        self.channel = channel
        self.deviceType = deviceType
        self.location = location
        self.metadata = metadata
        self.value = value
    }
}

/// How many events of a batch were stored and how many had been stored before.
public struct TrackedEvents: Equatable, Sendable {
    public var stored: Int64
    public var duplicates: Int64

    public init(stored: Int64, duplicates: Int64) {
        self.stored = stored
        self.duplicates = duplicates
    }
}
