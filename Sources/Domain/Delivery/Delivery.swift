import Codec
import Foundation

/// Where a message is on its way to the user (`herald.delivery.v1.DeliveryState`).
public enum DeliveryState: String, WireEnum {
    public static let wirePrefix = "DELIVERY_STATE_"
    case queued, sent, delivered, bounced, failed, suppressed
}

public struct EmailContent: Equatable, Sendable {
    public var to: String
    public var from: String
    public var replyTo: String
    public var subject: String
    public var htmlBody: String
    public var textBody: String
    public var headers: [String: String]

    public init(
        to: String, from: String = "", replyTo: String = "", subject: String, htmlBody: String = "",
        textBody: String = "",
        headers: [String: String] = [:]
    ) {
        self.to = to
        self.from = from
        self.replyTo = replyTo
        self.subject = subject
        self.htmlBody = htmlBody
        self.textBody = textBody
        self.headers = headers
    }
}

public struct SMSContent: Equatable, Sendable {
    /// E.164.
    public var to: String
    public var body: String
    public var senderID: String

    public init(to: String, body: String, senderID: String = "") {
        self.to = to
        self.body = body
        self.senderID = senderID
    }
}

public struct PushContent: Equatable, Sendable {
    public var deviceTokens: [String]
    public var title: String
    public var body: String
    public var deepLink: String
    /// Custom payload (a JSON object).
    public var data: JSONValue?
    public var badge: Int32

    public init(
        deviceTokens: [String], title: String, body: String, deepLink: String = "", data: JSONValue? = nil,
        badge: Int32 = 0
    ) {
        self.deviceTokens = deviceTokens
        self.title = title
        self.body = body
        self.deepLink = deepLink
        self.data = data
        self.badge = badge
    }
}

public struct InAppContent: Equatable, Sendable {
    public var title: String
    public var body: String
    public var imageURL: String
    /// "banner", "modal", "card".
    public var layout: String
    public var expiresAt: Date?
    /// When the user read it (set by the gateway; ignored in a send).
    public var readAt: Date?

    public init(
        title: String, body: String, imageURL: String = "", layout: String = "", expiresAt: Date? = nil,
        readAt: Date? = nil
    ) {
        self.title = title
        self.body = body
        self.imageURL = imageURL
        self.layout = layout
        self.expiresAt = expiresAt
        self.readAt = readAt
    }
}

/// A message's content on one of the four channels.
public enum DeliveryContent: Equatable, Sendable {
    case email(EmailContent)
    case sms(SMSContent)
    case push(PushContent)
    case inApp(InAppContent)

    public var channel: NotificationChannel {
        switch self {
        case .email: .email
        case .sms: .sms
        case .push: .push
        case .inApp: .inApp
        }
    }
}

/// What makes a message unique: a campaign's workflow node reaching a user in one execution. Sending the same key
/// twice delivers once (the second answer says `duplicate`).
public struct MessageKey: Hashable, Sendable {
    public var campaignID: UUID
    public var userID: UUID
    public var executionID: String
    public var nodeID: String

    public init(campaignID: UUID, userID: UUID, executionID: String, nodeID: String) {
        self.campaignID = campaignID
        self.userID = userID
        self.executionID = executionID
        self.nodeID = nodeID
    }
}

/// The gateway's answer to a send.
public struct DeliveryResult: Equatable, Sendable {
    /// Nil for a message of a bulk send that was refused (`error` says why) and not stored.
    public var messageID: UUID?
    public var state: DeliveryState
    /// The key had been sent before: this is that message, not a new one.
    public var duplicate: Bool
    public var provider: String
    public var providerMessageID: String
    public var error: String
    public var acceptedAt: Date?

    public init(
        messageID: UUID?, state: DeliveryState, duplicate: Bool = false, provider: String = "",
        providerMessageID: String = "", error: String = "",
        acceptedAt: Date? = nil
    ) {
        self.messageID = messageID
        self.state = state
        self.duplicate = duplicate
        self.provider = provider
        self.providerMessageID = providerMessageID
        self.error = error
        self.acceptedAt = acceptedAt
    }
}

public struct DeliveryEvent: Equatable, Sendable {
    public var state: DeliveryState
    public var at: Date?
    public var detail: String

    public init(state: DeliveryState, at: Date?, detail: String = "") {
        self.state = state
        self.at = at
        self.detail = detail
    }
}

/// A message's state and how it got there.
public struct DeliveryStatus: Equatable, Sendable {
    public var messageID: UUID
    public var key: MessageKey?
    public var channel: NotificationChannel
    public var state: DeliveryState
    public var history: [DeliveryEvent]
    public var attempts: Int32

    public init(
        messageID: UUID, key: MessageKey?, channel: NotificationChannel, state: DeliveryState,
        history: [DeliveryEvent] = [], attempts: Int32 = 0
    ) {
        self.messageID = messageID
        self.key = key
        self.channel = channel
        self.state = state
        self.history = history
        self.attempts = attempts
    }
}

/// One message of a bulk send.
public struct BulkMessage: Equatable, Sendable {
    public var key: MessageKey
    public var content: DeliveryContent
    /// What it is for: the user's consent to this purpose is checked before it is sent.
    public var purpose: ConsentPurpose

    public init(key: MessageKey, content: DeliveryContent, purpose: ConsentPurpose = .marketing) {
        self.key = key
        self.content = content
        self.purpose = purpose
    }
}

/// A bulk send's results, one per message in the order sent, and their totals.
public struct BulkDeliveryResult: Equatable, Sendable {
    public var results: [DeliveryResult]
    public var accepted: Int64
    public var duplicates: Int64
    public var rejected: Int64

    public init(results: [DeliveryResult], accepted: Int64, duplicates: Int64, rejected: Int64) {
        self.results = results
        self.accepted = accepted
        self.duplicates = duplicates
        self.rejected = rejected
    }
}

/// An in-app message waiting for its user: where it stands and what it shows.
public struct InAppMessage: Equatable, Sendable {
    public var status: DeliveryStatus
    public var content: InAppContent

    public init(status: DeliveryStatus, content: InAppContent) {
        self.status = status
        self.content = content
    }
}

/// An address the gateway never sends to on its channel.
public struct Suppression: Equatable, Sendable {
    public var channel: NotificationChannel
    /// An email address, an E.164 number or a device token.
    public var address: String
    /// "hard_bounce", "complaint", "manual", ...
    public var reason: String
    public var createdAt: Date?

    public init(channel: NotificationChannel, address: String, reason: String, createdAt: Date? = nil) {
        self.channel = channel
        self.address = address
        self.reason = reason
        self.createdAt = createdAt
    }
}

/// What a user did with an in-app message (`herald.delivery.v1.InAppAction`).
public enum InAppAction: String, WireEnum {
    public static let wirePrefix = "IN_APP_ACTION_"
    case read, dismiss
}
