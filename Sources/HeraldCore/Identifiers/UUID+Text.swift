import Foundation

/// UUIDs to and from their canonical text (8-4-4-4-12 hex digits) by hand: Foundation's `uuidString` and
/// `UUID(uuidString:)` go through sprintf and sscanf, which showed in profiles of every request that carries an id.
extension UUID {
    /// The canonical lower-case text form Herald puts on the wire and PostgreSQL prints.
    public var lowercased: String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                let digits: StaticString = "0123456789abcdef"
                var i = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        out[i] = UInt8(ascii: "-")
                        i += 1
                    }
                    out[i] = digits.utf8Start[Int(bytes[index] >> 4)]
                    out[i + 1] = digits.utf8Start[Int(bytes[index] & 0x0F)]
                    i += 2
                }
                return 36
            }
        }
    }

    /// Parses the canonical form, either case; nil for anything else.
    public init?(canonical text: String) {
        var text = text
        guard let parsed = text.withUTF8({ UUID(canonical: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = parsed
    }

    /// Parses the canonical form from UTF-8 bytes, either case; nil for anything else.
    public init?(canonical text: UnsafeRawBufferPointer) {
        guard text.count == 36 else { return nil }
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let ok = withUnsafeMutableBytes(of: &bytes) { out -> Bool in
            var i = 0
            for index in 0..<16 {
                if i == 8 || i == 13 || i == 18 || i == 23 {
                    guard text[i] == UInt8(ascii: "-") else { return false }
                    i += 1
                }
                guard let high = Self.hexValue(text[i]), let low = Self.hexValue(text[i + 1]) else { return false }
                out[index] = high << 4 | low
                i += 2
            }
            return true
        }
        guard ok else { return nil }
        self.init(uuid: bytes)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        case 65...70: c - 55
        default: nil
        }
    }
}
