import EventLoop
import Foundation
import Postgres
import TestSupport
import Testing

@Suite("COPY and pipelines")
struct BulkTests {
    @Test("COPY streams many rows with special characters and NULLs")
    func copy() async throws {
        let connection = try await TestDatabase.connect()
        let table = TestDatabase.uniqueName("copy")
        try await connection.query("CREATE TEMP TABLE \(table) (id int8, name text, note text)")
        let count = try await connection.copyFrom("COPY \(table) (id, name, note) FROM STDIN", rows: 0..<50_000) {
            n, row in
            row.append(n)
            row.append("name \(n)\twith\\tab\nand ✉️")
            if n % 2 == 0 { row.appendNull() } else { row.append("odd") }
        }
        #expect(count == 50_000)
        let summary = try #require(
            try await connection.query(
                "SELECT count(*)::int8 AS n, count(note)::int8 AS notes, sum(id)::int8 AS total, max(name) FILTER (WHERE id = 7) AS seven FROM \(table)"
            ).first)
        #expect(try summary.decode("n", as: Int.self) == 50_000)
        #expect(try summary.decode("notes", as: Int.self) == 25_000)
        #expect(try summary.decode("total", as: Int.self) == (0..<50_000).reduce(0, +))
        #expect(try summary.decode("seven", as: String.self) == "name 7\twith\\tab\nand ✉️")
    }

    @Test("COPY rows with fields encoded ahead of time and bytea written straight: stored exactly")
    func copyFieldsEncodedAhead() async throws {
        let connection = try await TestDatabase.connect()
        let table = TestDatabase.uniqueName("copyahead")
        try await connection.query("CREATE TEMP TABLE \(table) (id int8, b bytea, note text, tail text)")
        let payloads: [[UInt8]] = [[], [0, 1, 0x5C, 0x0A, 0xFF], Array(0...255)]
        let ahead: [[UInt8]] = payloads.map { bytes in
            var fields = PostgresCopyRow()
            fields.append(bytea: bytes)
            fields.append("tab\there")
            return fields.fields
        }
        let count = try await connection.copyFrom("COPY \(table) (id, b, note, tail) FROM STDIN", rows: 0..<3) {
            n, row in
            row.append(n)
            row.append(fields: ahead[n])
            row.append("end \(n)")
        }
        #expect(count == 3)
        let rows = try await connection.query("SELECT id, b, note, tail FROM \(table) ORDER BY id")
        for (n, row) in rows.enumerated() {
            #expect(try row.decode("b", as: Data.self) == Data(payloads[n]))
            #expect(try row.decode("note", as: String.self) == "tab\there")
            #expect(try row.decode("tail", as: String.self) == "end \(n)")
        }
    }

    @Test("a bulk COPY does not hold its event loop: a timer on the same loop keeps firing while the rows are encoded")
    func copyLetsTheLoopTurn() async throws {
        let loop = EventLoop(name: "copy-turns")  // its own loop: only this COPY runs on it
        defer { loop.shutdown() }
        let connection = try await PostgresConnection.connect(TestDatabase.configuration(), on: loop)
        let table = TestDatabase.uniqueName("copyturns")
        try await connection.query("CREATE TEMP TABLE \(table) (id int8, name text)")
        // A 20 ms tick on the connection's loop, recording the longest gap between ticks.
        final class Ticks: @unchecked Sendable {  // touched on `loop` only, read after it stops
            var last = ContinuousClock.now
            var longest = Duration.zero
            var timer: LoopTimer?
            var running = true
            func tick(on loop: EventLoop) {
                let now = ContinuousClock.now
                longest = max(longest, now - last)
                last = now
                guard running else { return }
                timer = LoopTimer(loop: loop, after: .milliseconds(20)) { [self] in tick(on: loop) }
            }
        }
        let ticks = Ticks()
        loop.execute { ticks.tick(on: loop) }
        let started = ContinuousClock.now
        let count = try await connection.copyFrom("COPY \(table) (id, name) FROM STDIN", rows: 0..<1_000_000) {
            n, row in
            row.append(n)
            row.append("a row of the bulk load, number \(n)")
        }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            loop.execute {
                ticks.running = false
                ticks.timer = nil
                done.resume()
            }
        }
        let took = ContinuousClock.now - started
        #expect(count == 1_000_000)
        // Encoding a million rows takes seconds in a debug build; the loop gets a turn after each 256 KiB chunk
        // (about 6,000 rows, some 170 turns). When the COPY held the loop, the timer waited for the whole encoding;
        // so the bound is a share of the COPY's own time, not a figure that depends on the machine or its load.
        #expect(ticks.longest < took / 4, "the loop's timer waited \(ticks.longest) during a COPY of \(took)")
    }

    @Test("a NUL byte aborts the COPY and nothing is stored")
    func copyAbort() async throws {
        let connection = try await TestDatabase.connect()
        let table = TestDatabase.uniqueName("copynul")
        try await connection.query("CREATE TEMP TABLE \(table) (name text)")
        let error = await #expect(throws: PostgresError.self) {
            try await connection.copyFrom("COPY \(table) FROM STDIN", rows: ["ok", "bad\u{0}", "never"]) { value, row in
                row.append(value)
            }
        }
        #expect(error?.message.contains("row 2") == true)
        #expect(
            try await connection.query("SELECT count(*)::int8 AS n FROM \(table)").first?.decode("n", as: Int.self) == 0
        )
    }

    @Test("a pipeline runs a batch in one round trip and returns each result")
    func pipeline() async throws {
        let connection = try await TestDatabase.connect()
        let table = TestDatabase.uniqueName("pipe")
        try await connection.query("CREATE TEMP TABLE \(table) (id int PRIMARY KEY, label text)")
        var statements = (1...100).map {
            PostgresStatement("INSERT INTO \(table) VALUES ($1, $2)", [$0, "label \($0)"])
        }
        statements.append(PostgresStatement("SELECT count(*)::int8 AS n FROM \(table)"))
        let results = try await connection.pipeline(statements)
        #expect(results.count == 101)
        #expect(try results.last?.first?.decode("n", as: Int.self) == 100)
        #expect(results.first?.affectedRows == 1)
    }

    @Test("a failing statement rolls back the whole pipeline and names its position")
    func pipelineFailure() async throws {
        let connection = try await TestDatabase.connect()
        let table = TestDatabase.uniqueName("pipefail")
        try await connection.query("CREATE TEMP TABLE \(table) (id int PRIMARY KEY)")
        let error = await #expect(throws: PostgresError.self) {
            try await connection.pipeline([
                PostgresStatement("INSERT INTO \(table) VALUES (1)"),
                PostgresStatement("INSERT INTO \(table) VALUES (1)"),
                PostgresStatement("INSERT INTO \(table) VALUES (2)"),
            ])
        }
        #expect(error?.sqlState == "23505")
        #expect(error?.message.hasPrefix("statement 2 of 3") == true)
        #expect(
            try await connection.query("SELECT count(*)::int8 AS n FROM \(table)").first?.decode("n", as: Int.self) == 0
        )
    }
}

@Suite("LISTEN and NOTIFY")
struct ListenTests {
    @Test("a listener receives notifications sent through the pool, in order")
    func notifications() async throws {
        let channel = TestDatabase.uniqueName("events")
        let listener = try PostgresListener(channels: [channel], configuration: TestDatabase.configuration())
        var iterator = listener.events.makeAsyncIterator()
        #expect(await iterator.next() == .listening)
        let pool = TestDatabase.pool()
        for n in 0..<5 { try await pool.query("SELECT pg_notify($1, $2)", [channel, "payload \(n) ✉️"]) }
        var payloads: [String] = []
        while payloads.count < 5, let event = await iterator.next() {
            if case .notification(let notification) = event {
                #expect(notification.channel == channel)
                payloads.append(notification.payload)
            }
        }
        #expect(payloads == (0..<5).map { "payload \($0) ✉️" })
        listener.stop()
    }

    @Test("a channel name that is not an identifier is refused")
    func badChannel() {
        #expect(throws: PostgresError.self) {
            try PostgresListener(channels: ["x; DROP TABLE y"], configuration: TestDatabase.configuration())
        }
    }
}
