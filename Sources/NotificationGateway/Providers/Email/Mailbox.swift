import Domain
import Foundation

/// An RFC 5322 mailbox: `ada@example.com` or `Ada Lovelace <ada@example.com>`.
struct Mailbox: Equatable, Sendable {
    var displayName: String
    /// Normalized (see `ContactAddress.email`).
    var address: String

    static func parse(_ text: String) -> Result<Mailbox, ContactAddress.Problem> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var name = ""
        var address = trimmed
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            name = String(trimmed[..<open]).trimmingCharacters(in: .whitespaces)
            if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
                name = String(name.dropFirst().dropLast())
            }
            address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        }
        guard !name.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\"" || $0 == "\\" }), name.count <= 255 else {
            return .failure(
                .init(message: "a display name of at most 255 characters without quotes, backslashes or line breaks"))
        }
        return ContactAddress.email(address).map { Mailbox(displayName: name, address: $0) }
    }

    /// As a header value: the name quoted, or RFC 2047-encoded when it is not ASCII.
    var header: String {
        guard !displayName.isEmpty else { return address }
        let name =
            displayName.allSatisfy({ $0.isASCII })
            ? "\"" + displayName + "\"" : MIMEMessage.encodedWords(displayName)
        return name + " <" + address + ">"
    }
}
