/// Hand-written descriptions of protobuf messages and enums, from which the codec builds protobuf-c
/// descriptors at run time. No code generator is involved: a schema is ordinary Swift.
///
/// ```swift
/// MessageSchema("herald.bench.v1.EchoRequest", [
///     .init(1, "message", .string),
/// ])
/// ```

/// A field's protobuf type. Message and enum types are referenced by full name and resolved by a `SchemaRegistry`.
public enum FieldType: Hashable, Sendable {
    case double, float, int64, uint64, int32, fixed64, fixed32, bool, string, bytes, uint32, sfixed32, sfixed64
    case sint32, sint64
    case enumeration(String)
    case message(String)

    /// Scalar numeric types are packed when repeated (proto3's default).
    var isPackable: Bool {
        switch self {
        case .string, .bytes, .message: return false
        default: return true
        }
    }

    /// The name protoc and `.proto` files use (`int32`, `string`, or the referenced type's full name).
    public var protoName: String {
        switch self {
        case .double: return "double"
        case .float: return "float"
        case .int64: return "int64"
        case .uint64: return "uint64"
        case .int32: return "int32"
        case .fixed64: return "fixed64"
        case .fixed32: return "fixed32"
        case .bool: return "bool"
        case .string: return "string"
        case .bytes: return "bytes"
        case .uint32: return "uint32"
        case .sfixed32: return "sfixed32"
        case .sfixed64: return "sfixed64"
        case .sint32: return "sint32"
        case .sint64: return "sint64"
        case .enumeration(let name), .message(let name): return name
        }
    }
}

/// How many values a field holds and whether its presence is tracked.
public enum FieldLabel: Hashable, Sendable {
    /// proto3's default: one value, absent when it equals the type's zero.
    case singular
    /// proto3 `optional`: one value with explicit presence.
    case optional
    /// `repeated` (and the entries of a `map`).
    case repeated
}

/// One field of a message.
public struct FieldSchema: Hashable, Sendable {
    public let number: Int32
    public let name: String
    public let type: FieldType
    public let label: FieldLabel
    /// The name of the `oneof` this field belongs to, if any.
    public let oneof: String?

    public init(
        _ number: Int32, _ name: String, _ type: FieldType, _ label: FieldLabel = .singular, oneof: String? = nil
    ) {
        precondition(
            number >= 1 && number <= 536_870_911 && !(19000...19999).contains(number), "bad field number \(number)")
        precondition(oneof == nil || label == .singular, "oneof members are singular")
        self.number = number
        self.name = name
        self.type = type
        self.label = label
        self.oneof = oneof
    }

    /// A `map<K, V>` field: on the wire, a repeated message `<Name>Entry { K key = 1; V value = 2; }`, whose
    /// schema `MessageSchema.mapEntry` makes.
    public static func map(_ number: Int32, _ name: String, entry: String) -> FieldSchema {
        FieldSchema(number, name, .message(entry), .repeated)
    }

    /// A message-typed field: `.message(3, "payload", "grpc.testing.Payload")`.
    public static func message(_ number: Int32, _ name: String, _ type: String, _ label: FieldLabel = .singular)
        -> FieldSchema
    {
        FieldSchema(number, name, .message(type), label)
    }

    /// The lowerCamelCase name of the proto3 JSON mapping.
    public var jsonName: String {
        var out = ""
        var upper = false
        for character in name {
            if character == "_" {
                upper = true
            } else if upper {
                out += character.uppercased()
                upper = false
            } else {
                out.append(character)
            }
        }
        return out
    }
}

/// A message type.
public struct MessageSchema: Hashable, Sendable {
    /// The full name, e.g. `herald.campaigns.v1.Campaign`.
    public let fullName: String
    /// Fields in declaration order; the codec sorts them by number.
    public let fields: [FieldSchema]
    /// True for the synthetic entry message of a `map` field.
    public let isMapEntry: Bool

    public init(_ fullName: String, _ fields: [FieldSchema], isMapEntry: Bool = false) {
        self.fullName = fullName
        self.fields = fields
        self.isMapEntry = isMapEntry
    }

    /// The entry message of `map<key, value>`.
    public static func mapEntry(_ fullName: String, key: FieldType, value: FieldType) -> MessageSchema {
        MessageSchema(fullName, [FieldSchema(1, "key", key), FieldSchema(2, "value", value)], isMapEntry: true)
    }

    /// The package part of the full name.
    public var package: String {
        guard let dot = fullName.lastIndex(of: ".") else { return "" }
        return String(fullName[..<dot])
    }

    /// The last component of the full name.
    public var shortName: String {
        guard let dot = fullName.lastIndex(of: ".") else { return fullName }
        return String(fullName[fullName.index(after: dot)...])
    }
}

/// An enum type. The first value must be 0 (proto3).
public struct EnumSchema: Hashable, Sendable {
    public let fullName: String
    public let values: [(name: String, number: Int32)]

    public init(_ fullName: String, _ values: [(String, Int32)]) {
        precondition(values.first?.1 == 0, "a proto3 enum starts with a value numbered 0")
        self.fullName = fullName
        self.values = values.map { (name: $0.0, number: $0.1) }
    }

    public static func == (a: EnumSchema, b: EnumSchema) -> Bool {
        a.fullName == b.fullName && a.values.map(\.name) == b.values.map(\.name)
            && a.values.map(\.number) == b.values.map(\.number)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(fullName) }

    public func name(of number: Int32) -> String? { values.first { $0.number == number }?.name }
    public func number(of name: String) -> Int32? { values.first { $0.name == name }?.number }
}
