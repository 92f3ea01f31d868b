/// One value of a result row in PostgreSQL's text format, valid while its `PostgresResult` lives.
public struct PostgresCell {
    /// The value's bytes, or nil for SQL NULL.
    public let bytes: UnsafeRawBufferPointer?
    /// The column's type OID.
    public let type: UInt32
    /// The column's name, for error messages.
    public let column: String

    /// The text of the value (NULL has already been handled by the caller).
    public var text: String {
        String(decoding: bytes ?? UnsafeRawBufferPointer(start: nil, count: 0), as: UTF8.self)
    }

    /// An error that names the column and says what was expected.
    public func mismatch(_ expected: String) -> PostgresError {
        PostgresError(
            kind: .decoding,
            message: "column \"\(column)\" has type \(PostgresTypeOID.name(type)); expected \(expected)",
            column: column)
    }

    /// An error for text that the type's parser could not read.
    public func malformed(_ what: String) -> PostgresError {
        PostgresError(
            kind: .decoding, message: "column \"\(column)\": cannot read \"\(text)\" as \(what)", column: column)
    }

    func expect(_ types: UInt32..., as expected: String) throws {
        guard types.contains(type) else { throw mismatch(expected) }
    }
}

/// A Swift type a column value can be decoded into.
public protocol PostgresDecodable {
    /// Decodes a non-NULL value. Throws `PostgresError` (kind `.decoding`) naming the column on a type mismatch.
    static func decode(from cell: PostgresCell) throws -> Self
    /// Decodes SQL NULL; the default throws, so only `Optional` accepts NULL.
    static func decodeNull(column: String) throws -> Self
}

extension PostgresDecodable {
    public static func decodeNull(column: String) throws -> Self {
        throw PostgresError(
            kind: .decoding, message: "column \"\(column)\" is NULL; expected \(Self.self)", column: column)
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws -> Wrapped? { try Wrapped.decode(from: cell) }
    public static func decodeNull(column: String) throws -> Wrapped? { nil }
}

/// A Swift value that can be sent as a statement parameter, in PostgreSQL's text format.
public protocol PostgresEncodable: Sendable {
    /// The parameter's text, or nil for SQL NULL.
    var postgresText: String? { get }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public var postgresText: String? { self?.postgresText }
}
