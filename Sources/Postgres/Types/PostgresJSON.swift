import Foundation

/// A `json` or `jsonb` value, kept as its JSON text.
public struct PostgresJSON: Hashable, Sendable, PostgresDecodable, PostgresEncodable {
    /// The JSON text.
    public var text: String

    public init(text: String) { self.text = text }

    /// Encodes a value with `JSONEncoder` (sorted keys, so equal values give equal text).
    public init(encoding value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        text = String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes the JSON text with `JSONDecoder`.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    public static func decode(from cell: PostgresCell) throws -> PostgresJSON {
        try cell.expect(PostgresTypeOID.jsonb, PostgresTypeOID.json, as: "json or jsonb")
        return PostgresJSON(text: cell.text)
    }

    public var postgresText: String? { text }
}
