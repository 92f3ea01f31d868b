import Postgres
import TestSupport
import Testing

@Suite("Transactions")
struct TransactionTests {
    @Test("a transaction rolled back on throw leaves nothing behind")
    func rollbackOnThrow() async throws {
        let pool = TestDatabase.pool()
        let table = TestDatabase.uniqueName("tx")
        try await pool.query("CREATE TABLE \(table) (id int PRIMARY KEY)")
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await pool.withTransaction { tx in
                try await tx.query("INSERT INTO \(table) VALUES (1), (2)")
                throw Boom()
            }
        }
        #expect(try await pool.query("SELECT count(*)::int8 AS n FROM \(table)").first?.decode("n", as: Int.self) == 0)
        try await pool.withTransaction { tx in try await tx.query("INSERT INTO \(table) VALUES (3)") }
        #expect(try await pool.query("SELECT count(*)::int8 AS n FROM \(table)").first?.decode("n", as: Int.self) == 1)
        try await pool.query("DROP TABLE \(table)")
    }

    @Test("a savepoint undoes only its own work")
    func savepoint() async throws {
        let connection = try await TestDatabase.connect()
        let table = TestDatabase.uniqueName("sp")
        try await connection.query("CREATE TEMP TABLE \(table) (id int PRIMARY KEY)")
        try await connection.withTransaction { tx in
            try await tx.query("INSERT INTO \(table) VALUES (1)")
            await #expect(throws: PostgresError.self) {
                try await tx.withSavepoint { sp in
                    try await sp.query("INSERT INTO \(table) VALUES (2)")
                    try await sp.query("INSERT INTO \(table) VALUES (1)")  // duplicate: fails
                }
            }
            try await tx.query("INSERT INTO \(table) VALUES (3)")
        }
        let ids = try await connection.query("SELECT id FROM \(table) ORDER BY id").map {
            try $0.decode("id", as: Int.self)
        }
        #expect(ids == [1, 3])
    }

    @Test("an error swallowed inside the transaction makes the commit fail instead of silently rolling back")
    func swallowedError() async throws {
        let connection = try await TestDatabase.connect()
        let table = TestDatabase.uniqueName("swallow")
        try await connection.query("CREATE TEMP TABLE \(table) (id int PRIMARY KEY)")
        let error = await #expect(throws: PostgresError.self) {
            try await connection.withTransaction { tx in
                try await tx.query("INSERT INTO \(table) VALUES (1)")
                _ = try? await tx.query("INSERT INTO \(table) VALUES (1)")
            }
        }
        #expect(error?.sqlState == "25P02")
        #expect(
            try await connection.query("SELECT count(*)::int8 AS n FROM \(table)").first?.decode("n", as: Int.self) == 0
        )
    }

    @Test("serialization failures are retried until the transaction commits")
    func retriesSerializationFailures() async throws {
        let pool = TestDatabase.pool(maxConnections: 8)
        let table = TestDatabase.uniqueName("counter")
        try await pool.query("CREATE TABLE \(table) (id int PRIMARY KEY, n int NOT NULL)")
        try await pool.query("INSERT INTO \(table) VALUES (1, 0)")
        let attempts = AttemptCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await pool.withRetryingTransaction(.serializable, maxAttempts: 50) { tx in
                        await attempts.increment()
                        let n = try #require(try await tx.query("SELECT n FROM \(table) WHERE id = 1").first).decode(
                            "n", as: Int.self)
                        try await Task.sleep(for: .milliseconds(5))
                        try await tx.query("UPDATE \(table) SET n = $1 WHERE id = 1", [n + 1])
                    }
                }
            }
            try await group.waitForAll()
        }
        // Every increment landed exactly once, and at least one transaction had to run again.
        #expect(try await pool.query("SELECT n FROM \(table)").first?.decode("n", as: Int.self) == 8)
        #expect(await attempts.value > 8)
        try await pool.query("DROP TABLE \(table)")
    }
}

actor AttemptCounter {
    var value = 0
    func increment() { value += 1 }
}
