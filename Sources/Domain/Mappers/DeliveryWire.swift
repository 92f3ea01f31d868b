import Codec
import Foundation

/// `herald.delivery.v1` messages to and from the delivery domain types.
extension EmailContent: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            to: m.string(1), from: m.string(2), replyTo: m.string(3), subject: m.string(4), htmlBody: m.string(5),
            textBody: m.string(6),
            headers: m.dictionary(7) { $0.string(2) })
    }

    public func write(to b: MessageBuilder) {
        b.set(1, to)
        b.set(2, from)
        b.set(3, replyTo)
        b.set(4, subject)
        b.set(5, htmlBody)
        b.set(6, textBody)
        b.set(7, dictionary: headers) { $1.set(2, $0) }
    }
}

extension SMSContent: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(to: m.string(1), body: m.string(2), senderID: m.string(3))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, to)
        b.set(2, body)
        b.set(3, senderID)
    }
}

extension PushContent: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            deviceTokens: m.strings(1), title: m.string(2), body: m.string(3), deepLink: m.string(4), data: m.object(5),
            badge: m.int32(6))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, repeated: deviceTokens)
        b.set(2, title)
        b.set(3, body)
        b.set(4, deepLink)
        b.set(5, object: data)
        b.set(6, badge)
    }
}

extension InAppContent: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            title: m.string(1), body: m.string(2), imageURL: m.string(3), layout: m.string(4), expiresAt: m.date(5),
            readAt: m.date(6))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, title)
        b.set(2, body)
        b.set(3, imageURL)
        b.set(4, layout)
        b.set(5, date: expiresAt)
        b.set(6, date: readAt)
    }
}

extension MessageKey: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            campaignID: issues.requiredUUID(m.string(1), at: path.field("campaign_id")),
            userID: issues.requiredUUID(m.string(2), at: path.field("user_id")),
            executionID: m.string(3), nodeID: m.string(4))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: campaignID)
        b.set(2, id: userID)
        b.set(3, executionID)
        b.set(4, nodeID)
    }
}

extension DeliveryResult: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            messageID: issues.optionalUUID(m.string(1), at: path.field("message_id")),
            state: .required(m.enumValue(2), path.field("state"), &issues),
            duplicate: m.bool(3), provider: m.string(4), providerMessageID: m.string(5), error: m.string(6),
            acceptedAt: m.date(7))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: messageID)
        b.set(2, enum: state)
        b.set(3, duplicate)
        b.set(4, provider)
        b.set(5, providerMessageID)
        b.set(6, error)
        b.set(7, date: acceptedAt)
    }
}

extension DeliveryStatus: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        var history: [DeliveryEvent] = []
        for (i, e) in m.messages(5).enumerated() {
            history.append(
                DeliveryEvent(
                    state: .required(e.enumValue(1), path.field("history").index(i).field("state"), &issues),
                    at: e.date(2), detail: e.string(3)))
        }
        self.init(
            messageID: issues.requiredUUID(m.string(1), at: path.field("message_id")),
            key: m.read(2, at: path.field("key"), &issues),
            channel: .required(m.enumValue(3), path.field("channel"), &issues),
            state: .required(m.enumValue(4), path.field("state"), &issues),
            history: history, attempts: m.int32(6))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: messageID)
        b.set(2, key)
        b.set(3, enum: channel)
        b.set(4, enum: state)
        b.messages(5, count: history.count) { i, e in
            e.set(1, enum: history[i].state)
            e.set(2, date: history[i].at)
            e.set(3, history[i].detail)
        }
        b.set(6, attempts)
    }
}

extension BulkMessage: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        let key: MessageKey? = m.read(1, at: path.field("key"), &issues)
        if key == nil { issues.add(path.field("key"), "required") }
        var content = DeliveryContent.sms(SMSContent(to: "", body: ""))
        switch m.oneofCase("content") {
        case 2: content = .email(m.read(2, at: path.field("email"), &issues)!)
        case 3: content = .sms(m.read(3, at: path.field("sms"), &issues)!)
        case 4: content = .push(m.read(4, at: path.field("push"), &issues)!)
        case 5: content = .inApp(m.read(5, at: path.field("in_app"), &issues)!)
        default: issues.add(path.field("content"), "required; expected one of email, sms, push or in_app")
        }
        self.init(
            key: key ?? MessageKey(campaignID: .placeholder, userID: .placeholder, executionID: "", nodeID: ""),
            content: content,
            purpose: .read(m.enumValue(6), path.field("purpose"), &issues, required: false) ?? .marketing)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, key)
        switch content {
        case .email(let email): b.set(2, email)
        case .sms(let sms): b.set(3, sms)
        case .push(let push): b.set(4, push)
        case .inApp(let inApp): b.set(5, inApp)
        }
        b.set(6, enum: purpose)
    }
}

extension BulkDeliveryResult: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            results: m.readAll(1, at: path.field("results"), &issues), accepted: m.int64(2), duplicates: m.int64(3),
            rejected: m.int64(4))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, each: results)
        b.set(2, accepted)
        b.set(3, duplicates)
        b.set(4, rejected)
    }
}

extension Suppression: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            channel: .required(m.enumValue(1), path.field("channel"), &issues), address: m.string(2),
            reason: m.string(3), createdAt: m.date(4))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, enum: channel)
        b.set(2, address)
        b.set(3, reason)
        b.set(4, date: createdAt)
    }
}
