import CProtobufC

/// The trivially copyable part of a field's layout, read on every access (no reference counting).
struct FieldInfo {
    /// Offset of the value (for repeated fields: of the pointer to the element array).
    let offset: Int32
    /// Offset of `has_`, `n_` or the oneof case; -1 when there is none.
    let quantifierOffset: Int32
    let valueSize: UInt8
    /// Wire type of one value (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32).
    let wireType: UInt8
    let kind: Kind
    let isRepeated: Bool
    let isPackable: Bool
    let isOneof: Bool
    let isOptional: Bool

    enum Kind: UInt8 { case scalar, string, bytes, message }
}

/// Where one field lives in the C structure protobuf-c reads and writes.
struct FieldLayout {
    let schema: FieldSchema
    /// Offset of the value (for repeated fields: of the pointer to the element array).
    let offset: Int
    /// Offset of `has_` (optional scalars), `n_` (repeated) or the oneof case; nil when there is none.
    let quantifierOffset: Int?
    /// Bytes one value takes in C (one element, for repeated fields).
    let valueSize: Int
    /// Index of the oneof among the message's oneofs.
    let oneofIndex: Int?

    var number: Int32 { schema.number }
    var isRepeated: Bool { schema.label == .repeated }

    var info: FieldInfo {
        let kind: FieldInfo.Kind
        switch schema.type {
        case .string: kind = .string
        case .bytes: kind = .bytes
        case .message: kind = .message
        default: kind = .scalar
        }
        return FieldInfo(
            offset: Int32(offset), quantifierOffset: Int32(quantifierOffset ?? -1), valueSize: UInt8(valueSize),
            wireType: UInt8(WireValidator.wireType(schema.type)), kind: kind, isRepeated: isRepeated,
            isPackable: schema.type.isPackable, isOneof: oneofIndex != nil, isOptional: schema.label == .optional)
    }

    /// The C size and alignment of one value of `type`.
    static func cSize(_ type: FieldType) -> Int {
        switch type {
        case .int32, .sint32, .sfixed32, .uint32, .fixed32, .float, .bool, .enumeration: return 4
        case .int64, .sint64, .sfixed64, .uint64, .fixed64, .double: return 8
        case .string, .message: return MemoryLayout<UnsafeRawPointer>.size
        case .bytes: return MemoryLayout<ProtobufCBinaryData>.size
        }
    }

    static func cAlignment(_ type: FieldType) -> Int {
        switch type {
        case .bytes: return MemoryLayout<ProtobufCBinaryData>.alignment
        default: return cSize(type)
        }
    }

    var cType: ProtobufCType {
        switch schema.type {
        case .int32: return PROTOBUF_C_TYPE_INT32
        case .sint32: return PROTOBUF_C_TYPE_SINT32
        case .sfixed32: return PROTOBUF_C_TYPE_SFIXED32
        case .int64: return PROTOBUF_C_TYPE_INT64
        case .sint64: return PROTOBUF_C_TYPE_SINT64
        case .sfixed64: return PROTOBUF_C_TYPE_SFIXED64
        case .uint32: return PROTOBUF_C_TYPE_UINT32
        case .fixed32: return PROTOBUF_C_TYPE_FIXED32
        case .uint64: return PROTOBUF_C_TYPE_UINT64
        case .fixed64: return PROTOBUF_C_TYPE_FIXED64
        case .float: return PROTOBUF_C_TYPE_FLOAT
        case .double: return PROTOBUF_C_TYPE_DOUBLE
        case .bool: return PROTOBUF_C_TYPE_BOOL
        case .enumeration: return PROTOBUF_C_TYPE_ENUM
        case .string: return PROTOBUF_C_TYPE_STRING
        case .bytes: return PROTOBUF_C_TYPE_BYTES
        case .message: return PROTOBUF_C_TYPE_MESSAGE
        }
    }

    var cLabel: ProtobufCLabel {
        if oneofIndex != nil { return PROTOBUF_C_LABEL_NONE }
        switch schema.label {
        case .singular: return PROTOBUF_C_LABEL_NONE
        case .optional: return PROTOBUF_C_LABEL_OPTIONAL
        case .repeated: return PROTOBUF_C_LABEL_REPEATED
        }
    }

    /// Lays out the fields of a message after protobuf-c's `ProtobufCMessage` header, as protoc-c would:
    /// quantifier first, then the value, each at its natural alignment. Returns the layouts sorted by number and
    /// the size of the whole structure.
    static func layout(_ schema: MessageSchema) -> (fields: [FieldLayout], size: Int, oneofs: [String]) {
        var offset = MemoryLayout<ProtobufCMessage>.size
        func place(size: Int, alignment: Int) -> Int {
            offset = (offset + alignment - 1) / alignment * alignment
            defer { offset += size }
            return offset
        }
        var oneofs: [String] = []
        var oneofCaseOffsets: [String: Int] = [:]
        var fields: [FieldLayout] = []
        for field in schema.fields {
            var quantifier: Int?
            var oneofIndex: Int?
            let size = cSize(field.type)
            let valueOffset: Int
            if let oneof = field.oneof {
                if oneofCaseOffsets[oneof] == nil {
                    oneofCaseOffsets[oneof] = place(size: 4, alignment: 4)
                    oneofs.append(oneof)
                }
                quantifier = oneofCaseOffsets[oneof]
                oneofIndex = oneofs.firstIndex(of: oneof)
                valueOffset = place(size: size, alignment: cAlignment(field.type))
            } else {
                switch field.label {
                case .repeated:
                    quantifier = place(size: MemoryLayout<Int>.size, alignment: MemoryLayout<Int>.alignment)
                    valueOffset = place(
                        size: MemoryLayout<UnsafeRawPointer>.size, alignment: MemoryLayout<UnsafeRawPointer>.alignment)
                case .optional:
                    switch field.type {
                    case .string, .message: break  // presence is the pointer itself
                    default: quantifier = place(size: 4, alignment: 4)
                    }
                    valueOffset = place(size: size, alignment: cAlignment(field.type))
                case .singular:
                    valueOffset = place(size: size, alignment: cAlignment(field.type))
                }
            }
            fields.append(
                FieldLayout(
                    schema: field, offset: valueOffset, quantifierOffset: quantifier, valueSize: size,
                    oneofIndex: oneofIndex))
        }
        let size = (offset + 7) / 8 * 8
        return (fields.sorted { $0.number < $1.number }, size, oneofs)
    }
}
