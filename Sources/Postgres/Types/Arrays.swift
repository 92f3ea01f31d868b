import Foundation

/// An element type of a one-dimensional PostgreSQL array (`text[]`, `uuid[]`, `int4[]`, `int8[]`, `float8[]`, enum
/// arrays).
public protocol PostgresArrayElement: PostgresDecodable, PostgresEncodable {
    /// The OIDs of the array types whose elements decode as this type; nil accepts user-defined array types too.
    static var arrayTypes: Set<UInt32> { get }
    /// The element OID to decode each element with.
    static func elementType(forArray oid: UInt32) -> UInt32
}

extension String: PostgresArrayElement {
    public static var arrayTypes: Set<UInt32> {
        [PostgresTypeOID.textArray, PostgresTypeOID.varcharArray, PostgresTypeOID.bpcharArray]
    }
    public static func elementType(forArray oid: UInt32) -> UInt32 {
        oid >= PostgresTypeOID.firstUserDefined ? oid : PostgresTypeOID.text
    }
}

extension UUID: PostgresArrayElement {
    public static var arrayTypes: Set<UInt32> { [PostgresTypeOID.uuidArray] }
    public static func elementType(forArray oid: UInt32) -> UInt32 { PostgresTypeOID.uuid }
}

extension Int: PostgresArrayElement {
    public static var arrayTypes: Set<UInt32> {
        [PostgresTypeOID.int2Array, PostgresTypeOID.int4Array, PostgresTypeOID.int8Array]
    }
    public static func elementType(forArray oid: UInt32) -> UInt32 { PostgresTypeOID.int8 }
}

extension Double: PostgresArrayElement {
    public static var arrayTypes: Set<UInt32> { [PostgresTypeOID.float4Array, PostgresTypeOID.float8Array] }
    public static func elementType(forArray oid: UInt32) -> UInt32 { PostgresTypeOID.float8 }
}

extension Array: PostgresDecodable where Element: PostgresArrayElement {
    /// A one-dimensional array in text form: `{a,"b c",NULL}`. NULL elements are an error (use a
    /// non-NULL column or filter them in SQL); so are multi-dimensional arrays.
    public static func decode(from cell: PostgresCell) throws -> [Element] {
        let userDefinedStringArray = Element.self == String.self && cell.type >= PostgresTypeOID.firstUserDefined
        guard Element.arrayTypes.contains(cell.type) || userDefinedStringArray else {
            throw cell.mismatch("an array of \(Element.self)")
        }
        guard let items = PostgresArrayText.parse(cell.text) else { throw cell.malformed("a one-dimensional array") }
        let elementType = Element.elementType(forArray: cell.type)
        return try items.map { item in
            guard let item else {
                throw PostgresError(
                    kind: .decoding, message: "column \"\(cell.column)\" has a NULL array element", column: cell.column)
            }
            return try item.utf8.withContiguousStorageIfAvailable { buffer in
                try Element.decode(
                    from: PostgresCell(bytes: UnsafeRawBufferPointer(buffer), type: elementType, column: cell.column))
            } ?? Element.decode(from: PostgresCell(bytes: nil, type: elementType, column: cell.column))
        }
    }
}

extension Array: PostgresEncodable where Element: PostgresEncodable {
    /// Every element quoted, so commas, braces, quotes and spaces survive (written as bytes: arrays of thousands of
    /// JSON documents are parameters of bulk inserts).
    public var postgresText: String? {
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        for (index, element) in enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            guard var item = element.postgresText else {
                bytes.append(contentsOf: "NULL".utf8)
                continue
            }
            bytes.append(UInt8(ascii: "\""))
            item.withUTF8 { utf8 in
                bytes.reserveCapacity(bytes.count + utf8.count + 2)
                for byte in utf8 {
                    if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { bytes.append(UInt8(ascii: "\\")) }
                    bytes.append(byte)
                }
            }
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }
}

enum PostgresArrayText {
    /// Splits `{a,"b",NULL}` into its elements (nil for NULL). Returns nil for malformed or nested arrays.
    static func parse(_ text: String) -> [String?]? {
        var scalars = Array(text.unicodeScalars)[...]
        // An explicit lower bound ("[0:2]={...}") may precede the braces.
        if scalars.first == "[" {
            guard let equals = scalars.firstIndex(of: "=") else { return nil }
            scalars = scalars[(equals + 1)...]
        }
        guard scalars.first == "{", scalars.last == "}" else { return nil }
        scalars = scalars.dropFirst().dropLast()
        if scalars.isEmpty { return [] }
        var items: [String?] = []
        var current = String.UnicodeScalarView()
        var quoted = false
        var wasQuoted = false
        var escaped = false
        for scalar in scalars {
            if escaped {
                current.append(scalar)
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else if scalar == "\"" {
                quoted.toggle()
                wasQuoted = true
            } else if scalar == "{" && !quoted {
                return nil
            } else if scalar == "," && !quoted {
                let item = String(current)
                items.append(!wasQuoted && item == "NULL" ? nil : item)
                current = String.UnicodeScalarView()
                wasQuoted = false
            } else {
                current.append(scalar)
            }
        }
        guard !quoted, !escaped else { return nil }
        let item = String(current)
        items.append(!wasQuoted && item == "NULL" ? nil : item)
        return items
    }
}
