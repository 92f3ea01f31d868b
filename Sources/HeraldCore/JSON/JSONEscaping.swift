/// JSON string escaping (RFC 8259), shared by the log handler and the proto3 JSON mapping.
public enum JSONEscaping {
    /// Appends `text` to `out` as a quoted JSON string: quotes, backslashes and control characters escaped, and
    /// U+2028/U+2029 too, so the output is also safe inside JavaScript.
    public static func appendQuoted(_ text: String, to out: inout String) {
        out += "\""
        // Most text needs no escape: appended whole rather than scalar by scalar. (U+2028 and U+2029 start with
        // 0xE2, so any byte of 0xE2 takes the careful path.)
        if !text.utf8.contains(where: {
            $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == 0xE2
        }) {
            out += text
            out += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
