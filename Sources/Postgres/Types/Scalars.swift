import Foundation
import HeraldCore

extension String: PostgresDecodable, PostgresEncodable {
    /// Text-like columns (text, varchar, char, name, json, jsonb) and user-defined enums decode as String.
    public static func decode(from cell: PostgresCell) throws -> String {
        switch cell.type {
        case PostgresTypeOID.text, PostgresTypeOID.varchar, PostgresTypeOID.bpchar, PostgresTypeOID.name,
            PostgresTypeOID.unknown, PostgresTypeOID.json, PostgresTypeOID.jsonb:
            return cell.text
        case let oid where oid >= PostgresTypeOID.firstUserDefined:
            return cell.text
        default:
            throw cell.mismatch("a text type (text, varchar, char, name, json, an enum)")
        }
    }
    public var postgresText: String? { self }
}

extension Substring: PostgresEncodable {
    public var postgresText: String? { String(self) }
}

/// Parses ASCII decimal digits with an optional sign straight from the cell's bytes.
private func parseInteger(_ cell: PostgresCell) -> Int? {
    guard let bytes = cell.bytes, !bytes.isEmpty else { return nil }
    var index = 0
    var negative = false
    if bytes[0] == UInt8(ascii: "-") {
        negative = true
        index = 1
    }
    guard index < bytes.count else { return nil }
    var value = 0
    while index < bytes.count {
        let digit = Int(bytes[index]) - 48
        guard digit >= 0, digit <= 9 else { return nil }
        let (m, o1) = value.multipliedReportingOverflow(by: 10)
        let (s, o2) = negative ? m.subtractingReportingOverflow(digit) : m.addingReportingOverflow(digit)
        if o1 || o2 { return nil }
        value = s
        index += 1
    }
    return value
}

extension Int: PostgresDecodable, PostgresEncodable {
    public static func decode(from cell: PostgresCell) throws -> Int {
        try cell.expect(
            PostgresTypeOID.int2, PostgresTypeOID.int4, PostgresTypeOID.int8, PostgresTypeOID.oid,
            as: "an integer (int2, int4, int8)")
        guard let value = parseInteger(cell) else { throw cell.malformed("an integer") }
        return value
    }
    public var postgresText: String? { String(self) }
}

extension Int64: PostgresDecodable, PostgresEncodable {
    public static func decode(from cell: PostgresCell) throws -> Int64 { Int64(try Int.decode(from: cell)) }
    public var postgresText: String? { String(self) }
}

extension Int32: PostgresDecodable, PostgresEncodable {
    public static func decode(from cell: PostgresCell) throws -> Int32 {
        try cell.expect(PostgresTypeOID.int2, PostgresTypeOID.int4, as: "int2 or int4")
        guard let value = parseInteger(cell).flatMap(Int32.init(exactly:)) else { throw cell.malformed("int4") }
        return value
    }
    public var postgresText: String? { String(self) }
}

extension Int16: PostgresDecodable, PostgresEncodable {
    public static func decode(from cell: PostgresCell) throws -> Int16 {
        try cell.expect(PostgresTypeOID.int2, as: "int2")
        guard let value = parseInteger(cell).flatMap(Int16.init(exactly:)) else { throw cell.malformed("int2") }
        return value
    }
    public var postgresText: String? { String(self) }
}

extension Bool: PostgresDecodable, PostgresEncodable {
    public static func decode(from cell: PostgresCell) throws -> Bool {
        try cell.expect(PostgresTypeOID.bool, as: "bool")
        switch cell.bytes?.first {
        case UInt8(ascii: "t"): return true
        case UInt8(ascii: "f"): return false
        default: throw cell.malformed("bool")
        }
    }
    public var postgresText: String? { self ? "t" : "f" }
}

extension Double: PostgresDecodable, PostgresEncodable {
    public static func decode(from cell: PostgresCell) throws -> Double {
        try cell.expect(PostgresTypeOID.float8, PostgresTypeOID.float4, as: "float8 or float4")
        guard let value = Double(cell.text) else { throw cell.malformed("float8") }
        return value
    }
    /// `Double.description` is the shortest text that reads back exactly; PostgreSQL spells the specials.
    public var postgresText: String? {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return description
    }
}

extension Decimal: PostgresDecodable, PostgresEncodable {
    /// `numeric` decodes exactly (Foundation's Decimal keeps 38 significant digits).
    public static func decode(from cell: PostgresCell) throws -> Decimal {
        try cell.expect(
            PostgresTypeOID.numeric, PostgresTypeOID.int2, PostgresTypeOID.int4, PostgresTypeOID.int8, as: "numeric")
        guard let value = Decimal(string: cell.text, locale: Locale(identifier: "en_US_POSIX")), !value.isNaN else {
            throw cell.malformed("numeric")
        }
        return value
    }
    public var postgresText: String? { isNaN ? "NaN" : description }
}

extension UUID: PostgresDecodable, PostgresEncodable {
    public static func decode(from cell: PostgresCell) throws -> UUID {
        try cell.expect(PostgresTypeOID.uuid, as: "uuid")
        guard let bytes = cell.bytes, let value = UUID(canonical: bytes) else { throw cell.malformed("uuid") }
        return value
    }

    /// Lower case, as PostgreSQL prints it.
    public var postgresText: String? { lowercased }
}

extension Data: PostgresDecodable, PostgresEncodable {
    /// `bytea` in the hex output format (`\x0a0b`), the default since PostgreSQL 9.0.
    public static func decode(from cell: PostgresCell) throws -> Data {
        try cell.expect(PostgresTypeOID.bytea, as: "bytea")
        guard let bytes = cell.bytes, bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"),
            bytes.count % 2 == 0
        else { throw cell.malformed("bytea (hex format)") }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        // Into a buffer of the final size: appending to Data byte by byte cost more than the query.
        var malformed = false
        let decoded = [UInt8](unsafeUninitializedCapacity: (bytes.count - 2) / 2) { buffer, count in
            var index = 2
            while index < bytes.count {
                guard let high = nibble(bytes[index]), let low = nibble(bytes[index + 1]) else {
                    malformed = true
                    break
                }
                buffer[count] = high << 4 | low
                count += 1
                index += 2
            }
        }
        if malformed { throw cell.malformed("bytea") }
        return Data(decoded)
    }

    /// Hex text, so that any byte (NUL included) travels in a text parameter.
    public var postgresText: String? {
        withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: 2 + bytes.count * 2) { out in
                let digits: StaticString = "0123456789abcdef"
                out[0] = UInt8(ascii: "\\")
                out[1] = UInt8(ascii: "x")
                for (index, byte) in bytes.enumerated() {
                    out[2 + 2 * index] = digits.utf8Start[Int(byte >> 4)]
                    out[3 + 2 * index] = digits.utf8Start[Int(byte & 0xF)]
                }
                return 2 + bytes.count * 2
            }
        }
    }
}
