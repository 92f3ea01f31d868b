import Codec
import Domain
import Foundation

/// What the gateway accepts: a key of sensible size, addresses it can send to (normalized: emails lower case with
/// an IDNA domain, phones E.164), content within each channel's limits, headers that cannot break the message.
/// Every problem is reported at its field path.
enum MessageValidator {
    static let maxBodyBytes = 1 << 20
    static let maxSMSCharacters = 1600
    static let maxDeviceTokens = 100
    /// APNs' limit on a notification's payload.
    static let maxPushDataBytes = 4096
    /// Headers the gateway writes itself.
    static let reservedHeaders: Set<String> = [
        "from", "to", "cc", "bcc", "subject", "reply-to", "message-id", "date", "mime-version", "content-type",
        "content-transfer-encoding", "dkim-signature", "list-unsubscribe", "list-unsubscribe-post",
    ]

    /// A message of a bulk send (`content` nil: its content is at `email`, `sms`, ... as in BulkMessage) or of a
    /// single send (`content`: "content").
    static func validate(
        _ message: inout BulkMessage, at path: String, content: String? = nil, into issues: inout FieldIssues
    ) {
        func at(_ field: String) -> String { path.field(content ?? field) }
        let key = path.field("key")
        issues.check(message.key.executionID.utf8.count <= 255, key.field("execution_id"), "at most 255 bytes")
        issues.check(message.key.nodeID.utf8.count <= 255, key.field("node_id"), "at most 255 bytes")
        switch message.content {
        case .email(var email):
            validate(&email, at: at("email"), into: &issues)
            message.content = .email(email)
        case .sms(var sms):
            validate(&sms, at: at("sms"), into: &issues)
            message.content = .sms(sms)
        case .push(let push): validate(push, at: at("push"), into: &issues)
        case .inApp(let inApp): validate(inApp, at: at("in_app"), into: &issues)
        }
    }

    static func validate(_ email: inout EmailContent, at path: String, into issues: inout FieldIssues) {
        email.to = normalized(email.to, on: .email, at: path.field("to"), &issues)
        for (name, value) in [("from", email.from), ("reply_to", email.replyTo)] where !value.isEmpty {
            if case .failure(let problem) = Mailbox.parse(value) { issues.add(path.field(name), problem.message) }
        }
        issues.check(!email.subject.isEmpty, path.field("subject"), "required")
        issues.check(
            email.subject.utf8.count <= 998, path.field("subject"), "at most 998 bytes, got \(email.subject.utf8.count)"
        )
        issues.check(
            !email.subject.contains(where: { $0 == "\r" || $0 == "\n" }), path.field("subject"), "one line: no CR or LF"
        )
        issues.check(
            !email.htmlBody.isEmpty || !email.textBody.isEmpty, path.field("text_body"),
            "required: a text or an HTML body")
        let size = email.htmlBody.utf8.count + email.textBody.utf8.count
        issues.check(size <= maxBodyBytes, path, "the bodies have \(size) bytes; at most \(maxBodyBytes)")
        issues.check(email.headers.count <= 50, path.field("headers"), "\(email.headers.count) headers; at most 50")
        for (name, value) in email.headers.sorted(by: { $0.key < $1.key }).prefix(51) {
            let at = path.field("headers").key(String(name.prefix(64)))
            if name.isEmpty || name.utf8.count > 76 || !name.utf8.allSatisfy({ (33...126).contains($0) && $0 != 58 }) {
                issues.add(at, "a header name is 1 to 76 printable ASCII characters without a colon")
            } else if reservedHeaders.contains(name.lowercased()) {
                issues.add(at, "set by the gateway; give it in the content's own field")
            }
            issues.check(
                !value.contains(where: { $0 == "\r" || $0 == "\n" }) && value.utf8.count <= 998, at,
                "one line of at most 998 bytes")
        }
    }

    static func validate(_ sms: inout SMSContent, at path: String, into issues: inout FieldIssues) {
        sms.to = normalized(sms.to, on: .sms, at: path.field("to"), &issues)
        issues.check(!sms.body.isEmpty, path.field("body"), "required")
        issues.check(
            sms.body.count <= maxSMSCharacters, path.field("body"),
            "\(sms.body.count) characters; at most \(maxSMSCharacters) (10 segments)")
        if !sms.senderID.isEmpty {
            let alphanumeric =
                sms.senderID.count <= 11 && sms.senderID.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
            issues.check(
                alphanumeric || (try? ContactAddress.phone(sms.senderID).get()) != nil, path.field("sender_id"),
                "up to 11 letters and digits, or an E.164 number")
        }
    }

    static func validate(_ push: PushContent, at path: String, into issues: inout FieldIssues) {
        issues.check(!push.deviceTokens.isEmpty, path.field("device_tokens"), "required: at least one device token")
        issues.check(
            push.deviceTokens.count <= maxDeviceTokens, path.field("device_tokens"),
            "\(push.deviceTokens.count) tokens; at most \(maxDeviceTokens)")
        for (i, token) in push.deviceTokens.prefix(maxDeviceTokens + 1).enumerated()
        where token.isEmpty || token.utf8.count > 4096 {
            issues.add(path.field("device_tokens").index(i), "a token has 1 to 4,096 bytes")
        }
        issues.check(!push.title.isEmpty || !push.body.isEmpty, path.field("body"), "required: a title or a body")
        let size = push.title.utf8.count + push.body.utf8.count + (push.data.map { $0.text().utf8.count } ?? 0)
        issues.check(
            size <= maxPushDataBytes, path, "title, body and data have \(size) bytes; at most \(maxPushDataBytes)")
        issues.check(push.badge >= 0, path.field("badge"), "must not be negative")
    }

    static func validate(_ inApp: InAppContent, at path: String, into issues: inout FieldIssues) {
        issues.check(!inApp.title.isEmpty || !inApp.body.isEmpty, path.field("body"), "required: a title or a body")
        let size = inApp.title.utf8.count + inApp.body.utf8.count
        issues.check(size <= 64 << 10, path, "title and body have \(size) bytes; at most 65,536")
        if !inApp.imageURL.isEmpty {
            let url = URL(string: inApp.imageURL)
            issues.check(
                url?.scheme == "https" || url?.scheme == "http", path.field("image_url"), "an http or https URL")
        }
        issues.check(inApp.layout.count <= 64, path.field("layout"), "at most 64 characters")
        if let expiry = inApp.expiresAt {
            issues.check(expiry > Date(), path.field("expires_at"), "must be in the future")
        }
    }

    static func validate(_ suppression: inout Suppression, at path: String, into issues: inout FieldIssues) {
        suppression.address = normalized(
            suppression.address, on: suppression.channel, at: path.field("address"), &issues)
        issues.check(!suppression.reason.isEmpty, path.field("reason"), "required, e.g. manual or complaint")
        issues.check(suppression.reason.count <= 255, path.field("reason"), "at most 255 characters")
    }

    /// An address in the form messages carry it on `channel` (what is sent to, and what the suppression list is
    /// matched against); the address as given, with the problem recorded, when it cannot be one.
    static func normalized(
        _ address: String, on channel: NotificationChannel, at path: String, _ issues: inout FieldIssues
    ) -> String {
        guard !address.isEmpty else {
            issues.add(path, "required")
            return address
        }
        let result: Result<String, ContactAddress.Problem>
        switch channel {
        case .email: result = ContactAddress.email(address)
        case .sms: result = ContactAddress.phone(address)
        case .push, .inApp:
            result = address.utf8.count <= 4096 ? .success(address) : .failure(.init(message: "at most 4,096 bytes"))
        }
        switch result {
        case .success(let normalized): return normalized
        case .failure(let problem):
            issues.add(path, problem.message)
            return address
        }
    }
}
