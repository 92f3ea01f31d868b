import Codec
import Domain
import Postgres

/// Typed reads of a service's columns: enums stored as their PostgreSQL labels, JSON columns holding domain values.
extension PostgresRow {
    /// An enum column (or a `::text` cast of one) as its domain enum; a label this build does not know is an error
    /// naming the column.
    public func enumeration<E: WireEnum>(_ column: String, as type: E.Type = E.self) throws -> E {
        let text: String = try decode(column)
        guard let value = E(rawValue: text) else {
            throw PostgresError(kind: .decoding, message: "column \(column): unknown \(E.self) \"\(text)\"")
        }
        return value
    }

    /// A JSON column as a domain value; nil for SQL NULL. JSON that is not a `T` is an error naming the column.
    public func json<T: Decodable>(_ column: String, as type: T.Type = T.self) throws -> T? {
        guard let text = try decode(column, as: PostgresJSON?.self) else { return nil }
        do {
            return try text.decode(type)
        } catch {
            throw PostgresError(kind: .decoding, message: "column \(column): stored JSON is not a \(T.self): \(error)")
        }
    }

    /// A JSON column as JSON; nil for SQL NULL. Read by Codec's own parser (a tenth of what `JSONDecoder` costs
    /// building the same value through Codable, which showed in profiles of reads of many rows).
    public func json(_ column: String, as type: JSONValue.Type = JSONValue.self) throws -> JSONValue? {
        guard let text = try decode(column, as: PostgresJSON?.self) else { return nil }
        do {
            return try JSONValue.parse(text.text)
        } catch {
            throw PostgresError(kind: .decoding, message: "column \(column): stored JSON is not JSON: \(error)")
        }
    }
}
