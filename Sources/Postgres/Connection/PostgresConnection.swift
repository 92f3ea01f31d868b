import CLibpq
import EventLoop
import Foundation
import HeraldCore
import Logging
import Synchronization

/// Server notices (NOTICE, WARNING) go to the log at debug level instead of libpq's default, stderr.
private let noticeLogger = Logger(label: "herald.postgres.notice")

/// One libpq connection, driven without blocking on its event loop.
///
/// The actor's executor is its loop, so every libpq call runs on the loop thread that watches the socket, and
/// a caller already on that loop reaches it without a thread hop. Statements are sent with
/// `PQsendQueryPrepared` (prepared once per connection and cached) and results collected as the socket
/// becomes readable (`PQconsumeInput`, `PQisBusy`, `PQgetResult`).
///
/// One operation at a time: a pool hands a connection to one user, and a second operation started while one
/// is in flight fails with a `protocolViolation` error instead of corrupting the protocol state.
public actor PostgresConnection {
    /// Options for opening a connection.
    public struct Configuration: Sendable {
        /// A libpq connection URL or `key=value` string.
        public var conninfo: String
        public var connectTimeout: Duration
        /// The server-side `statement_timeout`; nil leaves the server's default.
        public var statementTimeout: Duration?
        public var applicationName: String
        /// Prepared statements kept per connection; beyond it statements run unnamed.
        public var statementCacheSize: Int

        public init(
            conninfo: String, connectTimeout: Duration = .seconds(10), statementTimeout: Duration? = nil,
            applicationName: String = "herald", statementCacheSize: Int = 512
        ) {
            self.conninfo = conninfo
            self.connectTimeout = connectTimeout
            self.statementTimeout = statementTimeout
            self.applicationName = applicationName
            self.statementCacheSize = statementCacheSize
        }
    }

    public nonisolated let loop: EventLoop
    public nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }

    /// The libpq handle. Used only on `loop` (inside this actor).
    let handle: OpaquePointer
    private let configuration: Configuration
    private var watcher: DescriptorWatcher?
    private var statements: [String: String] = [:]
    private var savepointCounter = 0
    private var inFlight = false
    /// Notifications received while collecting results, for a listener to take.
    var pendingNotifications: [PostgresNotification] = []
    /// True once the connection failed; a pool discards it.
    public internal(set) var isBroken = false {
        didSet { if isBroken { health.reusable.store(false, ordering: .relaxed) } }
    }
    private nonisolated let health = Health()

    /// What a pool reads from any thread without a hop to the connection's loop.
    private final class Health: Sendable {
        /// False once broken or when left inside a transaction block.
        let reusable = Atomic<Bool>(true)
        /// Set on the loop when input arrives on an idle connection: the server closed it, or sent an error
        /// before closing.
        let unexpectedInput = Atomic<Bool>(false)
    }

    /// True when a pool may hand the connection to its next user: not broken, not inside a transaction.
    public nonisolated var isReusable: Bool { health.reusable.load(ordering: .relaxed) }

    /// A check from any thread, without a system call: nothing has arrived on the idle connection since its last
    /// statement. False means: run `checkAlive()` before using it.
    public nonisolated var socketLooksQuiet: Bool { !health.unexpectedInput.load(ordering: .relaxed) }

    /// Opens a connection on `loop` (the next loop of the shared group by default).
    public static func connect(_ configuration: Configuration, on loop: EventLoop = EventLoopGroup.shared.next())
        async throws -> PostgresConnection
    {
        let connection = try PostgresConnection(configuration: configuration, loop: loop)
        try await connection.finishConnecting()
        return connection
    }

    private init(configuration: Configuration, loop: EventLoop) throws {
        self.loop = loop
        self.configuration = configuration
        // jit off: Herald's statements are short, and LLVM compiling one costs more than running it; a plan whose
        // costs are inflated (enable_seqscan off, as an import sets) crossed jit_above_cost and took 2 s to compile
        // for a one-row import (found by tools/fuzz). A statement that gains from JIT can SET LOCAL jit = on.
        var options =
            "-c DateStyle=ISO -c TimeZone=UTC -c IntervalStyle=iso_8601 -c extra_float_digits=3 -c jit=off"
        if let timeout = configuration.statementTimeout {
            options += " -c statement_timeout=\(timeout.milliseconds)"
        }
        // gssencmode before dbname, so that a URL or conninfo naming it wins: by default libpq probes for Kerberos
        // credentials on every connect (files, and on a host with Kerberos configured possibly the network), which
        // would run on the event loop; Herald's connections encrypt with TLS (sslmode) when they encrypt.
        let pairs = [
            ("gssencmode", "disable"), ("dbname", configuration.conninfo),
            ("application_name", configuration.applicationName),
            ("client_encoding", "UTF8"), ("options", options),
        ]
        let keys = pairs.map { strdup($0.0) }
        let values = pairs.map { strdup($0.1) }
        defer { for item in keys + values { free(item) } }
        let keyPointers = keys.map { UnsafePointer($0) } + [nil]
        let valuePointers = values.map { UnsafePointer($0) } + [nil]
        guard let handle = PQconnectStartParams(keyPointers, valuePointers, 1) else {
            throw PostgresError(kind: .connection, message: "libpq could not allocate a connection")
        }
        if PQstatus(handle) == CONNECTION_BAD {
            let error = PostgresError.connection(handle, "cannot connect")
            PQfinish(handle)
            throw error
        }
        PQsetNoticeProcessor(
            handle,
            { _, message in
                guard let message else { return }
                noticeLogger.debug("\(String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines))")
            }, nil)
        self.handle = handle
    }

    /// Runs on the loop, so the handle and its socket watcher are released on the thread that owns them.
    isolated deinit {
        watcher = nil
        PQfinish(handle)
    }

    private func finishConnecting() async throws {
        let deadline = ContinuousClock.now + configuration.connectTimeout
        var status = PGRES_POLLING_WRITING
        while status != PGRES_POLLING_OK {
            if status == PGRES_POLLING_FAILED { throw fail("cannot connect") }
            let socket = PQsocket(handle)
            if watcher?.descriptor != socket { watcher = DescriptorWatcher(loop: loop, descriptor: socket) }
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero { throw fail("connection timed out after \(configuration.connectTimeout)") }
            let interest: DescriptorWatcher.Readiness = status == PGRES_POLLING_READING ? .readable : .writable
            let readiness = await watcher!.wait(for: interest, timeout: remaining)
            if readiness == .timedOut { throw fail("connection timed out after \(configuration.connectTimeout)") }
            status = PQconnectPoll(handle)
        }
        guard PQsetnonblocking(handle, 1) == 0 else { throw fail("cannot switch to non-blocking mode") }
        watcher = DescriptorWatcher(loop: loop, descriptor: PQsocket(handle))
        watcher!.onUnexpectedInput = { [health] in health.unexpectedInput.store(true, ordering: .relaxed) }
        watcher!.rearm()
    }

    /// Marks the connection broken and returns the error to throw.
    func fail(_ what: String) -> PostgresError {
        isBroken = true
        return PostgresError.connection(handle, what)
    }

    // MARK: Statements

    /// Runs one statement with parameters `$1...$n` and returns its rows.
    ///
    /// The statement is prepared on first use on this connection and reused after. A parameter whose text
    /// contains a NUL byte is rejected before anything is sent.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PostgresEncodable] = []) async throws -> PostgresResult {
        try begin()
        defer { inFlight = false }
        let bindings = try PostgresBindings(parameters)
        let name = try await preparedName(for: sql)
        let sent = bindings.withCPointers { values, count in
            name.map { PQsendQueryPrepared(handle, $0, count, values, nil, nil, 0) }
                ?? PQsendQueryParams(handle, sql, count, nil, values, nil, nil, 0)
        }
        guard sent == 1 else { throw fail("cannot send statement") }
        return try await collect(query: sql)
    }

    /// Runs SQL text that may hold several statements (simple query protocol, no parameters), e.g. a migration.
    /// Returns the result of the last statement.
    @discardableResult
    public func execute(script sql: String) async throws -> PostgresResult {
        try begin()
        defer { inFlight = false }
        guard PQsendQuery(handle, sql) == 1 else { throw fail("cannot send statement") }
        return try await collect(query: sql)
    }

    /// Checks, without sending anything, that the server has not closed the connection.
    ///
    /// A server that shut down sends an error message and then closes the socket; one read may return the
    /// message and only the next one the end of stream, so this reads until the socket is quiet.
    public func checkAlive() throws {
        var alive = !isBroken
        for _ in 0..<8 where alive {
            alive = PQconsumeInput(handle) == 1 && PQstatus(handle) == CONNECTION_OK
            if !hasPendingInput() { break }
        }
        if alive, let watcher {
            watcher.rearm()
            health.unexpectedInput.store(false, ordering: .relaxed)
        }
        if !alive {
            var error = fail("connection closed by the server")
            error.nothingSent = true
            throw error
        }
        collectNotifications()
    }

    /// True when the socket has input waiting (one `poll` with no timeout).
    private func hasPendingInput() -> Bool {
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) > 0
    }

    /// A unique savepoint name on this connection.
    func nextSavepointName() -> String {
        savepointCounter += 1
        return "herald_savepoint_\(savepointCounter)"
    }

    // MARK: Plumbing shared by queries, pipelines and COPY

    /// Claims the connection for one operation; refuses a broken or busy one.
    ///
    /// No read happens here: a pool checks an idle connection's socket when it hands it out
    /// (`socketLooksQuiet`, then `checkAlive`), and a connection that died since fails its next read with a
    /// retryable `.connection` error.
    func begin() throws {
        guard !inFlight else {
            throw PostgresError(kind: .protocolViolation, message: "connection used by two operations at once")
        }
        if isBroken || PQstatus(handle) != CONNECTION_OK {
            var error = fail("connection is closed")
            error.nothingSent = true
            throw error
        }
        inFlight = true
    }

    func end() { inFlight = false }

    private func preparedName(for sql: String) async throws -> String? {
        if let name = statements[sql] { return name }
        guard statements.count < configuration.statementCacheSize else { return nil }
        let name = "herald_\(statements.count)"
        guard PQsendPrepare(handle, name, sql, 0, nil) == 1 else { throw fail("cannot send statement") }
        _ = try await collect(query: sql)
        statements[sql] = name
        return name
    }

    /// Sends everything buffered, reading input meanwhile so the server never blocks on a full socket.
    func flush() async throws {
        while true {
            let pending = PQflush(handle)
            if pending == 0 { return }
            if pending < 0 { throw fail("cannot send to server") }
            let readiness = await watcher!.wait(for: [.readable, .writable])
            if readiness.contains(.readable), PQconsumeInput(handle) == 0 { throw fail("connection lost") }
        }
    }

    /// Gives the event loop a turn: returns after the loop's next poll (a zero timeout; what arrived meanwhile is
    /// read), so that a long job on this connection — encoding a bulk COPY — lets the loop's other connections
    /// and timers run between its steps. (The loop polls between jobs, at least every millisecond of them, but the
    /// encoding is one job for as long as it does not suspend; this wait suspends it until after the poll. Not a
    /// wait for writability: that would stop encoding until the server drained the socket.)
    func giveLoopATurn() async throws {
        let readiness = await watcher!.wait(for: .readable, timeout: .zero)
        if readiness.contains(.readable), PQconsumeInput(handle) == 0 { throw fail("connection lost") }
    }

    /// Waits until the socket is readable and reads what arrived.
    func readInput() async throws {
        _ = await watcher!.wait(for: .readable)
        if PQconsumeInput(handle) == 0 { throw fail("connection lost") }
    }

    /// The next result of the current command, or nil when it has none left.
    func nextResult() async throws -> OpaquePointer? {
        while PQisBusy(handle) != 0 { try await readInput() }
        return PQgetResult(handle)
    }

    /// Collects every result of the statement just sent: the last one, or throws the first error.
    func collect(query: String?) async throws -> PostgresResult {
        try await flush()
        var kept: OpaquePointer?
        var error: PostgresError?
        while let result = try await nextResult() {
            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                if let previous = kept { PQclear(previous) }
                kept = result
            case PGRES_FATAL_ERROR:
                if error == nil { error = PostgresError.server(result, query: query) }
                PQclear(result)
            default:
                let status = String(cString: PQresStatus(PQresultStatus(result)))
                PQclear(result)
                if error == nil {
                    error = PostgresError(
                        kind: .protocolViolation, message: "unexpected result \(status)", query: query)
                }
            }
        }
        collectNotifications()
        if PQstatus(handle) != CONNECTION_OK { isBroken = true }
        health.reusable.store(!isBroken && PQtransactionStatus(handle) == PQTRANS_IDLE, ordering: .relaxed)
        if let error {
            if let kept { PQclear(kept) }
            throw error
        }
        guard let kept else { throw PostgresError(kind: .protocolViolation, message: "no result", query: query) }
        return PostgresResult(kept)
    }

    /// Waits up to `timeout` for the socket to have input and collects any notifications that arrived.
    func waitForNotifications(timeout: Duration) async throws {
        try begin()
        defer { inFlight = false }
        _ = await watcher!.wait(for: .readable, timeout: timeout)
        if PQconsumeInput(handle) == 0 { throw fail("connection lost") }
        collectNotifications()
    }

    func collectNotifications() {
        while let notify = PQnotifies(handle) {
            pendingNotifications.append(
                PostgresNotification(
                    channel: String(cString: notify.pointee.relname), payload: String(cString: notify.pointee.extra),
                    processID: Int(notify.pointee.be_pid)))
            PQfreemem(notify)
        }
    }
}
