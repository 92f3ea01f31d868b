/// Walks encoded bytes against a schema before protobuf-c unpacks them, so that malformed input gets an error
/// naming the field (protobuf-c only says "failed") and hostile input is refused before it costs anything:
/// truncated varints, wrong wire types, lengths past the end, invalid UTF-8 (or NUL, which protobuf-c's C
/// strings cannot hold) in strings, nesting deeper than the limit, too many repeated elements, and input whose
/// decoded form would take more memory than `CodecLimits.maxDecodedBytes` (protobuf-c allocates a C structure per
/// submessage and per unknown field: two bytes of input can cost hundreds), Timestamps and Durations outside
/// the ranges protobuf defines for them (a year beyond 9999 is no date any service can store), and Values holding
/// NaN or infinity (a Value is JSON, and JSON has neither).
struct WireValidator {
    let limits: CodecLimits

    /// What the walk learns beyond errors.
    struct Walk {
        /// A singular message field occurs more than once somewhere (see `WireMerge`).
        var repeats = false
        /// Memory the decoded message will take, estimated as the walk goes (structures, unknown fields, repeated
        /// scalar arrays).
        var decodedBytes = 0
    }

    /// The field a problem is in: the frames of the enclosing messages, then this message's field and element.
    typealias Place = (frame: UnsafePointer<PathFrame>?, table: UnsafePointer<TypeTable>, field: Int, element: Int)

    /// Throws a `CodecError` naming the first problem in `bytes`, a message of type `table`; returns whether a
    /// singular message field occurs more than once somewhere (see `WireMerge`).
    static func validate(_ bytes: UnsafeRawBufferPointer, table: UnsafePointer<TypeTable>, limits: CodecLimits) throws
        -> Bool
    {
        var walk = Walk(decodedBytes: table.pointee.size)
        try WireValidator(limits: limits).validate(bytes, table: table, frame: nil, depth: 1, walk: &walk)
        return walk.repeats
    }

    private func error(_ message: String, in frame: UnsafePointer<PathFrame>?, at place: Place? = nil) -> CodecError {
        CodecError(
            path: PathFrame.describe(place?.frame ?? frame, then: place.map { ($0.table, $0.field, $0.element) }),
            message)
    }

    private func validate(
        _ bytes: UnsafeRawBufferPointer, table: UnsafePointer<TypeTable>, frame: UnsafePointer<PathFrame>?, depth: Int,
        walk: inout Walk
    ) throws {
        guard depth <= limits.maxDepth else { throw error("messages nested deeper than \(limits.maxDepth)", in: frame) }
        if table.pointee.ranged != .none { try checkRange(bytes, table.pointee.ranged, in: frame) }
        let slots = table.pointee.repeatedCount
        guard slots > 0 else {
            return try scan(
                bytes, table: table, frame: frame, depth: depth,
                counts: UnsafeMutableBufferPointer(start: nil, count: 0), walk: &walk)
        }
        try withUnsafeTemporaryAllocation(of: Int.self, capacity: slots) { counts in
            counts.initialize(repeating: 0)
            try scan(bytes, table: table, frame: frame, depth: depth, counts: counts, walk: &walk)
        }
    }

    /// Timestamp: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z; Duration: ±10,000 years, nanos of the
    /// seconds' sign (google/protobuf/timestamp.proto and duration.proto).
    private func checkRange(_ bytes: UnsafeRawBufferPointer, _ kind: RangedKind, in frame: UnsafePointer<PathFrame>?)
        throws
    {
        var seconds: Int64 = 0
        var nanos: Int64 = 0
        var number = 0.0
        var position = 0
        while position < bytes.count {
            let tag = try varint(bytes, &position, what: "field tag", in: frame)
            switch (kind, tag) {
            case (.timestamp, 1 << 3), (.duration, 1 << 3):
                seconds = Int64(bitPattern: try varint(bytes, &position, what: "seconds", in: frame))
            case (.timestamp, 2 << 3), (.duration, 2 << 3):
                nanos = Int64(Int32(truncatingIfNeeded: try varint(bytes, &position, what: "nanos", in: frame)))
            case (.value, 2 << 3 | 1) where bytes.count - position >= 8:
                number = Double(
                    bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)))
                position += 8
            default: try skip(bytes, &position, wireType: Int(tag & 7), number: tag >> 3, in: frame)
            }
        }
        switch kind {
        case .timestamp:
            guard (-62_135_596_800...253_402_300_799).contains(seconds), (0...999_999_999).contains(nanos) else {
                throw error(
                    "timestamp of \(seconds) s and \(nanos) ns is out of range (0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z)",
                    in: frame)
            }
        case .duration:
            guard (-315_576_000_000...315_576_000_000).contains(seconds), (-999_999_999...999_999_999).contains(nanos),
                seconds == 0 || nanos == 0 || (seconds < 0) == (nanos < 0)
            else {
                throw error(
                    "duration of \(seconds) s and \(nanos) ns is out of range (±315,576,000,000 s, nanos of the same sign)",
                    in: frame)
            }
        case .value:
            guard number.isFinite else {
                throw error("google.protobuf.Value cannot hold \(number) (JSON has no NaN or infinity)", in: frame)
            }
        case .none:
            break
        }
    }

    /// Walks the fields of one message; `counts` has a slot per repeated field (`TypeTable.repeatedSlots`).
    private func scan(
        _ bytes: UnsafeRawBufferPointer, table: UnsafePointer<TypeTable>, frame: UnsafePointer<PathFrame>?, depth: Int,
        counts: UnsafeMutableBufferPointer<Int>, walk: inout Walk
    ) throws {
        /// Singular message fields seen in this message, by field index (beyond 64 fields, any counts as a repeat).
        var seenMessages: UInt64 = 0
        var position = 0
        while position < bytes.count {
            let tag = try varint(bytes, &position, what: "field tag", in: frame)
            let number = tag >> 3
            let wireType = Int(tag & 7)
            guard number > 0, number <= 536_870_911 else { throw error("invalid field number \(number)", in: frame) }
            guard let index = table.pointee.index(of: Int32(number)) else {
                let start = position
                try skip(bytes, &position, wireType: wireType, number: number, in: frame)
                // protobuf-c keeps each unknown field: a record and a copy of its bytes.
                try account(&walk, 32 + position - start, in: frame)
                continue
            }
            let info = table.pointee.fields[index]
            let slot = Int(table.pointee.repeatedSlots[index])
            let here: Place = (frame, table, index, slot >= 0 ? counts[slot] : -1)
            // Dispatched on the tag's wire type, known before the field's layout is loaded; the layout only has
            // to agree (and, for length-delimited values, say what they hold).
            if wireType != 2 {
                guard wireType == Int(info.wireType) else { throw mismatch(wireType, table, index, here) }
                try skip(bytes, &position, wireType: wireType, number: number, in: frame, at: here)
                if slot >= 0 { counts[slot] += 1 }
            } else {
                let payload = try lengthDelimited(bytes, &position, in: frame, at: here)
                switch info.kind {
                case .string:
                    if !Self.isPlainASCII(payload) { try checkText(payload, at: here) }
                case .message:
                    let child = table.pointee.child(index)
                    try account(&walk, child.pointee.size + (slot >= 0 ? 8 : 0), in: frame)
                    if slot < 0 {
                        let bit: UInt64 = index < 64 ? 1 << UInt64(index) : 0
                        if bit == 0 || seenMessages & bit != 0 { walk.repeats = true }
                        seenMessages |= bit
                    }
                    var step = PathFrame(parent: frame, table: table, field: index, element: here.element)
                    try withUnsafePointer(to: &step) { step in
                        try validate(payload, table: child, frame: step, depth: depth + 1, walk: &walk)
                    }
                case .bytes:
                    break
                case .scalar:
                    guard slot >= 0 && info.isPackable else { throw mismatch(wireType, table, index, here) }
                    let elements = try packedCount(payload, elementWireType: Int(info.wireType), at: here)
                    try account(&walk, elements * 8, in: frame)
                    counts[slot] += elements - 1
                }
                if slot >= 0 { counts[slot] += 1 }
            }
            if slot >= 0 && counts[slot] > limits.maxRepeated {
                throw error(
                    "more than \(limits.maxRepeated) elements", in: frame, at: (frame, table, index, limits.maxRepeated)
                )
            }
        }
    }

    /// Adds `bytes` to the decoded size, throwing once it passes `maxDecodedBytes`.
    @inline(__always)
    private func account(_ walk: inout Walk, _ bytes: Int, in frame: UnsafePointer<PathFrame>?) throws {
        walk.decodedBytes += bytes
        if walk.decodedBytes > limits.maxDecodedBytes {
            throw error("decoding would take more than \(limits.maxDecodedBytes) bytes of memory", in: frame)
        }
    }

    private func mismatch(_ wireType: Int, _ table: UnsafePointer<TypeTable>, _ index: Int, _ here: Place) -> CodecError
    {
        error(
            "wire type \(wireType) does not match field type \(table.pointee.type.fields[index].schema.type.protoName)",
            in: here.frame, at: here)
    }

    static func wireType(_ type: FieldType) -> Int {
        switch type {
        case .int32, .int64, .uint32, .uint64, .sint32, .sint64, .bool, .enumeration: return 0
        case .fixed64, .sfixed64, .double: return 1
        case .string, .bytes, .message: return 2
        case .fixed32, .sfixed32, .float: return 5
        }
    }

    @inline(__always)
    private func varint(
        _ bytes: UnsafeRawBufferPointer, _ position: inout Int, what: @autoclosure () -> String,
        in frame: UnsafePointer<PathFrame>?, at field: Place? = nil
    ) throws -> UInt64 {
        // One-byte varints (most tags, lengths and small values) without the loop.
        if position < bytes.count {
            let byte = bytes[position]
            if byte & 0x80 == 0 {
                position += 1
                return UInt64(byte)
            }
        }
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.count else { throw error("truncated varint in \(what())", in: frame, at: field) }
            let byte = bytes[position]
            position += 1
            if shift == 63 && byte > 1 { throw error("varint longer than 64 bits in \(what())", in: frame, at: field) }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
            if shift > 63 { throw error("varint longer than 10 bytes in \(what())", in: frame, at: field) }
        }
    }

    @inline(__always)
    private func lengthDelimited(
        _ bytes: UnsafeRawBufferPointer, _ position: inout Int, in frame: UnsafePointer<PathFrame>?,
        at field: Place? = nil
    ) throws -> UnsafeRawBufferPointer {
        let length = try varint(bytes, &position, what: "length", in: frame, at: field)
        guard length <= UInt64(bytes.count - position) else {
            throw error(
                "length \(length) runs past the end of the message (\(bytes.count - position) bytes left)", in: frame,
                at: field)
        }
        defer { position += Int(length) }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + Int(length))])
    }

    private func skip(
        _ bytes: UnsafeRawBufferPointer, _ position: inout Int, wireType: Int, number: UInt64,
        in frame: UnsafePointer<PathFrame>?, at field: Place? = nil
    ) throws {
        switch wireType {
        case 0: _ = try varint(bytes, &position, what: "field \(number)", in: frame, at: field)
        case 1, 5:
            let size = wireType == 1 ? 8 : 4
            guard bytes.count - position >= size else {
                throw error("truncated fixed-size value in field \(number)", in: frame, at: field)
            }
            position += size
        case 2: _ = try lengthDelimited(bytes, &position, in: frame, at: field)
        default:
            throw error(
                "unsupported wire type \(wireType) (groups are not part of proto3) in field \(number)", in: frame,
                at: field)
        }
    }

    private func packedCount(
        _ payload: UnsafeRawBufferPointer, elementWireType: Int, at field: Place
    ) throws -> Int {
        switch elementWireType {
        case 0:
            guard payload.isEmpty || payload[payload.count - 1] & 0x80 == 0 else {
                throw error("truncated varint in packed field", in: nil, at: field)
            }
            var count = 0
            for byte in payload where byte & 0x80 == 0 { count += 1 }
            return count
        case 1, 5:
            let size = elementWireType == 1 ? 8 : 4
            guard payload.count % size == 0 else {
                throw error("packed field length \(payload.count) is not a multiple of \(size)", in: nil, at: field)
            }
            return payload.count / size
        default:
            throw error("packed encoding on a non-scalar field", in: nil, at: field)
        }
    }

    /// True when `text` is ASCII without NUL, eight bytes at a time (most strings are; others go to `checkText`).
    @inline(__always)
    private static func isPlainASCII(_ text: UnsafeRawBufferPointer) -> Bool {
        let count = text.count
        var index = 0
        var bad: UInt64 = 0
        while index + 8 <= count {
            let word = text.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            bad |= word | zeroBytes(word)
            index += 8
        }
        while index < count {
            let byte = text[index]
            if byte == 0 || byte >= 0x80 { return false }
            index += 1
        }
        return bad & 0x8080_8080_8080_8080 == 0
    }

    /// Valid UTF-8 without NUL bytes (protobuf-c keeps strings as C strings).
    private func checkText(_ text: UnsafeRawBufferPointer, at field: Place) throws {
        var index = 0
        let count = text.count
        while index < count {
            // Eight ASCII bytes at a time: no high bit set and no zero byte.
            if index + 8 <= count {
                let word = text.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 && zeroBytes(word) == 0 {
                    index += 8
                    continue
                }
            }
            let byte = text[index]
            if byte < 0x80 {
                if byte == 0 {
                    throw error("string contains a NUL character, which Herald does not accept", in: nil, at: field)
                }
                index += 1
                continue
            }
            let length: Int
            var scalar: UInt32
            switch byte {
            case 0xC2...0xDF:
                length = 2
                scalar = UInt32(byte & 0x1F)
            case 0xE0...0xEF:
                length = 3
                scalar = UInt32(byte & 0x0F)
            case 0xF0...0xF4:
                length = 4
                scalar = UInt32(byte & 0x07)
            default:
                throw error(
                    "string is not valid UTF-8 (byte 0x\(String(byte, radix: 16)) at \(index))", in: nil, at: field)
            }
            guard index + length <= count else {
                throw error("string is not valid UTF-8 (truncated sequence at \(index))", in: nil, at: field)
            }
            for offset in 1..<length {
                let next = text[index + offset]
                guard next & 0xC0 == 0x80 else {
                    throw error("string is not valid UTF-8 (bad continuation at \(index + offset))", in: nil, at: field)
                }
                scalar = scalar << 6 | UInt32(next & 0x3F)
            }
            let minimum: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
            guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else {
                throw error(
                    "string is not valid UTF-8 (overlong, surrogate or out-of-range sequence at \(index))", in: nil,
                    at: field)
            }
            index += length
        }
    }
}
