import Foundation
import HeraldCore

extension ProtoJSON {
    static let minTimestampSeconds: Int64 = -62_135_596_800  // 0001-01-01T00:00:00Z
    static let maxTimestampSeconds: Int64 = 253_402_300_799  // 9999-12-31T23:59:59Z
    static let maxDurationSeconds: Int64 = 315_576_000_000

    /// The JSON of a well-known type, or nil for ordinary messages.
    func encodeWellKnown(_ message: DynamicMessage, path: String) throws -> JSONValue? {
        switch message.typeName {
        case WellKnownTypes.timestamp:
            let (seconds, nanos) = Self.secondsAndNanos(message)
            guard (Self.minTimestampSeconds...Self.maxTimestampSeconds).contains(seconds),
                (0...999_999_999).contains(nanos)
            else {
                throw CodecError(path: path, "timestamp out of range (0001-01-01 to 9999-12-31)")
            }
            var days = Int(seconds / 86_400)
            var secondOfDay = Int(seconds % 86_400)
            if secondOfDay < 0 {
                secondOfDay += 86_400
                days -= 1
            }
            let (year, month, day) = Civil.date(days: days)
            return .string(
                "\(Civil.pad(year, 4))-\(Civil.pad(month, 2))-\(Civil.pad(day, 2))T\(Civil.pad(secondOfDay / 3600, 2)):"
                    + "\(Civil.pad(secondOfDay / 60 % 60, 2)):\(Civil.pad(secondOfDay % 60, 2))\(Self.fraction(nanos))Z"
            )
        case WellKnownTypes.duration:
            let (seconds, nanos) = Self.secondsAndNanos(message)
            guard abs(seconds) <= Self.maxDurationSeconds, abs(nanos) <= 999_999_999,
                seconds == 0 || nanos == 0 || (seconds < 0) == (nanos < 0)
            else { throw CodecError(path: path, "duration out of range or with mixed signs") }
            let negative = seconds < 0 || nanos < 0
            return .string("\(negative ? "-" : "")\(seconds.magnitude)\(Self.fraction(Int32(nanos.magnitude)))s")
        case WellKnownTypes.empty:
            return .object([])
        case WellKnownTypes.fieldMask:
            // One string: the paths joined by commas, each in lowerCamelCase (update_mask: "displayName,attributes").
            var paths: [String] = []
            for case .string(let path) in message.fields[1] ?? [] {
                guard let camel = FieldMaskPath.camelCase(path) else {
                    throw CodecError(
                        path: path, "field mask path \"\(path)\" has no JSON form (a '_' before a digit or capital)")
                }
                paths.append(camel)
            }
            return .string(paths.joined(separator: ","))
        case WellKnownTypes.any:
            return try encodeAny(message, path: path)
        case WellKnownTypes.structType:
            var members: [(String, JSONValue)] = []
            for case .message(let pair) in message.fields[1] ?? [] {
                var key = ""  // an empty key is the entry's default, absent on the wire
                if case .string(let text)? = pair[1] { key = text }
                let value: JSONValue
                if case .message(let inner)? = pair[2] {
                    value = try encodeWellKnown(inner, path: "\(path).\(key)") ?? .null
                } else {
                    value = .null
                }
                members.append((key, value))
            }
            return .object(JSONValue.uniqueMembers(members))
        case WellKnownTypes.listValue:
            return .array(
                try (message.fields[1] ?? []).enumerated().map { index, item in
                    guard case .message(let inner) = item else { return .null }
                    return try encodeWellKnown(inner, path: "\(path)[\(index)]") ?? .null
                })
        case WellKnownTypes.value:
            switch (message[2], message[3], message[4], message[5], message[6]) {
            case (.double(let n)?, _, _, _, _):
                guard n.isFinite else {
                    throw CodecError(path: path, "google.protobuf.Value cannot hold NaN or infinity in JSON")
                }
                return .number(n.description)
            case (_, .string(let s)?, _, _, _): return .string(s)
            case (_, _, .bool(let b)?, _, _): return .bool(b)
            case (_, _, _, .message(let s)?, _): return try encodeWellKnown(s, path: path)
            case (_, _, _, _, .message(let l)?): return try encodeWellKnown(l, path: path)
            default: return .null
            }
        default:
            guard WellKnownTypes.wrappers[message.typeName] != nil else { return nil }
            guard let value = message[1] else { return try defaultWrapperJSON(message.typeName) }
            return try encodeWrapped(value, typeName: message.typeName, path: path)
        }
    }

    /// Well-known types whose JSON is not an object of their fields: packed in an Any, their JSON goes under "value".
    static func hasSpecialJSON(_ name: String) -> Bool {
        [
            WellKnownTypes.timestamp, WellKnownTypes.duration, WellKnownTypes.structType, WellKnownTypes.value,
            WellKnownTypes.listValue,
            WellKnownTypes.any, WellKnownTypes.fieldMask,
        ].contains(name) || WellKnownTypes.wrappers[name] != nil
    }

    /// `{"@type": url, ...the packed message's fields}`, or `{"@type": url, "value": ...}` for a well-known type with
    /// a JSON form of its own; `{}` for an empty Any. The packed type must be one this registry knows.
    private func encodeAny(_ message: DynamicMessage, path: String) throws -> JSONValue {
        var url = ""
        var bytes: [UInt8] = []
        if case .string(let text)? = message[1] { url = text }
        if case .bytes(let value)? = message[2] { bytes = value }
        if url.isEmpty && bytes.isEmpty { return .object([]) }
        let name = WellKnownTypes.typeName(inURL: url)
        guard let type = registry.message(name) else {
            throw CodecError(
                path: path, "google.protobuf.Any holds \"\(url)\", a message type this registry does not know")
        }
        let json = try encode(try type.decodeDynamic(bytes), type: type, path: path)
        guard !Self.hasSpecialJSON(name), case .object(let members) = json else {
            return .object([("@type", .string(url)), ("value", json)])
        }
        return .object([("@type", .string(url))] + members)
    }

    /// An Any from its JSON form (see `encodeAny`).
    private func decodeAny(_ json: JSONValue, path: String) throws -> DynamicMessage {
        var message = DynamicMessage(typeName: WellKnownTypes.any)
        guard case .object(let members) = json else {
            throw CodecError(path: path, "expected a JSON object with \"@type\"")
        }
        if members.isEmpty { return message }
        guard
            let url = members.first(where: { $0.0 == "@type" }).flatMap({
                if case .string(let text) = $0.1 { text } else { nil }
            })
        else {
            throw CodecError(
                path: path.isEmpty ? "@type" : path + ".@type", "required: a string naming the packed message type")
        }
        let name = WellKnownTypes.typeName(inURL: url)
        guard let type = registry.message(name) else {
            throw CodecError(
                path: path.isEmpty ? "@type" : path + ".@type",
                "\"\(url)\" is a message type this registry does not know")
        }
        let rest = members.filter { $0.0 != "@type" }
        let inner: DynamicMessage
        if Self.hasSpecialJSON(name) {
            guard rest.count == 1, rest[0].0 == "value" else {
                throw CodecError(path: path, "an Any holding \(name) has \"@type\" and \"value\" only")
            }
            inner = try decode(rest[0].1, type: type, path: path.isEmpty ? "value" : path + ".value")
        } else {
            inner = try decode(.object(rest), type: type, path: path)
        }
        message[1] = .string(url)
        let bytes = try type.encode(inner)
        if !bytes.isEmpty { message[2] = .bytes(bytes) }
        return message
    }

    private func defaultWrapperJSON(_ name: String) throws -> JSONValue {
        switch WellKnownTypes.wrappers[name]! {
        case .bool: return .bool(false)
        case .string, .bytes: return .string("")
        case .int64, .uint64: return .string("0")
        default: return .number("0")
        }
    }

    private func encodeWrapped(_ value: DynamicMessage.Value, typeName: String, path: String) throws -> JSONValue {
        switch value {
        case .int64(let v): return .string(String(v))
        case .uint64(let v): return .string(String(v))
        case .int32(let v): return .number(String(v))
        case .uint32(let v): return .number(String(v))
        case .float(let v): return Self.floating(Double(v), text: v.description)
        case .double(let v): return Self.floating(v, text: v.description)
        case .bool(let v): return .bool(v)
        case .string(let v): return .string(v)
        case .bytes(let v): return .string(Data(v).base64EncodedString())
        default: throw CodecError(path: path, "unexpected value in \(typeName)")
        }
    }

    static func secondsAndNanos(_ message: DynamicMessage) -> (Int64, Int32) {
        var seconds: Int64 = 0
        var nanos: Int32 = 0
        if case .int64(let s)? = message[1] { seconds = s }
        if case .int32(let n)? = message[2] { nanos = n }
        return (seconds, nanos)
    }

    /// `.5` style fractions as protobuf prints them: none, or 3, 6 or 9 digits.
    static func fraction(_ nanos: Int32) -> String {
        if nanos == 0 { return "" }
        if nanos % 1_000_000 == 0 { return "." + Civil.pad(Int(nanos / 1_000_000), 3) }
        if nanos % 1000 == 0 { return "." + Civil.pad(Int(nanos / 1000), 6) }
        return "." + Civil.pad(Int(nanos), 9)
    }

    /// A well-known type read from its JSON form, or nil for ordinary messages.
    func decodeWellKnown(_ json: JSONValue, type: MessageType, path: String) throws -> DynamicMessage? {
        var message = DynamicMessage(typeName: type.fullName)
        switch type.fullName {
        case WellKnownTypes.timestamp:
            guard case .string(let text) = json, let (seconds, nanos) = Self.parseTimestamp(text) else {
                throw CodecError(path: path, "expected an RFC 3339 timestamp like 2024-01-02T03:04:05.123Z")
            }
            guard (Self.minTimestampSeconds...Self.maxTimestampSeconds).contains(seconds) else {
                throw CodecError(path: path, "timestamp out of range (0001-01-01 to 9999-12-31)")
            }
            if seconds != 0 { message[1] = .int64(seconds) }
            if nanos != 0 { message[2] = .int32(nanos) }
        case WellKnownTypes.duration:
            guard case .string(let text) = json, let (seconds, nanos) = Self.parseDuration(text),
                abs(seconds) <= Self.maxDurationSeconds
            else {
                throw CodecError(path: path, "expected a duration like 1.5s")
            }
            if seconds != 0 { message[1] = .int64(seconds) }
            if nanos != 0 { message[2] = .int32(nanos) }
        case WellKnownTypes.empty:
            guard case .object(let members) = json, members.isEmpty else { throw CodecError(path: path, "expected {}") }
        case WellKnownTypes.fieldMask:
            guard case .string(let text) = json else {
                throw CodecError(path: path, "expected a field mask like \"displayName,attributes\"")
            }
            let paths =
                text.isEmpty
                ? []
                : text.split(separator: ",", omittingEmptySubsequences: false).map {
                    FieldMaskPath.snakeCase(String($0))
                }
            if !paths.isEmpty { message.fields[1] = paths.map { .string($0) } }
        case WellKnownTypes.any:
            return try decodeAny(json, path: path)
        case WellKnownTypes.structType:
            guard case .object(let members) = json else { throw CodecError(path: path, "expected a JSON object") }
            message.fields[1] = try members.map { key, value in
                var pair = DynamicMessage(typeName: "google.protobuf.Struct.FieldsEntry")
                pair[1] = .string(key)
                pair[2] = .message(try valueMessage(value, path: "\(path).\(key)"))
                return .message(pair)
            }
            if message.fields[1]?.isEmpty == true { message.fields[1] = nil }
        case WellKnownTypes.listValue:
            guard case .array(let items) = json else { throw CodecError(path: path, "expected a JSON array") }
            let values = try items.enumerated().map {
                DynamicMessage.Value.message(try valueMessage($1, path: "\(path)[\($0)]"))
            }
            if !values.isEmpty { message.fields[1] = values }
        case WellKnownTypes.value:
            return try valueMessage(json, path: path)
        default:
            guard let valueType = WellKnownTypes.wrappers[type.fullName] else { return nil }
            let value =
                try decode(.object([("value", json)]), type: type, path: path, raw: true)[1] ?? Self.zero(valueType)
            if !Self.isZero(value) { message[1] = value }
        }
        return message
    }

    private func valueMessage(_ json: JSONValue, path: String) throws -> DynamicMessage {
        var message = DynamicMessage(typeName: WellKnownTypes.value)
        switch json {
        case .null: message[1] = .enumeration(0)
        case .number(let n): message[2] = .double(Double(n)!)
        case .string(let s): message[3] = .string(s)
        case .bool(let b): message[4] = .bool(b)
        case .object:
            message[5] = .message(
                try decodeWellKnown(json, type: registry.message(WellKnownTypes.structType)!, path: path)!)
        case .array:
            message[6] = .message(
                try decodeWellKnown(json, type: registry.message(WellKnownTypes.listValue)!, path: path)!)
        }
        return message
    }

    static func isZero(_ value: DynamicMessage.Value) -> Bool {
        switch value {
        case .int32(let v), .enumeration(let v): return v == 0
        case .int64(let v): return v == 0
        case .uint32(let v): return v == 0
        case .uint64(let v): return v == 0
        case .float(let v): return v == 0 && v.sign == .plus
        case .double(let v): return v == 0 && v.sign == .plus
        case .bool(let v): return !v
        case .string(let v): return v.isEmpty
        case .bytes(let v): return v.isEmpty
        case .message: return false
        }
    }

    static func zero(_ type: FieldType) -> DynamicMessage.Value {
        switch type {
        case .int64, .sint64, .sfixed64: return .int64(0)
        case .uint64, .fixed64: return .uint64(0)
        case .uint32, .fixed32: return .uint32(0)
        case .float: return .float(0)
        case .double: return .double(0)
        case .bool: return .bool(false)
        case .string: return .string("")
        case .bytes: return .bytes([])
        default: return .int32(0)
        }
    }

    static func parseTimestamp(_ text: String) -> (Int64, Int32)? {
        let bytes = Array(text.utf8)
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes.count >= 20, let year = digits(0, 4), bytes[4] == 0x2D, let month = digits(5, 2), bytes[7] == 0x2D,
            let day = digits(8, 2), bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
            let hour = digits(11, 2),
            bytes[13] == 0x3A, let minute = digits(14, 2), bytes[16] == 0x3A, let second = digits(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var nanos = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var count = 0
            while index < bytes.count, (48...57).contains(bytes[index]) {
                guard count < 9 else { return nil }
                nanos = nanos * 10 + Int(bytes[index] - 48)
                count += 1
                index += 1
            }
            guard count > 0 else { return nil }
            for _ in count..<9 { nanos *= 10 }
        }
        var offset = 0
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") {
            index += 1
        } else if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            guard let h = digits(index + 1, 2), index + 3 < bytes.count, bytes[index + 3] == 0x3A,
                let m = digits(index + 4, 2)
            else { return nil }
            offset = (h * 3600 + m * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        let days = Civil.days(year: year, month: month, day: day)
        return (Int64(days * 86_400 + hour * 3600 + minute * 60 + second - offset), Int32(nanos))
    }

    static func parseDuration(_ text: String) -> (Int64, Int32)? {
        guard text.hasSuffix("s") else { return nil }
        var body = Substring(text.dropLast())
        let negative = body.hasPrefix("-")
        if negative { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isNumber),
            let seconds = Int64(whole)
        else { return nil }
        var nanos: Int32 = 0
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.count <= 9, fraction.allSatisfy(\.isNumber) else { return nil }
            nanos = Int32(fraction + String(repeating: "0", count: 9 - fraction.count))!
        }
        return negative ? (-seconds, -nanos) : (seconds, nanos)
    }
}

/// FieldMask paths between their proto form (`display_name.first`) and their JSON form (`displayName.first`).
enum FieldMaskPath {
    /// nil when the path cannot round-trip (protobuf's rule: no '_' followed by anything but a lower-case letter).
    static func camelCase(_ path: String) -> String? {
        var out = ""
        var upper = false
        for character in path {
            if character == "_" {
                upper = true
                continue
            }
            if upper {
                guard character.isLowercase else { return nil }
                out += character.uppercased()
                upper = false
            } else {
                if character.isUppercase { return nil }
                out.append(character)
            }
        }
        return upper ? nil : out
    }

    static func snakeCase(_ path: String) -> String {
        var out = ""
        for character in path {
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }
}
