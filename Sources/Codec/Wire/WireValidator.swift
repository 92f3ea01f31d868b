/// Walks encoded bytes against a schema before protobuf-c unpacks them, so that malformed input gets an error
/// naming the field (protobuf-c only says "failed") and hostile input is refused before it costs anything:
/// truncated varints, wrong wire types, lengths past the end, invalid UTF-8 (or NUL, which protobuf-c's C
/// strings cannot hold) in strings, nesting deeper than the limit, too many repeated elements.
struct WireValidator {
    let limits: CodecLimits
    private var path: [(name: String, index: Int?)] = []

    init(limits: CodecLimits) { self.limits = limits }

    private func error(_ message: String) -> CodecError {
        CodecError(path: path.map { step in step.index.map { "\(step.name)[\($0)]" } ?? step.name }.joined(separator: "."), message)
    }

    mutating func validate(_ bytes: UnsafeRawBufferPointer, type: MessageType, depth: Int = 1) throws {
        guard depth <= limits.maxDepth else { throw error("messages nested deeper than \(limits.maxDepth)") }
        var counts = [Int](repeating: 0, count: type.fields.count)
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
            let field = type.fields[index]
            path.append((field.schema.name, field.isRepeated ? counts[index] : nil))
            defer { path.removeLast() }
            let expected = Self.wireType(field.schema.type)
            if field.isRepeated && field.schema.type.isPackable && wireType == 2 {
                let payload = try lengthDelimited(bytes, &position)
                counts[index] += try packedCount(payload, elementWireType: expected)
            } else {
                guard wireType == expected else {
                    throw error("wire type \(wireType) does not match field type \(field.schema.type.protoName)")
                }
                switch field.schema.type {
                case .message:
                    let payload = try lengthDelimited(bytes, &position)
                    try validate(payload, type: type.messageTypes[index]!, depth: depth + 1)
                case .string:
                    try checkText(try lengthDelimited(bytes, &position))
                case .bytes:
                    _ = try lengthDelimited(bytes, &position)
                default:
                    try skip(bytes, &position, wireType: wireType, number: number)
                }
                counts[index] += 1
            }
            if counts[index] > limits.maxRepeated {
                throw error("more than \(limits.maxRepeated) elements")
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

    private func varint(_ bytes: UnsafeRawBufferPointer, _ position: inout Int, what: String) throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.count else { throw error("truncated varint in \(what)") }
            let byte = bytes[position]
            position += 1
            if shift == 63 && byte > 1 { throw error("varint longer than 64 bits in \(what)") }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
            if shift > 63 { throw error("varint longer than 10 bytes in \(what)") }
        }
    }

    private func lengthDelimited(_ bytes: UnsafeRawBufferPointer, _ position: inout Int) throws -> UnsafeRawBufferPointer {
        let length = try varint(bytes, &position, what: "length")
        guard length <= UInt64(bytes.count - position) else {
            throw error("length \(length) runs past the end of the message (\(bytes.count - position) bytes left)")
        }
        defer { position += Int(length) }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + Int(length))])
    }

    private func skip(_ bytes: UnsafeRawBufferPointer, _ position: inout Int, wireType: Int, number: UInt64) throws {
        switch wireType {
        case 0: _ = try varint(bytes, &position, what: "field \(number)")
        case 1, 5:
            let size = wireType == 1 ? 8 : 4
            guard bytes.count - position >= size else { throw error("truncated fixed-size value in field \(number)") }
            position += size
        case 2: _ = try lengthDelimited(bytes, &position)
        default: throw error("unsupported wire type \(wireType) (groups are not part of proto3) in field \(number)")
        }
    }

    private func packedCount(_ payload: UnsafeRawBufferPointer, elementWireType: Int) throws -> Int {
        switch elementWireType {
        case 0:
            guard payload.isEmpty || payload[payload.count - 1] & 0x80 == 0 else { throw error("truncated varint in packed field") }
            var count = 0
            for byte in payload where byte & 0x80 == 0 { count += 1 }
            return count
        case 1, 5:
            let size = elementWireType == 1 ? 8 : 4
            guard payload.count % size == 0 else { throw error("packed field length \(payload.count) is not a multiple of \(size)") }
            return payload.count / size
        default:
            throw error("packed encoding on a non-scalar field")
        }
    }

    /// Valid UTF-8 without NUL bytes (protobuf-c keeps strings as C strings).
    private func checkText(_ text: UnsafeRawBufferPointer) throws {
        var index = 0
        let count = text.count
        while index < count {
            let byte = text[index]
            if byte < 0x80 {
                if byte == 0 { throw error("string contains a NUL character, which Herald does not accept") }
                index += 1
                continue
            }
            let length: Int
            var scalar: UInt32
            switch byte {
            case 0xC2...0xDF: length = 2; scalar = UInt32(byte & 0x1F)
            case 0xE0...0xEF: length = 3; scalar = UInt32(byte & 0x0F)
            case 0xF0...0xF4: length = 4; scalar = UInt32(byte & 0x07)
            default: throw error("string is not valid UTF-8 (byte 0x\(String(byte, radix: 16)) at \(index))")
            }
            guard index + length <= count else { throw error("string is not valid UTF-8 (truncated sequence at \(index))") }
            for offset in 1..<length {
                let next = text[index + offset]
                guard next & 0xC0 == 0x80 else { throw error("string is not valid UTF-8 (bad continuation at \(index + offset))") }
                scalar = scalar << 6 | UInt32(next & 0x3F)
            }
            let minimum: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
            guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else {
                throw error("string is not valid UTF-8 (overlong, surrogate or out-of-range sequence at \(index))")
            }
            index += length
        }
    }
}
