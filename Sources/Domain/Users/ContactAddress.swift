import Foundation

/// Email addresses and phone numbers in the one form Herald stores, compares and sends to; what is wrong with one
/// that cannot be, in words for an error message.
public enum ContactAddress {
    public struct Problem: Error, Sendable {
        public let message: String

        public init(message: String) { self.message = message }
    }

    /// The stored form of an email address: lower case, its domain in IDNA (RFC 5891), checked against RFC 5321's
    /// lengths.
    public static func email(_ text: String) -> Result<String, Problem> {
        if let address = asciiEmail(text) { return .success(address) }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let at = trimmed.lastIndex(of: "@") else {
            return .failure(Problem(message: "expected an address like ada@example.com"))
        }
        let local = String(trimmed[..<at]).precomposedStringWithCanonicalMapping.lowercased()
        let domain = String(trimmed[trimmed.index(after: at)...]).precomposedStringWithCanonicalMapping
        guard !local.isEmpty, local.utf8.count <= 64 else {
            return .failure(Problem(message: "the part before @ has 1 to 64 bytes"))
        }
        guard !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else {
            return .failure(Problem(message: "the part before @ has a misplaced dot"))
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~.-")
        guard local.allSatisfy({ allowed.contains($0) || !$0.isASCII }) else {
            return .failure(Problem(message: "the part before @ has a character an address cannot hold"))
        }
        guard let ascii = Punycode.asciiDomain(domain) else {
            return .failure(Problem(message: "the domain cannot be written in IDNA"))
        }
        let labels = ascii.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, ascii.count <= 253,
            labels.allSatisfy({ label in
                (1...63).contains(label.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                    && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            })
        else {
            return .failure(
                Problem(
                    message:
                        "\"\(domain.prefix(64))\" is not a domain (labels of letters, digits and hyphens, and a top-level one)"
                ))
        }
        let address = local + "@" + ascii
        guard address.utf8.count <= 254 else { return .failure(Problem(message: "longer than 254 bytes")) }
        return .success(address)
    }

    /// The common case without Unicode or IDNA work: an address of ASCII letters, digits and the usual punctuation,
    /// lower-cased; nil when the full rules (`email`) have to decide.
    public static func asciiEmail(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { b -> String? in
            guard (3...254).contains(b.count) else { return nil }
            var at = -1
            for (i, c) in b.enumerated() {
                switch c {
                case 64:  // @
                    guard at < 0 else { return nil }
                    at = i
                case 97...122, 48...57, 45, 95, 43: break  // a-z 0-9 - _ +
                case 65...90: break  // A-Z: lowered below
                case 46:  // a dot: not first, last, doubled, or beside the @
                    guard i > 0, i < b.count - 1, b[i - 1] != 46, b[i - 1] != 64, b[i + 1] != 64 else { return nil }
                default: return nil
                }
            }
            guard at > 0, at <= 64, at < b.count - 1 else { return nil }
            // The domain: labels of 1-63 letters, digits and inner hyphens, at least two, the last not all digits.
            var labelStart = at + 1
            var labels = 0
            var lastAllDigits = true
            for i in (at + 1)...b.count {
                guard i == b.count || b[i] == 46 else { continue }
                let length = i - labelStart
                guard (1...63).contains(length), b[labelStart] != 45, b[i - 1] != 45 else { return nil }
                lastAllDigits = (labelStart..<i).allSatisfy { (48...57).contains(b[$0]) }
                for j in labelStart..<i where b[j] == 95 || b[j] == 43 { return nil }
                labels += 1
                labelStart = i + 1
            }
            guard labels >= 2, !lastAllDigits else { return nil }
            return String(unsafeUninitializedCapacity: b.count) { out in
                for (i, c) in b.enumerated() { out[i] = (65...90).contains(c) ? c + 32 : c }
                return b.count
            }
        }
    }

    /// The E.164 form of a phone number: `+`, a country code, at most 15 digits in all. Spaces, dots, dashes and
    /// brackets are dropped; a leading `00` is `+`.
    public static func phone(_ text: String) -> Result<String, Problem> {
        // Already E.164 (the common case of an import): checked byte by byte.
        if text.utf8.first == UInt8(ascii: "+"), (9...16).contains(text.utf8.count),
            text.utf8.dropFirst().allSatisfy({ (48...57).contains($0) }), text.utf8.dropFirst().first != 48
        {
            return .success(text)
        }
        var digits = text.filter { !" .-()/".contains($0) }
        if digits.hasPrefix("00") { digits = "+" + digits.dropFirst(2) }
        guard digits.hasPrefix("+") else {
            return .failure(Problem(message: "expected E.164: + and the country code, e.g. +33612345678"))
        }
        let number = digits.dropFirst()
        guard (8...15).contains(number.count), number.allSatisfy({ $0.isASCII && $0.isNumber }), number.first != "0"
        else {
            return .failure(Problem(message: "expected E.164: + then 8 to 15 digits, the first not 0"))
        }
        return .success("+" + number)
    }
}
