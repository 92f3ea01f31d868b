import CLibpq

/// One row being written for `COPY ... FROM STDIN` in PostgreSQL's text format.
public struct PostgresCopyRow {
    var buffer: [UInt8]
    private var fieldCount = 0
    var error: String?

    init(buffer: [UInt8]) { self.buffer = buffer }

    /// A row (or a run of fields) to write ahead of the COPY, on another thread, and splice in with `append(fields:)`.
    public init() { buffer = [] }

    /// The fields written so far, tab-separated: a fragment for `append(fields:)`.
    public var fields: [UInt8] { buffer }

    /// Why a field could not be written (a NUL byte), if one could not.
    public var encodingError: String? { error }

    /// Appends fields encoded ahead (`fields` of another row), as they are.
    public mutating func append(fields fragment: [UInt8]) {
        separator()
        buffer.append(contentsOf: fragment)
    }

    private mutating func separator() {
        if fieldCount > 0 { buffer.append(9) }
        fieldCount += 1
    }

    /// Appends text, escaping backslash, tab, newline and carriage return. A NUL byte is an error.
    public mutating func append(_ text: String) {
        separator()
        var text = text
        text.withUTF8 { bytes in
            // Most text has nothing to escape: appended whole.
            if !bytes.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x00 }) {
                buffer.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case 0x5C:
                    buffer.append(0x5C)
                    buffer.append(0x5C)
                case 0x09:
                    buffer.append(0x5C)
                    buffer.append(UInt8(ascii: "t"))
                case 0x0A:
                    buffer.append(0x5C)
                    buffer.append(UInt8(ascii: "n"))
                case 0x0D:
                    buffer.append(0x5C)
                    buffer.append(UInt8(ascii: "r"))
                case 0x00: if error == nil { error = "field \(fieldCount) contains a NUL byte" }
                default: buffer.append(byte)
                }
            }
        }
    }

    /// Appends an integer without going through a String.
    public mutating func append(_ value: Int) {
        separator()
        if value == 0 {
            buffer.append(48)
            return
        }
        var magnitude = value.magnitude
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        let start = buffer.count
        while magnitude > 0 {
            buffer.append(UInt8(48 + magnitude % 10))
            magnitude /= 10
        }
        buffer[start...].reverse()
    }

    /// Appends any encodable value (NULL when it has no text).
    public mutating func append(_ value: some PostgresEncodable) {
        guard let text = value.postgresText else {
            appendNull()
            return
        }
        append(text)
    }

    /// Appends bytes as a bytea field (hex format, written straight into the row).
    public mutating func append(bytea bytes: [UInt8]) {
        separator()
        let digits: StaticString = "0123456789abcdef"
        buffer.reserveCapacity(buffer.count + 3 + bytes.count * 2)
        buffer.append(0x5C)  // COPY's escape for the backslash of \x
        buffer.append(0x5C)
        buffer.append(UInt8(ascii: "x"))
        for byte in bytes {
            buffer.append(digits.utf8Start[Int(byte >> 4)])
            buffer.append(digits.utf8Start[Int(byte & 0xF)])
        }
    }

    public mutating func appendNull() {
        separator()
        buffer.append(0x5C)
        buffer.append(UInt8(ascii: "N"))
    }

    mutating func finish() {
        buffer.append(0x0A)
        fieldCount = 0
    }
}

extension PostgresConnection {
    /// Streams rows into `COPY table (columns) FROM STDIN` and returns how many rows were copied.
    ///
    /// `encode` writes one element's fields into the row; rows are sent in chunks of about 256 KiB as they are
    /// produced, so memory stays flat however many rows there are. A field with a NUL byte aborts the COPY
    /// (nothing is stored) with an error naming the row.
    public func copyFrom<Rows: Sequence>(
        _ sql: String, rows: sending Rows, encode: sending (Rows.Element, inout PostgresCopyRow) -> Void
    ) async throws -> Int {
        try begin()
        defer { end() }
        guard PQsendQuery(handle, sql) == 1 else { throw fail("cannot send COPY") }
        try await flush()
        guard let start = try await nextResult() else {
            throw PostgresError(kind: .protocolViolation, message: "COPY produced no result", query: sql)
        }
        let startStatus = PQresultStatus(start)
        if startStatus != PGRES_COPY_IN {
            let error =
                startStatus == PGRES_FATAL_ERROR
                ? PostgresError.server(start, query: sql)
                : PostgresError(kind: .encoding, message: "statement is not COPY ... FROM STDIN", query: sql)
            PQclear(start)
            while let extra = try await nextResult() { PQclear(extra) }
            throw error
        }
        PQclear(start)

        let chunkSize = 256 * 1024
        var row = PostgresCopyRow(buffer: [])
        row.buffer.reserveCapacity(chunkSize + 4096)
        var abort: String?
        var rowNumber = 0
        for element in rows {
            rowNumber += 1
            encode(element, &row)
            if let error = row.error {
                abort = "row \(rowNumber): \(error)"
                break
            }
            row.finish()
            if row.buffer.count >= chunkSize {
                try await send(row.buffer)
                row.buffer.removeAll(keepingCapacity: true)
                // the rows are encoded on the loop: its other connections get a turn per chunk
                try await giveLoopATurn()
            }
        }
        if abort == nil, !row.buffer.isEmpty { try await send(row.buffer) }
        while true {
            let ended = abort.map { PQputCopyEnd(handle, $0) } ?? PQputCopyEnd(handle, nil)
            if ended == 1 { break }
            if ended < 0 { throw fail("cannot end COPY") }
            try await flush()
        }
        do {
            let result = try await collect(query: sql)
            return result.affectedRows
        } catch var error as PostgresError {
            if let abort {
                error.kind = .encoding
                error.message = "COPY aborted, nothing stored: \(abort)"
            }
            throw error
        }
    }

    private func send(_ bytes: [UInt8]) async throws {
        while true {
            let queued = bytes.withUnsafeBytes { raw in
                PQputCopyData(handle, raw.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(raw.count))
            }
            if queued == 1 { break }
            if queued < 0 { throw fail("cannot send COPY data") }
            try await flush()
        }
        try await flush()
    }
}
