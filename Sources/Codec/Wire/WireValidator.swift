/// Walks encoded bytes against a schema before protobuf-c unpacks them, so that malformed input gets an error
/// naming the field (protobuf-c only says "failed") and hostile input is refused before it costs anything:
/// truncated varints, wrong wire types, lengths past the end, invalid UTF-8 (or NUL, which protobuf-c's C
/// strings cannot hold) in strings, nesting deeper than the limit, too many repeated elements.
struct WireValidator {
    let limits: CodecLimits
    /// The fields being validated (type, field index, element or -1); names are looked up only for an error.
    private var path: [(type: Unmanaged<MessageType>, field: Int, element: Int)] = []

    init(limits: CodecLimits) { self.limits = limits }

    private func error(_ message: String, at field: (type: MessageType, index: Int, element: Int)? = nil) -> CodecError {
        var steps = path
        if let field { steps.append((Unmanaged.passUnretained(field.type), field.index, field.element)) }
        let text = steps.map { step in
            let name = step.type.takeUnretainedValue().fields[step.field].schema.name
            return step.element >= 0 ? "\(name)[\(step.element)]" : name
        }.joined(separator: ".")
        return CodecError(path: text, message)
    }

    mutating func validate(_ bytes: UnsafeRawBufferPointer, type: MessageType, depth: Int = 1) throws {
        guard depth <= limits.maxDepth else { throw error("messages nested deeper than \(limits.maxDepth)") }
        let fieldCount = type.info.count
        try withUnsafeTemporaryAllocation(of: Int.self, capacity: max(fieldCount, 1)) { counts in
            counts.initialize(repeating: 0)
            try scan(bytes, type: type, depth: depth, counts: counts)
        }
    }

    private mutating func scan(_ bytes: UnsafeRawBufferPointer, type: MessageType, depth: Int, counts: UnsafeMutableBufferPointer<Int>) throws {
        var position = 0
        while position < bytes.count {
            let tag = try varint(bytes, &position, what: "field tag")
            let number = tag >> 3
            let wireType = Int(tag & 7)
            guard number > 0, number <= 536_870_911 else { throw error("invalid field number \(number)") }
            guard let index = type.index(of: Int32(number)) else {
                try skip(bytes, &position, wireType: wireType, number: number)
                continue
            }
            let info = type.info[index]
            let here = (type: type, index: index, element: info.isRepeated ? counts[index] : -1)
            if info.isRepeated && info.isPackable && wireType == 2 {
                let payload = try lengthDelimited(bytes, &position, at: here)
                counts[index] += try packedCount(payload, elementWireType: Int(info.wireType), at: here)
            } else {
                guard wireType == Int(info.wireType) else {
                    throw error("wire type \(wireType) does not match field type \(type.fields[index].schema.type.protoName)", at: here)
                }
                switch info.kind {
                case .message:
                    let payload = try lengthDelimited(bytes, &position, at: here)
                    path.append((Unmanaged.passUnretained(type), index, here.element))
                    try validate(payload, type: type.messageType(at: index), depth: depth + 1)
                    path.removeLast()
                case .string:
                    try checkText(try lengthDelimited(bytes, &position, at: here), at: here)
                case .bytes:
                    _ = try lengthDelimited(bytes, &position, at: here)
                case .scalar:
                    try skip(bytes, &position, wireType: wireType, number: number, at: here)
                }
                counts[index] += 1
            }
            if counts[index] > limits.maxRepeated {
                throw error("more than \(limits.maxRepeated) elements", at: (type, index, limits.maxRepeated))
            }
        }
    }

    static func wireType(_ type: FieldType) -> Int {
        switch type {
        case .int32, .int64, .uint32, .uint64, .sint32, .sint64, .bool, .enumeration: return 0
        case .fixed64, .sfixed64, .double: return 1
        case .string, .bytes, .message: return 2
        case .fixed32, .sfixed32, .float: return 5
        }
    }

    private func varint(
        _ bytes: UnsafeRawBufferPointer, _ position: inout Int, what: String,
        at field: (type: MessageType, index: Int, element: Int)? = nil
    ) throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.count else { throw error("truncated varint in \(what)", at: field) }
            let byte = bytes[position]
            position += 1
            if shift == 63 && byte > 1 { throw error("varint longer than 64 bits in \(what)", at: field) }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
            if shift > 63 { throw error("varint longer than 10 bytes in \(what)", at: field) }
        }
    }

    private func lengthDelimited(
        _ bytes: UnsafeRawBufferPointer, _ position: inout Int, at field: (type: MessageType, index: Int, element: Int)? = nil
    ) throws -> UnsafeRawBufferPointer {
        let length = try varint(bytes, &position, what: "length", at: field)
        guard length <= UInt64(bytes.count - position) else {
            throw error("length \(length) runs past the end of the message (\(bytes.count - position) bytes left)", at: field)
        }
        defer { position += Int(length) }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + Int(length))])
    }

    private func skip(
        _ bytes: UnsafeRawBufferPointer, _ position: inout Int, wireType: Int, number: UInt64,
        at field: (type: MessageType, index: Int, element: Int)? = nil
    ) throws {
        switch wireType {
        case 0: _ = try varint(bytes, &position, what: "field \(number)", at: field)
        case 1, 5:
            let size = wireType == 1 ? 8 : 4
            guard bytes.count - position >= size else { throw error("truncated fixed-size value in field \(number)", at: field) }
            position += size
        case 2: _ = try lengthDelimited(bytes, &position, at: field)
        default: throw error("unsupported wire type \(wireType) (groups are not part of proto3) in field \(number)", at: field)
        }
    }

    private func packedCount(
        _ payload: UnsafeRawBufferPointer, elementWireType: Int, at field: (type: MessageType, index: Int, element: Int)
    ) throws -> Int {
        switch elementWireType {
        case 0:
            guard payload.isEmpty || payload[payload.count - 1] & 0x80 == 0 else {
                throw error("truncated varint in packed field", at: field)
            }
            var count = 0
            for byte in payload where byte & 0x80 == 0 { count += 1 }
            return count
        case 1, 5:
            let size = elementWireType == 1 ? 8 : 4
            guard payload.count % size == 0 else {
                throw error("packed field length \(payload.count) is not a multiple of \(size)", at: field)
            }
            return payload.count / size
        default:
            throw error("packed encoding on a non-scalar field", at: field)
        }
    }

    /// Valid UTF-8 without NUL bytes (protobuf-c keeps strings as C strings).
    private func checkText(_ text: UnsafeRawBufferPointer, at field: (type: MessageType, index: Int, element: Int)) throws {
        var index = 0
        let count = text.count
        while index < count {
            // Eight ASCII bytes at a time: no high bit set and no zero byte.
            if index + 8 <= count {
                let word = text.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                let zeroByte = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
                if word & 0x8080_8080_8080_8080 == 0 && zeroByte == 0 {
                    index += 8
                    continue
                }
            }
            let byte = text[index]
            if byte < 0x80 {
                if byte == 0 { throw error("string contains a NUL character, which Herald does not accept", at: field) }
                index += 1
                continue
            }
            let length: Int
            var scalar: UInt32
            switch byte {
            case 0xC2...0xDF: length = 2; scalar = UInt32(byte & 0x1F)
            case 0xE0...0xEF: length = 3; scalar = UInt32(byte & 0x0F)
            case 0xF0...0xF4: length = 4; scalar = UInt32(byte & 0x07)
            default: throw error("string is not valid UTF-8 (byte 0x\(String(byte, radix: 16)) at \(index))", at: field)
            }
            guard index + length <= count else { throw error("string is not valid UTF-8 (truncated sequence at \(index))", at: field) }
            for offset in 1..<length {
                let next = text[index + offset]
                guard next & 0xC0 == 0x80 else { throw error("string is not valid UTF-8 (bad continuation at \(index + offset))", at: field) }
                scalar = scalar << 6 | UInt32(next & 0x3F)
            }
            let minimum: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
            guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else {
                throw error("string is not valid UTF-8 (overlong, surrogate or out-of-range sequence at \(index))", at: field)
            }
            index += length
        }
    }
}
