import API
import Codec
import Testing

/// A response as proto3 JSON, read with its message type beside it: a key the type does not have fails the test
/// (a typo cannot pass by reading null or zero), and a field proto3 JSON left out reads as its default (an empty
/// list, zero, "", false, the enum's zero value, or null for a message), as any client would read it.
public struct SchemaJSON: Equatable, Sendable, CustomStringConvertible {
    public let value: JSONValue
    /// The message type `value` is an instance of; nil for scalars and lists.
    let type: MessageType?
    /// For a list: the message type of its elements, if they are messages; for a map, of its values.
    let elementType: MessageType?
    /// A map field: its keys are data, not field names.
    let isMap: Bool

    public init(_ value: JSONValue, type: MessageType?, elementType: MessageType? = nil, isMap: Bool = false) {
        self.value = value
        self.type = type
        self.elementType = elementType
        self.isMap = isMap
    }

    public static func == (a: SchemaJSON, b: SchemaJSON) -> Bool { a.value == b.value }
    public var description: String { value.text() }

    /// The member `key` (its JSON name or its proto name); records an issue when the type has no such field.
    public subscript(_ key: String, sourceLocation: SourceLocation = #_sourceLocation) -> SchemaJSON {
        if isMap {
            guard let entry = value.members.first(where: { $0.0 == key })?.1 else {
                Issue.record("no key \(key) in the map \(value.text().prefix(80))", sourceLocation: sourceLocation)
                return SchemaJSON(.null, type: nil)
            }
            return SchemaJSON(entry, type: elementType)
        }
        guard let type else {
            Issue.record("\(key): \(value.text().prefix(80)) is not a message", sourceLocation: sourceLocation)
            return SchemaJSON(.null, type: nil)
        }
        guard let field = type.field(named: key) else {
            Issue.record("\(type.fullName) has no field \(key)", sourceLocation: sourceLocation)
            return SchemaJSON(.null, type: nil)
        }
        let nested: MessageType? =
            if case .message(let name) = field.type, !name.hasPrefix("google.protobuf.") {
                HeraldAPI.registry.message(name)
            } else { nil }
        let present = value.members.first { $0.0 == field.jsonName || $0.0 == field.name }?.1
        if field.label == .repeated {
            guard let entry = nested, entry.schema.isMapEntry else {
                return SchemaJSON(present ?? .array([]), type: nil, elementType: nested)
            }
            let valueType: MessageType? =
                if case .message(let name)? = entry.field(2)?.type, !name.hasPrefix("google.protobuf.") {
                    HeraldAPI.registry.message(name)
                } else { nil }
            return SchemaJSON(present ?? .object([]), type: nil, elementType: valueType, isMap: true)
        }
        return SchemaJSON(present ?? Self.zero(of: field), type: nested)
    }

    /// The element at `index` of a list; records an issue when there is none.
    public subscript(_ index: Int, sourceLocation: SourceLocation = #_sourceLocation) -> SchemaJSON {
        guard case .array(let items) = value, items.indices.contains(index) else {
            Issue.record("no element \(index) in \(value.text().prefix(80))", sourceLocation: sourceLocation)
            return SchemaJSON(.null, type: nil)
        }
        return SchemaJSON(items[index], type: elementType)
    }

    public var string: String? { if case .string(let text) = value { text } else { nil } }
    public var bool: Bool? { if case .bool(let flag) = value { flag } else { nil } }
    /// A number (64-bit integers are strings in proto3 JSON).
    public var number: Double? {
        switch value {
        case .number(let text), .string(let text): Double(text)
        default: nil
        }
    }
    /// The elements of a list, or the members of a map.
    public var count: Int {
        switch value {
        case .array(let items): items.count
        case .object(let members): members.count
        default: 0
        }
    }
    public var items: [SchemaJSON] {
        if case .array(let items) = value { return items.map { SchemaJSON($0, type: elementType) } }
        return []
    }

    /// What proto3 JSON leaves out for a singular field.
    static func zero(of field: FieldSchema) -> JSONValue {
        switch field.type {
        case .string, .bytes: .string("")
        case .bool: .bool(false)
        case .int64, .uint64, .sint64, .fixed64, .sfixed64: .string("0")
        case .enumeration(let name):
            HeraldAPI.registry.enumeration(name).flatMap { $0.schema.name(of: 0) }.map { .string($0) } ?? .number("0")
        case .message: .null
        default: .number("0")
        }
    }
}
