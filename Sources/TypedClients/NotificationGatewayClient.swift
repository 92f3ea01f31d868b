import Domain
import Foundation
import ServiceClients

/// `herald.delivery.v1.NotificationGateway` for other services: domain values in and out, every call through a
/// `ServiceClient`. Errors are the call's `RPCError`.
public struct NotificationGatewayClient: Sendable {
    public var client: ServiceClient { calls.client }
    let calls: ServiceCalls

    public init(_ client: ServiceClient) {
        calls = ServiceCalls(client, package: "herald.delivery.v1", service: "NotificationGateway")
    }

    /// Sends one message on its content's channel. Sending the same `key` again delivers nothing new: the answer
    /// is the first send's message with `duplicate` set.
    public func send(_ content: DeliveryContent, key: MessageKey) async throws -> DeliveryResult {
        let method: String
        switch content {
        case .email: method = "SendEmail"
        case .sms: method = "SendSMS"
        case .push: method = "SendPushNotification"
        case .inApp: method = "SendInAppMessage"
        }
        return try await calls.unary(method, returning: "result") { b in
            b.set(1, key)
            switch content {
            case .email(let email): b.set(2, email)
            case .sms(let sms): b.set(2, sms)
            case .push(let push): b.set(2, push)
            case .inApp(let inApp): b.set(2, inApp)
            }
        }
    }

    public func status(of message: UUID) async throws -> DeliveryStatus {
        try await calls.unary("TrackDeliveryStatus", returning: "status") { $0.set(1, id: message) }
    }

    /// Sends many messages in one call; the results are in the order of `messages`.
    public func sendBulk(_ messages: [BulkMessage]) async throws -> BulkDeliveryResult {
        try await calls.unary("SendBulkMessages", returning: "result") { $0.set(1, each: messages) }
    }

    /// The in-app messages waiting for `user`, `pageSize` at a time (the service's default when 0).
    public func inAppMessages(for user: UUID, pageSize: Int = 0, pageToken: String = "") async throws -> Page<
        InAppMessage
    > {
        try await calls.unary(
            "ListInAppMessages",
            { b in
                b.set(1, id: user)
                b.set(2, pageSize: pageSize, token: pageToken)
            }
        ) { m in
            var issues = FieldIssues()
            let statuses: [DeliveryStatus] = m.readAll(1, at: "messages", &issues)
            let contents: [InAppContent] = m.readAll(2, at: "contents", &issues)
            issues.check(
                statuses.count == contents.count, "contents",
                "\(contents.count) contents for \(statuses.count) messages")
            try issues.throwIfAny()
            return Page(
                items: zip(statuses, contents).map { InAppMessage(status: $0, content: $1) },
                nextToken: m.nextPageToken(3))
        }
    }

    /// The message's status each time it changes, until it is final or `timeout` passes.
    public func watchStatus(of message: UUID, timeout: Duration? = nil) throws -> AsyncThrowingStream<
        DeliveryStatus, any Error
    > {
        try calls.watch("WatchDeliveryStatus", returning: "status", timeout: timeout) { $0.set(1, id: message) }
    }
}
