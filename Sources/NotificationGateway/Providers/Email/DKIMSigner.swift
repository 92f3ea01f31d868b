import Crypto
import Foundation

/// DKIM signatures (RFC 6376) with relaxed/relaxed canonicalization: rsa-sha256, or ed25519-sha256 (RFC 8463) for an
/// Ed25519 key. The signature header goes first in the message; the headers it covers are those the gateway writes.
struct DKIMSigner: Sendable {
    let domain: String
    let selector: String
    let key: PrivateKey
    /// Signed when present, in this order (From always is).
    static let signed = [
        "from", "to", "reply-to", "subject", "date", "message-id", "mime-version", "content-type",
        "content-transfer-encoding", "list-unsubscribe", "list-unsubscribe-post",
    ]

    var algorithm: String { key.kind == .rsa ? "rsa-sha256" : "ed25519-sha256" }

    /// `message` (CRLF lines, headers, a blank line, the body) with a DKIM-Signature header before its first.
    func sign(_ message: [UInt8], at date: Date) throws -> [UInt8] {
        guard let split = Self.headerEnd(message) else { return message }
        let headers = Self.headers(Array(message[..<split]))
        let body = Array(message[(split + 4)...])
        let bodyHash = Data(try SHA256.hash(Self.relaxedBody(body))).base64EncodedString()
        var names: [String] = []
        var covered: [UInt8] = []
        for name in Self.signed {
            // The last instance of a header is the one signed (RFC 6376 5.4.2); the gateway writes each once.
            guard let header = headers.last(where: { $0.name == name }) else { continue }
            names.append(name)
            covered += Self.relaxedHeader(name, header.value) + [13, 10]
        }
        let value =
            "v=1; a=\(algorithm); c=relaxed/relaxed; d=\(domain); s=\(selector); t=\(Int(date.timeIntervalSince1970)); "
            + "h=\(names.joined(separator: ":")); bh=\(bodyHash); b="
        covered += Self.relaxedHeader("dkim-signature", Array(value.utf8))
        let input = key.kind == .rsa ? covered : try SHA256.hash(covered)
        let signature = Data(try key.sign(input)).base64EncodedString()
        return Array("DKIM-Signature: \(value)\(signature)\r\n".utf8) + message
    }

    /// Where the header block ends (the index of its CRLF CRLF).
    static func headerEnd(_ message: [UInt8]) -> Int? {
        guard message.count >= 4 else { return nil }
        for i in 0...(message.count - 4)
        where message[i] == 13 && message[i + 1] == 10 && message[i + 2] == 13 && message[i + 3] == 10 {
            return i
        }
        return nil
    }

    /// Each header's lower-cased name and raw value (continuation lines included), in order.
    static func headers(_ block: [UInt8]) -> [(name: String, value: [UInt8])] {
        var result: [(name: String, value: [UInt8])] = []
        var lines: [[UInt8]] = []
        var start = 0
        var i = 0
        while i < block.count {
            if block[i] == 13, i + 1 < block.count, block[i + 1] == 10 {
                lines.append(Array(block[start..<i]))
                start = i + 2
                i += 2
            } else {
                i += 1
            }
        }
        lines.append(Array(block[start...]))
        for line in lines {
            if let first = line.first, first == 32 || first == 9, !result.isEmpty {
                result[result.count - 1].value += [13, 10] + line
            } else if let colon = line.firstIndex(of: 58) {
                result.append(
                    (String(decoding: line[..<colon], as: UTF8.self).lowercased(), Array(line[(colon + 1)...])))
            }
        }
        return result
    }

    /// `name:value` relaxed (RFC 6376 3.4.2): unfolded, runs of whitespace one space, none at either end.
    static func relaxedHeader(_ name: String, _ value: [UInt8]) -> [UInt8] {
        var out = Array(name.lowercased().utf8) + [58]
        var pendingSpace = false
        for byte in value where byte != 13 && byte != 10 {
            if byte == 32 || byte == 9 {
                pendingSpace = true
            } else {
                if pendingSpace && out.count > name.utf8.count + 1 { out.append(32) }
                pendingSpace = false
                out.append(byte)
            }
        }
        return out
    }

    /// The body relaxed (RFC 6376 3.4.4): whitespace runs one space, none at line ends, no empty lines at the end,
    /// a final CRLF unless the body is empty.
    static func relaxedBody(_ body: [UInt8]) -> [UInt8] {
        var lines: [[UInt8]] = []
        var line: [UInt8] = []
        var i = 0
        while i < body.count {
            if body[i] == 13, i + 1 < body.count, body[i + 1] == 10 {
                lines.append(line)
                line = []
                i += 2
                continue
            }
            line.append(body[i])
            i += 1
        }
        if !line.isEmpty { lines.append(line) }
        var out: [UInt8] = []
        var canonical: [[UInt8]] = lines.map { raw in
            var result: [UInt8] = []
            var space = false
            for byte in raw {
                if byte == 32 || byte == 9 {
                    space = true
                } else {
                    if space { result.append(32) }
                    space = false
                    result.append(byte)
                }
            }
            return result
        }
        while canonical.last?.isEmpty == true { canonical.removeLast() }
        for line in canonical { out += line + [13, 10] }
        return out
    }
}
