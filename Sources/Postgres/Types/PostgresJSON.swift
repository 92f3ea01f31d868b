import Foundation

/// A `json` or `jsonb` value, kept as its JSON text.
public struct PostgresJSON: Hashable, Sendable, PostgresDecodable, PostgresEncodable {
    /// The JSON text.
    public var text: String

    public init(text: String) { self.text = text }

    /// Encodes a value as JSON (`JSONTextEncoder`: what `JSONEncoder` would write, without its cost; dates as
    /// PostgreSQL's timestamptz text, to the microsecond, so SQL can compare them).
    public init(encoding value: some Encodable) throws {
        text = try JSONTextEncoder.encode(value)
    }

    /// Decodes the JSON text with `JSONDecoder` (dates as `init(encoding:)` writes them).
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = Date.parseTimestamp(text) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "not a timestamp: \(text)"))
            }
            return date
        }
        return try decoder.decode(type, from: Data(text.utf8))
    }

    public static func decode(from cell: PostgresCell) throws -> PostgresJSON {
        try cell.expect(PostgresTypeOID.jsonb, PostgresTypeOID.json, as: "json or jsonb")
        return PostgresJSON(text: cell.text)
    }

    public var postgresText: String? { text }
}
