import CLibpq
import Foundation

/// The rows of one statement, read straight from libpq's `PGresult` (no copy), freed when released.
///
/// A `PGresult` is immutable once libpq has handed it over and belongs to no connection, so it may be read
/// from any thread.
// unchecked: PGresult is immutable and connection-independent
public final class PostgresResult: @unchecked Sendable, Sequence {
    private let result: OpaquePointer
    /// Number of rows returned.
    public let rowCount: Int
    /// Number of columns.
    public let columnCount: Int

    init(_ result: OpaquePointer) {
        self.result = result
        rowCount = Int(PQntuples(result))
        columnCount = Int(PQnfields(result))
    }

    deinit { PQclear(result) }

    /// Rows inserted, updated, deleted or copied, as the command tag reports (0 when it reports none).
    public var affectedRows: Int { Int(String(cString: PQcmdTuples(result))) ?? 0 }

    /// The command tag, e.g. `INSERT 0 1`.
    public var commandTag: String { String(cString: PQcmdStatus(result)) }

    /// The column names, in order.
    public var columns: [String] { (0..<columnCount).map(columnName) }

    func columnName(_ index: Int) -> String { String(cString: PQfname(result, Int32(index))) }

    /// The column index of `name` (exact, case-sensitive), or nil.
    public func columnIndex(_ name: String) -> Int? {
        name.withCString { wanted in
            for index in 0..<columnCount where strcmp(PQfname(result, Int32(index)), wanted) == 0 { return index }
            return nil
        }
    }

    public subscript(_ row: Int) -> PostgresRow {
        precondition(row >= 0 && row < rowCount, "row \(row) out of range 0..<\(rowCount)")
        return PostgresRow(result: self, index: row)
    }

    /// The first row, if any.
    public var first: PostgresRow? { rowCount > 0 ? self[0] : nil }
    public var isEmpty: Bool { rowCount == 0 }

    public func makeIterator() -> AnyIterator<PostgresRow> {
        var next = 0
        return AnyIterator { [self] in
            guard next < rowCount else { return nil }
            defer { next += 1 }
            return PostgresRow(result: self, index: next)
        }
    }

    func cell(row: Int, column: Int) -> PostgresCell {
        let name = columnName(column)
        let type = UInt32(PQftype(result, Int32(column)))
        if PQgetisnull(result, Int32(row), Int32(column)) != 0 {
            return PostgresCell(bytes: nil, type: type, column: name)
        }
        let length = Int(PQgetlength(result, Int32(row), Int32(column)))
        let bytes = UnsafeRawBufferPointer(start: PQgetvalue(result, Int32(row), Int32(column)), count: length)
        return PostgresCell(bytes: bytes, type: type, column: name)
    }

    func withCell<T>(row: Int, column: Int, _ body: (PostgresCell) throws -> T) rethrows -> T {
        try withExtendedLifetime(self) { try body(cell(row: row, column: column)) }
    }
}

/// One row of a `PostgresResult`.
public struct PostgresRow: Sendable {
    let result: PostgresResult
    let index: Int

    /// Decodes the column named `column` as `T`. A NULL (unless `T` is Optional), a missing column or a type
    /// mismatch throws a `PostgresError` naming the column.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let position = result.columnIndex(column) else {
            throw PostgresError(
                kind: .decoding,
                message: "no column \"\(column)\" in result (has \(result.columns.joined(separator: ", ")))",
                column: column)
        }
        return try decode(position, as: type)
    }

    /// Decodes the column at `position` (from 0) as `T`.
    public func decode<T: PostgresDecodable>(_ position: Int, as type: T.Type = T.self) throws -> T {
        guard position >= 0, position < result.columnCount else {
            throw PostgresError(
                kind: .decoding, message: "column index \(position) out of range 0..<\(result.columnCount)")
        }
        return try result.withCell(row: index, column: position) { cell in
            cell.bytes == nil ? try T.decodeNull(column: cell.column) : try T.decode(from: cell)
        }
    }

    /// True when the column is SQL NULL.
    public func isNull(_ column: String) -> Bool {
        guard let position = result.columnIndex(column) else { return true }
        return result.withCell(row: index, column: position) { $0.bytes == nil }
    }
}
