import Foundation

/// The JSON encoder behind `PostgresJSON(encoding:)`: writes straight into one byte buffer while `encode(to:)`
/// runs, where Foundation's `JSONEncoder` builds a tree of boxed values, then sorts and serializes it (it was a
/// third of campaign-manager's CPU per CreateCampaign). Key order and spacing are not kept: jsonb keeps neither.
///
/// Output matches `JSONEncoder` value for value, with Herald's date strategy: `Date` as PostgreSQL timestamptz text,
/// `Data` as base64, `URL` as its absolute string, `Decimal` as a number; a non-finite float is an error.
///
/// - Important: containers must be used the way synthesized `Codable` uses them: a nested value is finished
///   before its parent container takes its next element (each container write closes the deeper ones).
///   Coding paths are not tracked (an error names only the key it happened at): building them cost an array
///   per value.
enum JSONTextEncoder {
    static func encode(_ value: some Encodable) throws -> String {
        let writer = JSONTextWriter()
        try writer.value(value, depth: 0)
        writer.closeDeeper(than: 0)
        return String(decoding: writer.out, as: UTF8.self)
    }
}

/// The output and the containers open in it, innermost last.
final class JSONTextWriter {
    // Confined to one encode call on one thread: no dynamic exclusivity checks on every byte appended.
    @exclusivity(unchecked) var out: [UInt8] = []
    /// For each open container: its closing bracket, and whether it holds an element yet.
    @exclusivity(unchecked) private var open: [(close: UInt8, empty: Bool)] = []

    init() { out.reserveCapacity(4096) }

    /// Closes containers deeper than `depth` (their values are finished: the parent moved on).
    func closeDeeper(than depth: Int) {
        while open.count > depth { out.append(open.removeLast().close) }
    }

    /// Positions the next element of the container at `depth`: closes deeper ones, then a comma if needed.
    func beginElement(depth: Int) {
        closeDeeper(than: depth)
        if open[depth - 1].empty {
            open[depth - 1].empty = false
        } else {
            out.append(UInt8(ascii: ","))
        }
    }

    /// Opens an object or array; returns its depth.
    func openContainer(_ opening: UInt8, _ closing: UInt8) -> Int {
        out.append(opening)
        open.append((closing, true))
        return open.count
    }

    func key(_ key: String) {
        string(key)
        out.append(UInt8(ascii: ":"))
    }

    func raw(_ text: String) { out.append(contentsOf: text.utf8) }

    func string(_ text: String) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex: StaticString = "0123456789abcdef"
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                out.append(hex.utf8Start[Int(byte >> 4)])
                out.append(hex.utf8Start[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    func double(_ value: Double, _ path: [any CodingKey]) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: path, debugDescription: "\(value) is not a JSON number"))
        }
        if value.rounded() == value, abs(value) < 1e15 { raw(String(Int64(value))) } else { raw(value.description) }
    }

    func float(_ value: Float, _ path: [any CodingKey]) throws {
        guard value.isFinite else { return try double(Double(value), path) }
        raw(value.rounded() == value && abs(value) < 1e7 ? String(Int64(value)) : value.description)
    }

    /// One value in a slot already positioned (its key or comma written) inside the container at `depth`.
    func value<T: Encodable>(_ value: T, depth: Int, path: [any CodingKey] = []) throws {
        if T.self == Date.self {
            if let text = (value as! Date).postgresText { string(text) } else { raw("null") }
        } else if T.self == Data.self {
            string((value as! Data).base64EncodedString())
        } else if T.self == URL.self {
            string((value as! URL).absoluteString)
        } else if T.self == Decimal.self {
            raw((value as! Decimal).description)
        } else {
            try value.encode(to: SlotEncoder(writer: self, depth: depth, codingPath: path))
        }
    }
}

/// The `Encoder` for one value: opens its container, or writes it through a single-value container.
private struct SlotEncoder: Encoder {
    let writer: JSONTextWriter
    /// Depth of the container holding the slot (0: the top level).
    let depth: Int
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        writer.closeDeeper(than: depth)
        let inner = writer.openContainer(UInt8(ascii: "{"), UInt8(ascii: "}"))
        return KeyedEncodingContainer(KeyedContainer<Key>(writer: writer, depth: inner, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        writer.closeDeeper(than: depth)
        let inner = writer.openContainer(UInt8(ascii: "["), UInt8(ascii: "]"))
        return UnkeyedContainer(writer: writer, depth: inner, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(writer: writer, depth: depth, codingPath: codingPath)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: JSONTextWriter
    let depth: Int
    let codingPath: [any CodingKey]

    private func begin(_ key: Key) {
        writer.beginElement(depth: depth)
        writer.key(key.stringValue)
    }

    mutating func encodeNil(forKey key: Key) throws {
        begin(key)
        writer.raw("null")
    }
    mutating func encode(_ value: Bool, forKey key: Key) throws {
        begin(key)
        writer.raw(value ? "true" : "false")
    }
    mutating func encode(_ value: String, forKey key: Key) throws {
        begin(key)
        writer.string(value)
    }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        begin(key)
        try writer.double(value, codingPath + [key])
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        begin(key)
        try writer.float(value, codingPath + [key])
    }
    mutating func encode(_ value: Int, forKey key: Key) throws {
        begin(key)
        writer.raw(String(value))
    }
    mutating func encode(_ value: Int8, forKey key: Key) throws {
        begin(key)
        writer.raw(String(value))
    }
    mutating func encode(_ value: Int16, forKey key: Key) throws {
        begin(key)
        writer.raw(String(value))
    }
    mutating func encode(_ value: Int32, forKey key: Key) throws {
        begin(key)
        writer.raw(String(value))
    }
    mutating func encode(_ value: Int64, forKey key: Key) throws {
        begin(key)
        writer.raw(String(value))
    }
    mutating func encode(_ value: UInt, forKey key: Key) throws {
        begin(key)
        writer.raw(String(value))
    }
    mutating func encode(_ value: UInt8, forKey key: Key) throws {
        begin(key)
        writer.raw(String(value))
    }
    mutating func encode(_ value: UInt16, forKey key: Key) throws {
        begin(key)
        writer.raw(String(value))
    }
    mutating func encode(_ value: UInt32, forKey key: Key) throws {
        begin(key)
        writer.raw(String(value))
    }
    mutating func encode(_ value: UInt64, forKey key: Key) throws {
        begin(key)
        writer.raw(String(value))
    }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        begin(key)
        try writer.value(value, depth: depth, path: codingPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        begin(key)
        let inner = writer.openContainer(UInt8(ascii: "{"), UInt8(ascii: "}"))
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(writer: writer, depth: inner, codingPath: codingPath))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        begin(key)
        let inner = writer.openContainer(UInt8(ascii: "["), UInt8(ascii: "]"))
        return UnkeyedContainer(writer: writer, depth: inner, codingPath: codingPath)
    }

    mutating func superEncoder() -> any Encoder {
        writer.beginElement(depth: depth)
        writer.key("super")
        return SlotEncoder(writer: writer, depth: depth, codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        begin(key)
        return SlotEncoder(writer: writer, depth: depth, codingPath: codingPath)
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let writer: JSONTextWriter
    let depth: Int
    let codingPath: [any CodingKey]
    private(set) var count = 0

    init(writer: JSONTextWriter, depth: Int, codingPath: [any CodingKey]) {
        self.writer = writer
        self.depth = depth
        self.codingPath = codingPath
    }

    private mutating func begin() {
        writer.beginElement(depth: depth)
        count += 1
    }

    mutating func encodeNil() throws {
        begin()
        writer.raw("null")
    }
    mutating func encode(_ value: Bool) throws {
        begin()
        writer.raw(value ? "true" : "false")
    }
    mutating func encode(_ value: String) throws {
        begin()
        writer.string(value)
    }
    mutating func encode(_ value: Double) throws {
        begin()
        try writer.double(value, codingPath)
    }
    mutating func encode(_ value: Float) throws {
        begin()
        try writer.float(value, codingPath)
    }
    mutating func encode(_ value: Int) throws {
        begin()
        writer.raw(String(value))
    }
    mutating func encode(_ value: Int8) throws {
        begin()
        writer.raw(String(value))
    }
    mutating func encode(_ value: Int16) throws {
        begin()
        writer.raw(String(value))
    }
    mutating func encode(_ value: Int32) throws {
        begin()
        writer.raw(String(value))
    }
    mutating func encode(_ value: Int64) throws {
        begin()
        writer.raw(String(value))
    }
    mutating func encode(_ value: UInt) throws {
        begin()
        writer.raw(String(value))
    }
    mutating func encode(_ value: UInt8) throws {
        begin()
        writer.raw(String(value))
    }
    mutating func encode(_ value: UInt16) throws {
        begin()
        writer.raw(String(value))
    }
    mutating func encode(_ value: UInt32) throws {
        begin()
        writer.raw(String(value))
    }
    mutating func encode(_ value: UInt64) throws {
        begin()
        writer.raw(String(value))
    }
    mutating func encode<T: Encodable>(_ value: T) throws {
        begin()
        try writer.value(value, depth: depth, path: codingPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<
        NestedKey
    > {
        begin()
        let inner = writer.openContainer(UInt8(ascii: "{"), UInt8(ascii: "}"))
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(writer: writer, depth: inner, codingPath: codingPath))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        begin()
        let inner = writer.openContainer(UInt8(ascii: "["), UInt8(ascii: "]"))
        return UnkeyedContainer(writer: writer, depth: inner, codingPath: codingPath)
    }

    mutating func superEncoder() -> any Encoder {
        begin()
        return SlotEncoder(writer: writer, depth: depth, codingPath: codingPath)
    }
}

/// A value written in place of its slot (no key, no comma: the parent positioned it).
private struct SingleContainer: SingleValueEncodingContainer {
    let writer: JSONTextWriter
    let depth: Int
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { writer.raw("null") }
    mutating func encode(_ value: Bool) throws { writer.raw(value ? "true" : "false") }
    mutating func encode(_ value: String) throws { writer.string(value) }
    mutating func encode(_ value: Double) throws { try writer.double(value, codingPath) }
    mutating func encode(_ value: Float) throws { try writer.float(value, codingPath) }
    mutating func encode(_ value: Int) throws { writer.raw(String(value)) }
    mutating func encode(_ value: Int8) throws { writer.raw(String(value)) }
    mutating func encode(_ value: Int16) throws { writer.raw(String(value)) }
    mutating func encode(_ value: Int32) throws { writer.raw(String(value)) }
    mutating func encode(_ value: Int64) throws { writer.raw(String(value)) }
    mutating func encode(_ value: UInt) throws { writer.raw(String(value)) }
    mutating func encode(_ value: UInt8) throws { writer.raw(String(value)) }
    mutating func encode(_ value: UInt16) throws { writer.raw(String(value)) }
    mutating func encode(_ value: UInt32) throws { writer.raw(String(value)) }
    mutating func encode(_ value: UInt64) throws { writer.raw(String(value)) }
    /// Every scalar has its own method above: a scalar reaching this one would recurse through its own
    /// `encode(to:)` back here.
    mutating func encode<T: Encodable>(_ value: T) throws { try writer.value(value, depth: depth, path: codingPath) }
}
