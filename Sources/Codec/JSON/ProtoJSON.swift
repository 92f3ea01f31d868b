import Foundation
import HeraldCore

/// protobuf's canonical proto3 JSON mapping, both ways: lowerCamelCase names, 64-bit integers as strings,
/// enums by name, bytes as base64, Timestamp and Duration as RFC 3339 strings, Struct/Value/ListValue as plain
/// JSON, wrappers as their value, Any as `@type` and the packed message's JSON, fields with default values omitted;
/// unknown JSON fields are an error.
public struct ProtoJSON: Sendable {
    public let registry: SchemaRegistry

    public init(registry: SchemaRegistry) { self.registry = registry }

    // MARK: Message → JSON

    public func encode(_ message: DynamicMessage) throws -> JSONValue {
        guard let type = registry.message(message.typeName) else {
            throw CodecError(path: "", "unknown message type \(message.typeName)")
        }
        return try encode(message, type: type, path: "")
    }

    func encode(_ message: DynamicMessage, type: MessageType, path: String) throws -> JSONValue {
        if let special = try encodeWellKnown(message, path: path) { return special }
        var members: [(String, JSONValue)] = []
        for field in type.schema.fields.sorted(by: { $0.number < $1.number }) {
            guard let values = message.fields[field.number], !values.isEmpty else { continue }
            let fieldPath = path.isEmpty ? field.name : "\(path).\(field.name)"
            if field.label == .repeated {
                if case .message(let entryName) = field.type, let entry = registry.message(entryName),
                    entry.schema.isMapEntry
                {
                    var object: [(String, JSONValue)] = []
                    for case .message(let pair) in values {
                        let key = pair[1].map(mapKeyText) ?? defaultMapKey(entry.schema.fields[0].type)
                        let value =
                            try pair[2].map {
                                try encodeValue($0, type: entry.schema.fields[1].type, path: "\(fieldPath)[\(key)]")
                            }
                            ?? defaultJSON(entry.schema.fields[1].type)
                        object.append((key, value))
                    }
                    members.append((field.jsonName, .object(JSONValue.uniqueMembers(object))))
                } else {
                    members.append(
                        (
                            field.jsonName,
                            .array(
                                try values.enumerated().map {
                                    try encodeValue($1, type: field.type, path: "\(fieldPath)[\($0)]")
                                })
                        ))
                }
            } else {
                members.append((field.jsonName, try encodeValue(values[0], type: field.type, path: fieldPath)))
            }
        }
        return .object(members)
    }

    private func encodeValue(_ value: DynamicMessage.Value, type: FieldType, path: String) throws -> JSONValue {
        switch value {
        case .int32(let v): return .number(String(v))
        case .uint32(let v): return .number(String(v))
        case .int64(let v): return .string(String(v))
        case .uint64(let v): return .string(String(v))
        case .float(let v): return Self.floating(Double(v), text: v.description)
        case .double(let v): return Self.floating(v, text: v.description)
        case .bool(let v): return .bool(v)
        case .string(let v): return .string(v)
        case .bytes(let v): return .string(Data(v).base64EncodedString())
        case .enumeration(let v):
            if case .enumeration(let name) = type, name == WellKnownTypes.nullValue { return .null }
            if case .enumeration(let name) = type, let text = registry.enumeration(name)?.schema.name(of: v) {
                return .string(text)
            }
            return .number(String(v))
        case .message(let m):
            guard let messageType = registry.message(m.typeName) else {
                throw CodecError(path: path, "unknown message type \(m.typeName)")
            }
            return try encode(m, type: messageType, path: path)
        }
    }

    static func floating(_ value: Double, text: String) -> JSONValue {
        if value.isNaN { return .string("NaN") }
        if value.isInfinite { return .string(value < 0 ? "-Infinity" : "Infinity") }
        return .number(text)
    }

    private func mapKeyText(_ value: DynamicMessage.Value) -> String {
        switch value {
        case .int32(let v): return String(v)
        case .int64(let v): return String(v)
        case .uint32(let v): return String(v)
        case .uint64(let v): return String(v)
        case .bool(let v): return v ? "true" : "false"
        case .string(let v): return v
        default: return ""
        }
    }

    private func defaultMapKey(_ type: FieldType) -> String {
        switch type {
        case .string: return ""
        case .bool: return "false"
        default: return "0"
        }
    }

    private func defaultJSON(_ type: FieldType) -> JSONValue {
        switch type {
        case .string: return .string("")
        case .bytes: return .string("")
        case .bool: return .bool(false)
        case .int64, .uint64, .sint64, .fixed64, .sfixed64: return .string("0")
        case .enumeration(let name):
            if name == WellKnownTypes.nullValue { return .null }
            return registry.enumeration(name).flatMap { $0.schema.name(of: 0) }.map { .string($0) } ?? .number("0")
        case .message(let name):
            if name == WellKnownTypes.value { return .null }
            return .object([])
        default: return .number("0")
        }
    }

    // MARK: JSON → message

    public func decode(_ json: JSONValue, as typeName: String) throws -> DynamicMessage {
        guard let type = registry.message(typeName) else {
            throw CodecError(path: "", "unknown message type \(typeName)")
        }
        return try decode(json, type: type, path: "")
    }

    /// Parses JSON text into a message of `typeName`.
    public func decode(text: String, as typeName: String) throws -> DynamicMessage {
        let json: JSONValue
        do {
            json = try JSONValue.parse(text)
        } catch {
            throw CodecError(path: "", "\(error)")
        }
        return try decode(json, as: typeName)
    }

    func decode(_ json: JSONValue, type: MessageType, path: String, raw: Bool = false) throws -> DynamicMessage {
        if !raw, let special = try decodeWellKnown(json, type: type, path: path) { return special }
        guard case .object(let members) = json else {
            throw CodecError(path: path, "expected a JSON object for \(type.fullName)")
        }
        var message = DynamicMessage(typeName: type.fullName)
        var oneofsSeen: [String: String] = [:]
        for (key, value) in members {
            guard let field = type.field(named: key) else {
                throw CodecError(path: path.isEmpty ? key : "\(path).\(key)", "unknown field in \(type.fullName)")
            }
            let fieldPath = path.isEmpty ? field.name : "\(path).\(field.name)"
            if value == .null, !Self.acceptsNull(field.type) { continue }
            if let oneof = field.oneof {
                if let other = oneofsSeen[oneof] {
                    throw CodecError(path: fieldPath, "only one of oneof \(oneof) may be set (\(other) is set too)")
                }
                oneofsSeen[oneof] = field.name
            }
            if field.label == .repeated {
                if case .message(let entryName) = field.type, let entry = registry.message(entryName),
                    entry.schema.isMapEntry
                {
                    guard case .object(let pairs) = value else {
                        throw CodecError(path: fieldPath, "expected a JSON object for a map")
                    }
                    message.fields[field.number] = try pairs.map { key, item in
                        var pair = DynamicMessage(typeName: entryName)
                        pair[1] = try mapKey(key, type: entry.schema.fields[0].type, path: "\(fieldPath)[\(key)]")
                        pair[2] = try decodeFieldValue(
                            item, type: entry.schema.fields[1].type, path: "\(fieldPath)[\(key)]")
                        return .message(pair)
                    }
                } else {
                    guard case .array(let items) = value else {
                        throw CodecError(path: fieldPath, "expected a JSON array")
                    }
                    message.fields[field.number] = try items.enumerated().map {
                        try decodeFieldValue($1, type: field.type, path: "\(fieldPath)[\($0)]")
                    }
                }
            } else {
                message[field.number] = try decodeFieldValue(value, type: field.type, path: fieldPath)
            }
        }
        return message
    }

    static func acceptsNull(_ type: FieldType) -> Bool {
        type == .message(WellKnownTypes.value) || type == .enumeration(WellKnownTypes.nullValue)
    }

    func decodeFieldValue(_ json: JSONValue, type: FieldType, path: String) throws -> DynamicMessage.Value {
        func integer<T: FixedWidthInteger>(_: T.Type) throws -> T {
            let text: String
            switch json {
            case .number(let n): text = n
            case .string(let s): text = s
            default: throw CodecError(path: path, "expected an integer")
            }
            if let exact = T(text) { return exact }
            if let real = Double(text), real.rounded() == real, let exact = T(exactly: real) { return exact }
            throw CodecError(path: path, "\"\(text)\" is not an integer in the range of \(type.protoName)")
        }
        func real() throws -> Double {
            switch json {
            case .number(let n): return Double(n)!
            case .string("NaN"): return .nan
            case .string("Infinity"): return .infinity
            case .string("-Infinity"): return -.infinity
            case .string(let s):
                guard let value = Double(s) else { throw CodecError(path: path, "\"\(s)\" is not a number") }
                return value
            default: throw CodecError(path: path, "expected a number")
            }
        }
        switch type {
        case .int32, .sint32, .sfixed32: return .int32(try integer(Int32.self))
        case .int64, .sint64, .sfixed64: return .int64(try integer(Int64.self))
        case .uint32, .fixed32: return .uint32(try integer(UInt32.self))
        case .uint64, .fixed64: return .uint64(try integer(UInt64.self))
        case .double: return .double(try real())
        case .float:
            let value = try real()
            guard value.isNaN || value.isInfinite || abs(value) <= Double(Float.greatestFiniteMagnitude) else {
                throw CodecError(path: path, "\(value) is out of range for float")
            }
            return .float(Float(value))
        case .bool:
            guard case .bool(let value) = json else { throw CodecError(path: path, "expected true or false") }
            return .bool(value)
        case .string:
            guard case .string(let value) = json else { throw CodecError(path: path, "expected a string") }
            return .string(value)
        case .bytes:
            guard case .string(let text) = json, let data = Self.base64(text) else {
                throw CodecError(path: path, "expected base64 text")
            }
            return .bytes(Array(data))
        case .enumeration(let name):
            if name == WellKnownTypes.nullValue { return .enumeration(0) }
            switch json {
            case .string(let text):
                guard let number = registry.enumeration(name)?.schema.number(of: text) else {
                    throw CodecError(path: path, "\"\(text)\" is not a value of \(name)")
                }
                return .enumeration(number)
            case .number: return .enumeration(try integer(Int32.self))
            default: throw CodecError(path: path, "expected an enum name")
            }
        case .message(let name):
            guard let messageType = registry.message(name) else {
                throw CodecError(path: path, "unknown message type \(name)")
            }
            return .message(try decode(json, type: messageType, path: path))
        }
    }

    private func mapKey(_ text: String, type: FieldType, path: String) throws -> DynamicMessage.Value {
        switch type {
        case .bool:
            guard text == "true" || text == "false" else {
                throw CodecError(path: path, "map key must be true or false")
            }
            return .bool(text == "true")
        case .string: return .string(text)
        default: return try decodeFieldValue(.string(text), type: type, path: path)
        }
    }

    static func base64(_ text: String) -> Data? {
        var normalized = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while normalized.count % 4 != 0 { normalized += "=" }
        return Data(base64Encoded: normalized)
    }
}
