import Domain
import Foundation

/// An email as it goes over SMTP (RFC 5322 and MIME): headers with RFC 2047 encoded words where they are not ASCII,
/// the text and HTML bodies as multipart/alternative in quoted-printable, every line ending in CRLF.
enum MIMEMessage {
    /// The message's bytes (before SMTP's dot-stuffing). `messageID` is the Message-ID's content, without brackets.
    static func render(
        _ email: EmailContent, from: Mailbox, messageID: String, date: Date, extraHeaders: [(String, String)] = []
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(email.htmlBody.utf8.count + email.textBody.utf8.count + 1024)
        func header(_ name: String, _ value: String) { out.append(contentsOf: "\(name): \(value)\r\n".utf8) }
        header("From", from.header)
        header("To", email.to)
        if !email.replyTo.isEmpty, case .success(let replyTo) = Mailbox.parse(email.replyTo) {
            header("Reply-To", replyTo.header)
        }
        header("Subject", email.subject.allSatisfy { $0.isASCII } ? email.subject : encodedWords(email.subject))
        header("Date", rfc5322Date(date))
        header("Message-ID", "<\(messageID)>")
        for (name, value) in extraHeaders { header(name, value) }
        for (name, value) in email.headers.sorted(by: { $0.key < $1.key }) {
            header(name, value.allSatisfy { $0.isASCII } ? value : encodedWords(value))
        }
        header("MIME-Version", "1.0")
        let parts = [("text/plain", email.textBody), ("text/html", email.htmlBody)].filter { !$0.1.isEmpty }
        if parts.count == 1 {
            header("Content-Type", "\(parts[0].0); charset=utf-8")
            header("Content-Transfer-Encoding", "quoted-printable")
            out.append(contentsOf: "\r\n".utf8)
            quotedPrintable(parts[0].1, into: &out)
        } else {
            let boundary = "=_herald_" + messageID.prefix(36).filter { $0.isLetter || $0.isNumber }
            header("Content-Type", "multipart/alternative; boundary=\"\(boundary)\"")
            out.append(contentsOf: "\r\n".utf8)
            for (type, body) in parts {
                out.append(contentsOf: "--\(boundary)\r\n".utf8)
                out.append(contentsOf: "Content-Type: \(type); charset=utf-8\r\n".utf8)
                out.append(contentsOf: "Content-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
                quotedPrintable(body, into: &out)
                out.append(contentsOf: "\r\n".utf8)
            }
            out.append(contentsOf: "--\(boundary)--\r\n".utf8)
        }
        return out
    }

    /// RFC 2047 `=?UTF-8?B?...?=` words of at most 75 characters, split between characters, folded onto lines.
    static func encodedWords(_ text: String) -> String {
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            // 45 bytes make 60 base64 characters: with `=?UTF-8?B?` and `?=` a word stays within 75.
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// Quoted-printable (RFC 2045): lines of at most 76 characters with soft breaks, line breaks as CRLF, `=` and
    /// bytes outside printable ASCII (and spaces before a line break) escaped. Ends with a line break.
    static func quotedPrintable(_ text: String, into out: inout [UInt8]) {
        let hex = Array("0123456789ABCDEF".utf8)
        var column = 0
        let bytes = Array(text.utf8)
        var i = 0
        func emit(_ piece: [UInt8]) {
            if column + piece.count > 75 {
                out.append(contentsOf: [61, 13, 10])  // =CRLF
                column = 0
            }
            out.append(contentsOf: piece)
            column += piece.count
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == 13 || b == 10 {
                out.append(contentsOf: [13, 10])
                column = 0
                i += (b == 13 && i + 1 < bytes.count && bytes[i + 1] == 10) ? 2 : 1
                continue
            }
            let atLineEnd = i + 1 == bytes.count || bytes[i + 1] == 13 || bytes[i + 1] == 10
            let plain = (33...126).contains(b) && b != 61 || ((b == 32 || b == 9) && !atLineEnd)
            // A line starting with "." or "From " is left to SMTP's dot-stuffing; both are safe in QP.
            emit(plain ? [b] : [61, hex[Int(b >> 4)], hex[Int(b & 15)]])
            i += 1
        }
        out.append(contentsOf: [13, 10])
    }

    /// `Mon, 07 Dec 2026 01:02:03 +0000` (RFC 5322 3.3), in UTC.
    static func rfc5322Date(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var t = tm()
        gmtime_r(&seconds, &t)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(t.tm_wday)]), \(two(t.tm_mday)) \(months[Int(t.tm_mon)]) \(t.tm_year + 1900) "
            + "\(two(t.tm_hour)):\(two(t.tm_min)):\(two(t.tm_sec)) +0000"
    }
}
