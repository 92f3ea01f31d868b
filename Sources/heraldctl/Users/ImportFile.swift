import API
import Codec
import Domain
import Foundation
import HeraldCore

/// An import file read row by row into encoded `herald.users.v1.ImportRow` messages: JSON lines (each an ImportRow,
/// `{"user": {...}, "consent": {...}}`, or a bare UserProfile, in proto3 JSON), or CSV with a header row.
///
/// CSV columns: `external_id`, `email`, `phone`, `display_name`, `locale`, `timezone`; `marketing` and `analytics`
/// (`true`/`false`: consent, with `consent_source`, default `import`, and `legal_basis`); every other column is an
/// attribute of that name, its value read as JSON when it is a number, `true`, `false`, an array or an object, else as
/// text. An empty cell leaves the field out (an import keeps the stored value).
struct ImportFile {
    enum Format: String { case csv, jsonl }

    /// A line that could not be read: its row number and why (the row is not sent).
    struct BadLine: Error, CustomStringConvertible {
        let row: Int64
        let problem: String
        var description: String { "row \(row): \(problem)" }
    }

    let format: Format
    private let lines: LineReader
    private var header: [String] = []
    /// Rows read so far (the header excluded).
    private(set) var row: Int64 = 0
    private let rowType = HeraldAPI.registry.message("herald.users.v1.ImportRow")!
    private let profileType = "herald.users.v1.UserProfile"
    private let json = ProtoJSON(registry: HeraldAPI.registry)

    init(path: String, format: Format? = nil) throws {
        lines = try LineReader(path: path)
        self.format = format ?? (path.hasSuffix(".csv") ? .csv : .jsonl)
        if self.format == .csv {
            guard let first = lines.next() else {
                throw BadLine(row: 0, problem: "an empty file: expected a header row")
            }
            header = CSV.fields(first).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        }
    }

    /// Rows in `path` (its lines, less the CSV header), for progress and the ETA: newlines counted block by block.
    static func countRows(_ path: String, format: Format) throws -> Int64 {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw BadLine(row: 0, problem: "cannot read \(path)")
        }
        defer { try? handle.close() }
        var count: Int64 = 0
        var last: UInt8 = UInt8(ascii: "\n")
        while true {
            let block = handle.readData(ofLength: 1 << 20)
            guard let end = block.last else { break }
            for byte in block where byte == UInt8(ascii: "\n") { count += 1 }
            last = end
        }
        if last != UInt8(ascii: "\n") { count += 1 }
        return format == .csv ? max(0, count - 1) : count
    }

    /// The next row, encoded; nil at the end; a `BadLine` for a row that cannot be read (reading goes on after it).
    mutating func next() throws -> [UInt8]? {
        var text: String
        repeat {
            guard let line = lines.next() else { return nil }
            text = line
        } while text.allSatisfy(\.isWhitespace)
        row += 1
        do {
            switch format {
            case .jsonl:
                let value = try JSONValue.parse(text)
                let isRow = value.members.contains { $0.0 == "user" || $0.0 == "consent" }
                let message = try json.decode(isRow ? value : .object([("user", value)]), as: rowType.fullName)
                return try rowType.encode(message)
            case .csv:
                let importRow = try csvRow(CSV.fields(text))
                return try rowType.encode { importRow.write(to: $0) }
            }
        } catch let error as BadLine {
            throw error
        } catch {
            throw BadLine(row: row, problem: "\(error)")
        }
    }

    private func csvRow(_ fields: [String]) throws -> ImportRow {
        guard fields.count == header.count else {
            throw BadLine(row: row, problem: "\(fields.count) fields; the header has \(header.count)")
        }
        var user = UserProfile()
        var attributes: [(String, JSONValue)] = []
        var consent = ConsentUpdate(source: "import")
        for (name, value) in zip(header, fields) where !value.isEmpty {
            switch name {
            case "external_id": user.externalID = value
            case "email": user.email = value
            case "phone": user.phone = value
            case "display_name": user.displayName = value
            case "locale": user.locale = value
            case "timezone": user.timezone = value
            case "marketing", "analytics":
                guard let flag = Bool(value.lowercased()) else {
                    throw BadLine(row: row, problem: "\(name): expected true or false, got \(value.prefix(40))")
                }
                if name == "marketing" { consent.marketing = flag } else { consent.analytics = flag }
            case "consent_source": consent.source = value
            case "legal_basis": consent.legalBasis = value
            default: attributes.append((name, Self.attribute(value)))
            }
        }
        if !attributes.isEmpty { user.attributes = .object(attributes.sorted { $0.0 < $1.0 }) }
        return ImportRow(user: user, consent: consent.marketing == nil && consent.analytics == nil ? nil : consent)
    }

    /// A CSV cell as an attribute value.
    static func attribute(_ text: String) -> JSONValue {
        if let first = text.first, "-0123456789[{tf".contains(first), let value = try? JSONValue.parse(text),
            value != .null
        {
            return value
        }
        return .string(text)
    }
}

/// The lines of a file, read in blocks (a file of millions of rows is never held whole).
final class LineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var finished = false

    init(path: String) throws {
        guard let handle = path == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: path) else {
            throw ImportFile.BadLine(row: 0, problem: "cannot read \(path)")
        }
        self.handle = handle
    }

    func next() -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[start..<newline], as: UTF8.self)
                start = newline + 1
                return line
            }
            if finished {
                guard start < buffer.count else { return nil }
                let line = String(decoding: buffer[start...], as: UTF8.self)
                start = buffer.count
                return line
            }
            buffer.removeFirst(start)
            start = 0
            let block = handle.readData(ofLength: 1 << 20)
            if block.isEmpty { finished = true } else { buffer.append(contentsOf: block) }
        }
    }
}
