/// Building messages from already encoded parts: protobuf's encoding of a message is the concatenation of its
/// fields, and a parser merges a singular message field that appears twice. Used to answer reads from stored
/// encodings without decoding them.
public enum WireConcatenation {
    /// A length-delimited field (`field` with wire type 2) holding the concatenation of `parts`.
    public static func field(_ field: Int32, _ parts: [UInt8]...) -> [UInt8] {
        let length = parts.reduce(0) { $0 + $1.count }
        var out: [UInt8] = []
        out.reserveCapacity(length + 10)
        varint(UInt64(field) << 3 | 2, into: &out)
        varint(UInt64(length), into: &out)
        for part in parts { out += part }
        return out
    }

    /// Appends a length-delimited field: its tag (`number`, wire type 2), the payload's length, the payload.
    static func append(field number: UInt64, payload: [UInt8], to out: inout [UInt8]) {
        varint(number << 3 | 2, into: &out)
        varint(UInt64(payload.count), into: &out)
        out += payload
    }

    static func varint(_ value: UInt64, into out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(value & 0x7f) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }
}
