import Codec
import Foundation

/// `herald.delivery.v1.NotificationGateway`: each method with its request and response types, shared by the gateway
/// and `NotificationGatewayClient`.
public enum NotificationGatewayAPI {
    public static let service = "herald.delivery.v1.NotificationGateway"

    public static let sendEmail = RPCMethod<SendRequest<EmailContent>, Only<DeliveryResult>>(service, "SendEmail")
    public static let sendSMS = RPCMethod<SendRequest<SMSContent>, Only<DeliveryResult>>(service, "SendSMS")
    public static let sendPushNotification = RPCMethod<SendRequest<PushContent>, Only<DeliveryResult>>(
        service, "SendPushNotification")
    public static let sendInAppMessage = RPCMethod<SendRequest<InAppContent>, Only<DeliveryResult>>(
        service, "SendInAppMessage")
    public static let trackDeliveryStatus = RPCMethod<MessageRef, Only<DeliveryStatus>>(service, "TrackDeliveryStatus")
    public static let sendBulkMessages = RPCMethod<SendBulkMessagesRequest, Only<BulkDeliveryResult>>(
        service, "SendBulkMessages")
    public static let listInAppMessages = RPCMethod<ListInAppMessagesRequest, InAppPage>(service, "ListInAppMessages")
    public static let watchDeliveryStatus = RPCMethod<MessageRef, Only<DeliveryStatus>>(service, "WatchDeliveryStatus")
    public static let addSuppression = RPCMethod<Only<Suppression>, Only<Suppression>>(service, "AddSuppression")
    public static let removeSuppression = RPCMethod<SuppressionRef, Removed>(service, "RemoveSuppression")
    public static let listSuppressions = RPCMethod<ListSuppressionsRequest, Page<Suppression>>(
        service, "ListSuppressions")
    public static let updateInAppMessage = RPCMethod<UpdateInAppMessageRequest, NoContent>(
        service, "UpdateInAppMessage")

    /// Most messages SendBulkMessages takes in one call.
    public static let maxBulk = 10_000
}

/// Content of one channel, as a single send carries it.
public protocol ChannelContent: WireMapped, Sendable, Equatable {
    var delivery: DeliveryContent { get }
}

extension EmailContent: ChannelContent { public var delivery: DeliveryContent { .email(self) } }
extension SMSContent: ChannelContent { public var delivery: DeliveryContent { .sms(self) } }
extension PushContent: ChannelContent { public var delivery: DeliveryContent { .push(self) } }
extension InAppContent: ChannelContent { public var delivery: DeliveryContent { .inApp(self) } }

/// SendEmailRequest, SendSMSRequest, SendPushNotificationRequest and SendInAppMessageRequest: a key, the channel's
/// content, and what the message is for (marketing when unspecified).
public struct SendRequest<Content: ChannelContent>: WireMapped, Sendable, Equatable {
    public var message: BulkMessage

    public init(key: MessageKey, content: Content, purpose: ConsentPurpose = .marketing) {
        message = BulkMessage(key: key, content: content.delivery, purpose: purpose)
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        let key: MessageKey = m.requiredMessage(1, at: path.field("key"), &issues)
        let content: Content = m.requiredMessage(2, at: path.field("content"), &issues)
        message = BulkMessage(
            key: key, content: content.delivery,
            purpose: .read(m.enumValue(3), path.field("purpose"), &issues, required: false) ?? .marketing)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, message.key)
        switch message.content {
        case .email(let email): b.set(2, email)
        case .sms(let sms): b.set(2, sms)
        case .push(let push): b.set(2, push)
        case .inApp(let inApp): b.set(2, inApp)
        }
        b.set(3, enum: message.purpose)
    }
}

/// SendBulkMessagesRequest: up to `NotificationGatewayAPI.maxBulk` messages, each read on its own, so that a bad
/// message is refused with its index and the others are still accepted.
public struct SendBulkMessagesRequest: WireMapped, Sendable, Equatable {
    /// A message as read: the message, or what was wrong with it (paths below `messages[i]`).
    public struct Reading: Sendable, Equatable {
        public var message: BulkMessage
        public var issues: [FieldIssues.Issue]

        public init(message: BulkMessage, issues: [FieldIssues.Issue] = []) {
            self.message = message
            self.issues = issues
        }
    }

    public var messages: [Reading]

    public init(_ messages: [BulkMessage]) { self.messages = messages.map { Reading(message: $0) } }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        let count = m.count(1)
        issues.check(
            count <= NotificationGatewayAPI.maxBulk, path.field("messages"),
            "\(count) messages; at most \(NotificationGatewayAPI.maxBulk) a call")
        issues.check(count > 0, path.field("messages"), "required: at least one message")
        messages =
            count > NotificationGatewayAPI.maxBulk
            ? []
            : m.messages(1).map { view in
                var own = FieldIssues()
                let message = BulkMessage(wire: view, at: "", &own)
                return Reading(message: message, issues: own.issues)
            }
    }

    public func write(to b: MessageBuilder) { b.set(1, each: messages.map(\.message)) }
}

/// A request naming one message (`message_id = 1`).
public struct MessageRef: WireMapped, Sendable, Equatable {
    public var messageID: UUID

    public init(_ messageID: UUID) { self.messageID = messageID }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        messageID = issues.requiredUUID(m.string(1), at: path.field("message_id"))
    }

    public func write(to b: MessageBuilder) { b.set(1, id: messageID) }
}

/// ListInAppMessagesRequest.
public struct ListInAppMessagesRequest: WireMapped, Sendable, Equatable {
    public var userID: UUID
    public var page: PageRequest

    public init(_ userID: UUID, page: PageRequest = PageRequest()) {
        self.userID = userID
        self.page = page
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        userID = issues.requiredUUID(m.string(1), at: path.field("user_id"))
        page = PageRequest(wire: m.message(2), at: path.field("page"), &issues)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: userID)
        b.set(2, page)
    }
}

/// ListInAppMessagesResponse: the statuses and the contents side by side, and the page token.
public struct InAppPage: WireMapped, Sendable, Equatable {
    public var page: Page<InAppMessage>

    public init(_ page: Page<InAppMessage>) { self.page = page }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        let statuses: [DeliveryStatus] = m.readAll(1, at: path.field("messages"), &issues)
        let contents: [InAppContent] = m.readAll(2, at: path.field("contents"), &issues)
        issues.check(
            statuses.count == contents.count, path.field("contents"),
            "\(contents.count) contents for \(statuses.count) messages")
        page = Page(
            items: zip(statuses, contents).map { InAppMessage(status: $0, content: $1) }, nextToken: m.nextPageToken(3))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, each: page.items.map(\.status))
        b.set(2, each: page.items.map(\.content))
        b.set(3, nextPageToken: page.nextToken)
    }
}

/// RemoveSuppressionRequest.
public struct SuppressionRef: WireMapped, Sendable, Equatable {
    public var channel: NotificationChannel
    public var address: String

    public init(channel: NotificationChannel, address: String) {
        self.channel = channel
        self.address = address
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        channel = .required(m.enumValue(1), path.field("channel"), &issues)
        address = m.string(2)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, enum: channel)
        b.set(2, address)
    }
}

/// RemoveSuppressionResponse.
public struct Removed: WireMapped, Sendable, Equatable {
    public var removed: Bool

    public init(_ removed: Bool) { self.removed = removed }
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) { removed = m.bool(1) }
    public func write(to b: MessageBuilder) { b.set(1, removed) }
}

/// ListSuppressionsRequest: one channel's (every channel's when nil), a page at a time.
public struct ListSuppressionsRequest: WireMapped, Sendable, Equatable {
    public var channel: NotificationChannel?
    public var page: PageRequest

    public init(channel: NotificationChannel? = nil, page: PageRequest = PageRequest()) {
        self.channel = channel
        self.page = page
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        channel = .read(m.enumValue(1), path.field("channel"), &issues, required: false)
        page = PageRequest(wire: m.message(2), at: path.field("page"), &issues)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, enum: channel)
        b.set(2, page)
    }
}

/// UpdateInAppMessageRequest.
public struct UpdateInAppMessageRequest: WireMapped, Sendable, Equatable {
    public var messageID: UUID
    public var userID: UUID
    public var action: InAppAction

    public init(messageID: UUID, userID: UUID, action: InAppAction) {
        self.messageID = messageID
        self.userID = userID
        self.action = action
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        messageID = issues.requiredUUID(m.string(1), at: path.field("message_id"))
        userID = issues.requiredUUID(m.string(2), at: path.field("user_id"))
        action = .required(m.enumValue(3), path.field("action"), &issues)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: messageID)
        b.set(2, id: userID)
        b.set(3, enum: action)
    }
}
