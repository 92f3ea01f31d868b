/// A message as plain Swift values, for generic tools: the proto3 JSON mapping, `heraldctl proto`, tests.
/// Services read and write through `MessageView` and `MessageBuilder` instead, without this intermediate.
public struct DynamicMessage: Equatable, Sendable {
    /// One field's value. `message` nests; maps are repeated entry messages, as on the wire.
    public indirect enum Value: Equatable, Sendable {
        case int32(Int32)
        case int64(Int64)
        case uint32(UInt32)
        case uint64(UInt64)
        case float(Float)
        case double(Double)
        case bool(Bool)
        case string(String)
        case bytes([UInt8])
        case enumeration(Int32)
        case message(DynamicMessage)
    }

    public let typeName: String
    /// Set fields by number: one value for singular fields, every element for repeated ones. Singular fields
    /// holding their zero value are absent (proto3), unless the field tracks presence (`optional`, oneof).
    public var fields: [Int32: [Value]]

    public init(typeName: String, fields: [Int32: [Value]] = [:]) {
        self.typeName = typeName
        self.fields = fields
    }

    public subscript(_ number: Int32) -> Value? {
        get { fields[number]?.first }
        set { fields[number] = newValue.map { [$0] } }
    }

    /// NaN compares equal to NaN here, so that a decoded message equals the one encoded.
    public static func == (a: DynamicMessage, b: DynamicMessage) -> Bool {
        a.typeName == b.typeName && a.fields.count == b.fields.count
            && a.fields.allSatisfy { number, values in
                guard let others = b.fields[number], others.count == values.count else { return false }
                return zip(values, others).allSatisfy { $0.sameValue(as: $1) }
            }
    }
}

extension DynamicMessage.Value {
    func sameValue(as other: Self) -> Bool {
        switch (self, other) {
        case (.double(let a), .double(let b)): return a == b || (a.isNaN && b.isNaN)
        case (.float(let a), .float(let b)): return a == b || (a.isNaN && b.isNaN)
        default: return self == other
        }
    }
}

extension MessageView {
    /// Every set field of this message (and those below it) as Swift values.
    public func dynamic() -> DynamicMessage {
        var message = DynamicMessage(typeName: type.fullName)
        for field in type.fields {
            let schema = field.schema
            let number = schema.number
            if field.isRepeated {
                guard count(number) > 0 else { continue }
                message.fields[number] = repeatedValues(schema)
            } else if has(number) {
                message.fields[number] = [singleValue(schema)]
            }
        }
        return message
    }

    private func singleValue(_ field: FieldSchema) -> DynamicMessage.Value {
        let n = field.number
        switch field.type {
        case .int32, .sint32, .sfixed32: return .int32(int32(n))
        case .int64, .sint64, .sfixed64: return .int64(int64(n))
        case .uint32, .fixed32: return .uint32(uint32(n))
        case .uint64, .fixed64: return .uint64(uint64(n))
        case .float: return .float(float(n))
        case .double: return .double(double(n))
        case .bool: return .bool(bool(n))
        case .string: return .string(string(n))
        case .bytes: return .bytes(bytes(n))
        case .enumeration: return .enumeration(enumValue(n))
        case .message: return .message(message(n)?.dynamic() ?? DynamicMessage(typeName: field.type.protoName))
        }
    }

    private func repeatedValues(_ field: FieldSchema) -> [DynamicMessage.Value] {
        let n = field.number
        switch field.type {
        case .int32, .sint32, .sfixed32: return scalars(n, as: Int32.self).map { .int32($0) }
        case .int64, .sint64, .sfixed64: return scalars(n, as: Int64.self).map { .int64($0) }
        case .uint32, .fixed32: return scalars(n, as: UInt32.self).map { .uint32($0) }
        case .uint64, .fixed64: return scalars(n, as: UInt64.self).map { .uint64($0) }
        case .float: return scalars(n, as: Float.self).map { .float($0) }
        case .double: return scalars(n, as: Double.self).map { .double($0) }
        case .bool: return bools(n).map { .bool($0) }
        case .string: return strings(n).map { .string($0) }
        case .bytes: return bytesList(n).map { .bytes($0) }
        case .enumeration: return scalars(n, as: Int32.self).map { .enumeration($0) }
        case .message: return messages(n).map { .message($0.dynamic()) }
        }
    }
}

extension MessageBuilder {
    /// Writes every field of `message` (whose type must be this builder's).
    public func fill(from message: DynamicMessage) {
        precondition(message.typeName == type.fullName, "filling \(type.fullName) from \(message.typeName)")
        for (number, values) in message.fields {
            guard let field = type.field(number) else { continue }
            if field.label == .repeated {
                setRepeated(number, values)
            } else if let value = values.last {
                setSingle(number, value)
            }
        }
    }

    private func setSingle(_ number: Int32, _ value: DynamicMessage.Value) {
        switch value {
        case .int32(let v), .enumeration(let v): set(number, v)
        case .int64(let v): set(number, v)
        case .uint32(let v): set(number, v)
        case .uint64(let v): set(number, v)
        case .float(let v): set(number, v)
        case .double(let v): set(number, v)
        case .bool(let v): set(number, v)
        case .string(let v): set(number, v)
        case .bytes(let v): set(number, bytes: v)
        case .message(let m): message(number) { $0.fill(from: m) }
        }
    }

    private func setRepeated(_ number: Int32, _ values: [DynamicMessage.Value]) {
        switch values.first {
        case nil: return
        case .int32, .enumeration:
            set(
                number,
                repeated: values.map {
                    if case .int32(let v) = $0 { v } else if case .enumeration(let v) = $0 { v } else { Int32(0) }
                })
        case .int64: set(number, repeated: values.map { if case .int64(let v) = $0 { v } else { Int64(0) } })
        case .uint32: set(number, repeated: values.map { if case .uint32(let v) = $0 { v } else { UInt32(0) } })
        case .uint64: set(number, repeated: values.map { if case .uint64(let v) = $0 { v } else { UInt64(0) } })
        case .float: set(number, repeated: values.map { if case .float(let v) = $0 { v } else { Float(0) } })
        case .double: set(number, repeated: values.map { if case .double(let v) = $0 { v } else { Double(0) } })
        case .bool: set(number, repeated: values.map { if case .bool(let v) = $0 { v } else { false } })
        case .string: set(number, repeated: values.map { if case .string(let v) = $0 { v } else { "" } })
        case .bytes: set(number, repeatedBytes: values.map { if case .bytes(let v) = $0 { v } else { [] } })
        case .message:
            messages(number, count: values.count) { index, child in
                if case .message(let m) = values[index] { child.fill(from: m) }
            }
        }
    }
}

extension MessageType {
    /// Decodes `bytes` into Swift values.
    public func decodeDynamic(_ bytes: [UInt8], limits: CodecLimits = .default) throws -> DynamicMessage {
        try decode(bytes, limits: limits) { $0.dynamic() }
    }

    /// Encodes a dynamic message of this type.
    public func encode(_ message: DynamicMessage) throws -> [UInt8] {
        try encode { $0.fill(from: message) }
    }
}
