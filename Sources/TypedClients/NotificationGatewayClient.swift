import Domain
import Foundation
import RPC
import ServiceClients

/// `herald.delivery.v1.NotificationGateway` for other services: domain values in and out through
/// `NotificationGatewayAPI`'s mappers, every call through a `ServiceClient`. Errors are the call's `RPCError`.
public struct NotificationGatewayClient: Sendable {
    public var client: ServiceClient { calls.client }
    let calls: ServiceCalls
    private typealias API = NotificationGatewayAPI

    public init(_ client: ServiceClient) {
        calls = ServiceCalls(client, package: "herald.delivery.v1", service: "NotificationGateway")
    }

    /// Sends one message on its content's channel. Sending the same `key` again delivers nothing new: the answer
    /// is the first send's message with `duplicate` set.
    public func send(_ content: DeliveryContent, key: MessageKey, purpose: ConsentPurpose = .marketing) async throws
        -> DeliveryResult
    {
        switch content {
        case .email(let email):
            try await calls.call(API.sendEmail, SendRequest(key: key, content: email, purpose: purpose)).value
        case .sms(let sms):
            try await calls.call(API.sendSMS, SendRequest(key: key, content: sms, purpose: purpose)).value
        case .push(let push):
            try await calls.call(API.sendPushNotification, SendRequest(key: key, content: push, purpose: purpose)).value
        case .inApp(let inApp):
            try await calls.call(API.sendInAppMessage, SendRequest(key: key, content: inApp, purpose: purpose)).value
        }
    }

    public func status(of message: UUID) async throws -> DeliveryStatus {
        try await calls.call(API.trackDeliveryStatus, MessageRef(message)).value
    }

    /// Sends up to `NotificationGatewayAPI.maxBulk` messages in one call; the results are in the order of
    /// `messages` (a refused message has no id and says why in `error`).
    public func sendBulk(_ messages: [BulkMessage]) async throws -> BulkDeliveryResult {
        try await calls.call(API.sendBulkMessages, SendBulkMessagesRequest(messages)).value
    }

    /// The in-app messages waiting for `user`, newest first.
    public func inAppMessages(for user: UUID, page: PageRequest = PageRequest()) async throws -> Page<InAppMessage> {
        try await calls.call(API.listInAppMessages, ListInAppMessagesRequest(user, page: page)).page
    }

    /// Marks `user`'s in-app message read, or dismisses it from the inbox.
    public func updateInAppMessage(_ message: UUID, of user: UUID, _ action: InAppAction) async throws {
        _ = try await calls.call(
            API.updateInAppMessage, UpdateInAppMessageRequest(messageID: message, userID: user, action: action))
    }

    /// Adds an address to the suppression list (or changes its reason); the stored entry.
    public func suppress(_ suppression: Suppression) async throws -> Suppression {
        try await calls.call(API.addSuppression, Only(suppression)).value
    }

    /// Takes an address off the suppression list; false when it was not on it.
    public func unsuppress(_ address: String, on channel: NotificationChannel) async throws -> Bool {
        try await calls.call(API.removeSuppression, SuppressionRef(channel: channel, address: address)).removed
    }

    public func suppressions(on channel: NotificationChannel? = nil, page: PageRequest = PageRequest()) async throws
        -> Page<Suppression>
    {
        try await calls.call(API.listSuppressions, ListSuppressionsRequest(channel: channel, page: page))
    }

    /// The message's status each time it changes, until it is final or `timeout` passes.
    public func watchStatus(of message: UUID, timeout: Duration? = nil) throws -> AsyncThrowingStream<
        DeliveryStatus, any Error
    > {
        try calls.watch(API.watchDeliveryStatus, MessageRef(message), timeout: timeout)
    }
}
