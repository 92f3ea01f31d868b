import HeraldCore
import Postgres
import TestSupport
import Testing

@Suite("Errors carry what the server said and map once to gRPC codes")
struct ErrorMappingTests {
    @Test("a unique violation is ALREADY_EXISTS with constraint and table")
    func uniqueViolation() async throws {
        let pool = TestDatabase.pool()
        let table = TestDatabase.uniqueName("uniq")
        try await pool.query("CREATE TABLE \(table) (email text CONSTRAINT \(table)_email UNIQUE)")
        try await pool.query("INSERT INTO \(table) VALUES ($1)", ["a@example.com"])
        let error = await #expect(throws: PostgresError.self) {
            try await pool.query("INSERT INTO \(table) VALUES ($1)", ["a@example.com"])
        }
        #expect(error?.sqlState == "23505")
        #expect(error?.statusCode == .alreadyExists)
        #expect(error?.constraint == "\(table)_email")
        #expect(error?.table == table)
        #expect(error?.detail?.contains("a@example.com") == true)
        try await pool.query("DROP TABLE \(table)")
    }

    @Test("foreign key and check violations map to FAILED_PRECONDITION and INVALID_ARGUMENT")
    func constraintViolations() async throws {
        let connection = try await TestDatabase.connect()
        let parent = TestDatabase.uniqueName("parent")
        try await connection.execute(
            script: """
                CREATE TEMP TABLE \(parent) (id int PRIMARY KEY);
                CREATE TEMP TABLE \(parent)_child (parent int REFERENCES \(parent)(id), n int CHECK (n > 0));
                """)
        let fk = await #expect(throws: PostgresError.self) {
            try await connection.query("INSERT INTO \(parent)_child VALUES (1, 1)")
        }
        #expect(fk?.statusCode == .failedPrecondition)
        let check = await #expect(throws: PostgresError.self) {
            try await connection.query("INSERT INTO \(parent)_child VALUES (NULL, -1)")
        }
        #expect(check?.statusCode == .invalidArgument)
        #expect(check?.sqlState == "23514")
    }

    @Test(
        "SQLSTATE to status code table",
        arguments: [
            ("40001", StatusCode.aborted), ("40P01", .aborted), ("23505", .alreadyExists),
            ("23503", .failedPrecondition),
            ("23514", .invalidArgument), ("22P02", .invalidArgument), ("08006", .unavailable), ("57P01", .unavailable),
            ("57014", .deadlineExceeded), ("42601", .internal), ("53300", .resourceExhausted),
        ])
    func mapping(sqlState: String, code: StatusCode) {
        #expect(PostgresError(kind: .server, message: "x", sqlState: sqlState).statusCode == code)
    }

    @Test("connection failures are UNAVAILABLE and retryable")
    func connectionFailure() async throws {
        let error = await #expect(throws: PostgresError.self) {
            try await PostgresConnection.connect(
                .init(conninfo: "postgresql://herald@127.0.0.1:1/herald", connectTimeout: .seconds(2)))
        }
        #expect(error?.kind == .connection)
        #expect(error?.statusCode == .unavailable)
        #expect(error?.isRetryable == true)
    }
}
