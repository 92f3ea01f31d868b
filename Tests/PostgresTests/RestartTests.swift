import Foundation
import HeraldCore
import Postgres
import TestSupport
import Testing

/// PostgreSQL restarted in the middle of a run. `tools/test` gives this suite a second, private cluster
/// (HERALD_TEST_RESTART_DATABASE_URL) and the command that restarts it (HERALD_TEST_RESTART_COMMAND), so the
/// other suites keep their server.
@Suite("Pool across a PostgreSQL restart")
struct RestartTests {
    static let environment = ProcessInfo.processInfo.environment

    /// Runs the restart command and returns its wait status. Blocking in waitpid, so it runs on a thread of its own
    /// (`runBlocking`): on a thread of the cooperative pool or an event loop it would stall whatever else runs there.
    static func restart(_ command: String) throws -> Int32 {
        var pid = pid_t()
        let words: [String] = ["/bin/sh", "-c", command]
        let arguments: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { for item in arguments { free(item) } }
        // The restarted server outlives this command: it must not inherit this process's descriptors (a pipe
        // another test is reading would then never reach end of file), so everything above stderr is closed.
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let closeFrom = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np"),
            unsafeBitCast(closeFrom, to: CloseFrom.self)(&actions, 3) == 0
        else { throw POSIXError(.ENOSYS) }  // glibc 2.34 or newer needed
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, arguments, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    @Test("a query in flight fails with a retryable error; later queries succeed without a new pool")
    func restartMidRun() async throws {
        let url = try #require(Self.environment["HERALD_TEST_RESTART_DATABASE_URL"], "run the tests through tools/test")
        let pool = TestDatabase.pool(maxConnections: 4, acquireTimeout: .seconds(20), url: url)
        // Warm the pool so idle connections exist that the restart will kill.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { try await pool.query("SELECT pg_sleep(0.05)") } }
            try await group.waitForAll()
        }
        let inFlight = Task { try await pool.query("SELECT pg_sleep(30)") }
        try await Task.sleep(for: .milliseconds(300))
        let command = try #require(Self.environment["HERALD_TEST_RESTART_COMMAND"], "run the tests through tools/test")
        let status = try await runBlocking { try Self.restart(command) }
        #expect(status == 0, "restart command failed: \(command)")
        let error = await #expect(throws: PostgresError.self) { try await inFlight.value }
        #expect(error?.isRetryable == true, "in-flight error should be retryable: \(String(describing: error))")
        #expect(error?.statusCode == .unavailable)

        // Every later query succeeds: stale idle connections are dropped, new ones are opened.
        for n in 0..<20 {
            #expect(try await pool.query("SELECT $1::int8 AS n", [n]).first?.decode("n", as: Int.self) == n)
        }
        try await withThrowingTaskGroup(of: Int.self) { group in
            for n in 0..<16 {
                group.addTask { try await pool.query("SELECT $1::int8 AS n", [n]).first!.decode("n", as: Int.self) }
            }
            var sum = 0
            for try await n in group { sum += n }
            #expect(sum == (0..<16).reduce(0, +))
        }
    }
}
