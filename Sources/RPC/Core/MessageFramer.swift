import HeraldCore

/// gRPC's length-prefixed messages: one compressed-flag byte, four bytes of big-endian length, the message.
/// Splits incoming bytes into messages however they were cut into DATA frames, checking the length from the
/// prefix against the limit before buffering the body.
struct MessageDeframer {
    let maxMessageBytes: Int
    /// True when the request declared `grpc-encoding: gzip`, so compressed messages may arrive.
    var gzipAllowed = false
    private var buffer: [UInt8] = []
    private var consumed = 0
    /// The size on the wire (prefix included) of each message the last `append` returned, in order.
    private(set) var frameSizes: [Int] = []

    init(maxMessageBytes: Int) { self.maxMessageBytes = maxMessageBytes }

    /// Adds bytes and returns every message now complete.
    mutating func append(_ bytes: UnsafeRawBufferPointer) throws -> [[UInt8]] {
        buffer.append(contentsOf: bytes)
        var messages: [[UInt8]] = []
        frameSizes.removeAll(keepingCapacity: true)
        while buffer.count - consumed >= 5 {
            let flag = buffer[consumed]
            let length =
                Int(buffer[consumed + 1]) << 24 | Int(buffer[consumed + 2]) << 16 | Int(buffer[consumed + 3]) << 8
                | Int(buffer[consumed + 4])
            guard length <= maxMessageBytes else {
                throw RPCError(.resourceExhausted, "message of \(length) bytes exceeds the limit of \(maxMessageBytes)")
            }
            guard flag == 0 || (flag == 1 && gzipAllowed) else {
                throw RPCError(.internal, "compressed message without a grpc-encoding that says how")
            }
            guard buffer.count - consumed - 5 >= length else { break }
            let body = Array(buffer[(consumed + 5)..<(consumed + 5 + length)])
            messages.append(flag == 1 ? try Gzip.decompress(body, limit: maxMessageBytes) : body)
            frameSizes.append(5 + length)
            consumed += 5 + length
        }
        if consumed > 0 && consumed == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            consumed = 0
        } else if consumed > 65_536 {
            buffer.removeFirst(consumed)
            consumed = 0
        }
        return messages
    }

    /// True when a message was started but not finished.
    var hasPartialMessage: Bool { buffer.count > consumed }
}

enum MessageFramer {
    /// The 5-byte prefix and the message (`compressed`: the message is already gzip'd).
    static func frame(_ message: [UInt8], compressed: Bool = false) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(message.count + 5)
        let length = UInt32(message.count)
        out.append(compressed ? 1 : 0)
        out.append(UInt8(length >> 24))
        out.append(UInt8(length >> 16 & 0xFF))
        out.append(UInt8(length >> 8 & 0xFF))
        out.append(UInt8(length & 0xFF))
        out.append(contentsOf: message)
        return out
    }
}

/// `grpc-timeout`: at most 8 digits and a unit (H, M, S, m, u, n).
enum GRPCTimeout {
    static func parse(_ text: String) -> Duration? {
        guard let unit = text.last, text.count >= 2, text.count <= 9, let value = Int64(text.dropLast()), value >= 0
        else { return nil }
        switch unit {
        case "H": return .seconds(value * 3600)
        case "M": return .seconds(value * 60)
        case "S": return .seconds(value)
        case "m": return .milliseconds(value)
        case "u": return .microseconds(value)
        case "n": return .nanoseconds(value)
        default: return nil
        }
    }
}
