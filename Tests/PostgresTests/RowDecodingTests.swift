import Foundation
import HeraldCore
import Postgres
import TestSupport
import Testing

@Suite("Typed rows and parameters")
struct RowDecodingTests {
    @Test("every supported type round-trips through a parameter and a column")
    func roundTrips() async throws {
        let connection = try await TestDatabase.connect()
        let id = UUID()
        let when = Date(timeIntervalSince1970: 1_700_000_000.123456)
        let row = try #require(
            try await connection.query(
                """
                SELECT $1::text AS t, $2::int2 AS i2, $3::int4 AS i4, $4::int8 AS i8, $5::bool AS b, $6::float8 AS f,
                       $7::numeric AS n, $8::uuid AS u, $9::timestamptz AS ts, $10::date AS d, $11::interval AS iv,
                       $12::jsonb AS j, $13::text[] AS ta, $14::uuid[] AS ua, $15::bytea AS by
                """,
                [
                    "héllo ✉️", Int16(-12), Int32(123_456), Int.max, true, 0.1,
                    Decimal(string: "12345678901234567890.123456789")!,
                    id, when, PostgresDate(year: 2024, month: 2, day: 29),
                    PostgresInterval(months: 14, days: 3, microseconds: 4 * 3_600_000_000 + 500_000),
                    PostgresJSON(text: #"{"a": [1, "x"]}"#), ["a,b", "c\"d", "{e}", "", "NULL"], [id, id],
                    Data([0, 1, 0xFE, 0xFF]),
                ]
            ).first)
        #expect(try row.decode("t", as: String.self) == "héllo ✉️")
        #expect(try row.decode("i2", as: Int16.self) == -12)
        #expect(try row.decode("i4", as: Int32.self) == 123_456)
        #expect(try row.decode("i8", as: Int.self) == Int.max)
        #expect(try row.decode("b", as: Bool.self) == true)
        #expect(try row.decode("f", as: Double.self) == 0.1)
        #expect(try row.decode("n", as: Decimal.self) == Decimal(string: "12345678901234567890.123456789")!)
        #expect(try row.decode("u", as: UUID.self) == id)
        #expect(try row.decode("ts", as: Date.self).timeIntervalSince1970 == 1_700_000_000.123456)
        #expect(try row.decode("d", as: PostgresDate.self) == PostgresDate(year: 2024, month: 2, day: 29))
        #expect(
            try row.decode("iv", as: PostgresInterval.self)
                == PostgresInterval(months: 14, days: 3, microseconds: 14_400_500_000))
        #expect(try row.decode("j", as: PostgresJSON.self).text == #"{"a": [1, "x"]}"#)
        #expect(try row.decode("ta", as: [String].self) == ["a,b", "c\"d", "{e}", "", "NULL"])
        #expect(try row.decode("ua", as: [UUID].self) == [id, id])
        #expect(try row.decode("by", as: Data.self) == Data([0, 1, 0xFE, 0xFF]))
    }

    @Test("timestamps far from now and before 1970 keep microseconds")
    func timestampEdges() async throws {
        let connection = try await TestDatabase.connect()
        for text in ["1969-12-31 23:59:59.999999+00", "1900-01-01 00:00:00+00", "2100-01-01 12:34:56.789012+00"] {
            let row = try #require(
                try await connection.query("SELECT $1::timestamptz AS ts, $1::timestamptz::text AS text", [text]).first)
            let date = try row.decode("ts", as: Date.self)
            let back = try #require(try await connection.query("SELECT $1::timestamptz::text AS text", [date]).first)
            #expect(try back.decode("text", as: String.self) == row.decode("text", as: String.self))
        }
    }

    @Test("a NULL is nil for Optional and an error naming the column otherwise")
    func nulls() async throws {
        let connection = try await TestDatabase.connect()
        let row = try #require(
            try await connection.query("SELECT NULL::text AS nothing, $1::int4 AS absent", [Int?.none]).first)
        #expect(try row.decode("nothing", as: String?.self) == nil)
        #expect(try row.decode("absent", as: Int?.self) == nil)
        let error = try #require(throws: PostgresError.self) { try row.decode("nothing", as: String.self) }
        #expect(error.kind == .decoding)
        #expect(error.message.contains("\"nothing\" is NULL"))
    }

    @Test("a type mismatch is an error naming the column and both types")
    func mismatch() async throws {
        let connection = try await TestDatabase.connect()
        let row = try #require(try await connection.query("SELECT 42 AS answer, 'x'::text AS letter").first)
        let error = try #require(throws: PostgresError.self) { try row.decode("answer", as: String.self) }
        #expect(error.message.contains("\"answer\" has type int4"))
        let other = try #require(throws: PostgresError.self) { try row.decode("letter", as: Int.self) }
        #expect(other.message.contains("\"letter\" has type text"))
        let missing = try #require(throws: PostgresError.self) { try row.decode("nope", as: Int.self) }
        #expect(missing.message.contains("no column \"nope\""))
    }

    @Test("a parameter with a NUL byte is refused before anything is sent")
    func nulByte() async throws {
        let connection = try await TestDatabase.connect()
        let error = await #expect(throws: PostgresError.self) {
            try await connection.query("SELECT $1::text, $2::text", ["fine", "bad\u{0}byte"])
        }
        #expect(error?.kind == .encoding)
        #expect(error?.message.contains("parameter $2 contains a NUL byte") == true)
        #expect(error?.statusCode == .invalidArgument)
        // The connection is still usable.
        #expect(try await connection.query("SELECT 1 AS one").first?.decode("one", as: Int.self) == 1)
    }

    @Test("injection strings, quotes and emoji are stored and read back verbatim")
    func verbatim() async throws {
        let pool = TestDatabase.pool()
        let table = TestDatabase.uniqueName("verbatim")
        try await pool.query("CREATE TABLE \(table) (id serial PRIMARY KEY, body text NOT NULL)")
        let values = [
            "'; DROP TABLE \(table); --", "Robert'); DELETE FROM \(table) WHERE ('1'='1", "$1 $2 \\x00 \\\\",
            "emoji 😈☺️🇫🇷 and CJK 漢字", "tab\tnewline\ncarriage\r", String(repeating: "長", count: 10_000),
        ]
        for value in values { try await pool.query("INSERT INTO \(table) (body) VALUES ($1)", [value]) }
        let stored = try await pool.query("SELECT body FROM \(table) ORDER BY id").map {
            try $0.decode("body", as: String.self)
        }
        #expect(stored == values)
        try await pool.query("DROP TABLE \(table)")
    }

    @Test("statements are prepared once per connection and reused")
    func preparedReuse() async throws {
        let connection = try await TestDatabase.connect()
        for n in 0..<50 {
            #expect(
                try await connection.query("SELECT $1::int8 + 1 AS n", [n]).first?.decode("n", as: Int.self) == n + 1)
        }
        let prepared = try await connection.query(
            "SELECT count(*)::int8 AS n FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1::int8 + 1%'")
        #expect(try prepared.first?.decode("n", as: Int.self) == 1)
    }

    @Test("a script runs several statements")
    func script() async throws {
        let connection = try await TestDatabase.connect()
        let table = TestDatabase.uniqueName("script")
        try await connection.execute(
            script: "CREATE TEMP TABLE \(table) (x int); INSERT INTO \(table) VALUES (1), (2);")
        #expect(
            try await connection.query("SELECT sum(x)::int8 AS s FROM \(table)").first?.decode("s", as: Int.self) == 3)
    }
}
