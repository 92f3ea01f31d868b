import EventLoop
import Foundation
import HeraldCore
import Logging
import Synchronization

/// A pool of `PostgresConnection`s spread over an event-loop group.
///
/// - Bounded: at most `maxConnections`; a caller waits up to `acquireTimeout` for one, then gets a `.timeout`
///   error (UNAVAILABLE).
/// - Healthy: an idle connection whose socket shows the server closed it is dropped at checkout; a broken
///   connection, or one left inside a transaction, is dropped at release.
/// - Self-healing: when PostgreSQL restarts, queries in flight fail with a retryable `.connection` error and
///   later ones get fresh connections, opened with exponential backoff while the server is still down.
/// - Loop-aware: a caller running on one of the group's loops gets a connection of that loop when one is idle,
///   so its statements run without a thread hop.
public final class PostgresPool: Sendable {
    public struct Configuration: Sendable {
        public var connection: PostgresConnection.Configuration
        public var maxConnections: Int
        public var acquireTimeout: Duration
        /// First reconnect delay after a failed connect; doubles up to `maxReconnectDelay`, with ±20 % jitter.
        public var reconnectDelay: Duration
        public var maxReconnectDelay: Duration

        public init(
            connection: PostgresConnection.Configuration, maxConnections: Int = 10,
            acquireTimeout: Duration = .seconds(30),
            reconnectDelay: Duration = .milliseconds(50), maxReconnectDelay: Duration = .seconds(2)
        ) {
            self.connection = connection
            self.maxConnections = maxConnections
            self.acquireTimeout = acquireTimeout
            self.reconnectDelay = reconnectDelay
            self.maxReconnectDelay = maxReconnectDelay
        }

        /// The pool settings of Herald's configuration for one service.
        public init(_ config: HeraldConfig, service: String) {
            let database = config.database
            self.init(
                connection: .init(
                    conninfo: config.services[service]?.databaseURL ?? database.url,
                    connectTimeout: database.connectTimeout,
                    statementTimeout: database.statementTimeout == .zero ? nil : database.statementTimeout,
                    applicationName: service),
                maxConnections: database.poolMaxConnections, acquireTimeout: database.acquireTimeout)
        }
    }

    typealias Waiter = UnsafeContinuation<PoolLease<PostgresConnection>, any Error>
    private typealias State = PoolStateMachine<PostgresConnection, Waiter>

    public let configuration: Configuration
    private let group: EventLoopGroup
    private let logger: Logger
    private let state: Mutex<State>
    private let waiterIDs = Atomic<Int>(0)
    /// The loop whose timer fails waiters at their acquire timeout.
    private let timerLoop: EventLoop
    /// The last connect failure while the database is unreachable, so that waiters who time out learn why.
    private let lastConnectError = Mutex<PostgresError?>(nil)

    public init(
        _ configuration: Configuration, group: EventLoopGroup = .shared,
        logger: Logger = Logger(label: "herald.postgres")
    ) {
        self.configuration = configuration
        self.group = group
        self.logger = logger
        state = Mutex(State(maxConnections: configuration.maxConnections))
        timerLoop = group.next()
    }

    // MARK: Leasing

    /// Lends a connection to `body` and takes it back afterwards, whatever `body` does.
    @discardableResult
    public func withConnection<T>(
        isolation: isolated (any Actor)? = #isolation, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await acquire()
        do {
            let value = try await body(connection)
            release(connection)
            return value
        } catch {
            release(connection)
            throw error
        }
    }

    /// Runs one statement on a pooled connection.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PostgresEncodable] = []) async throws -> PostgresResult {
        try await withConnection { try await $0.query(sql, parameters) }
    }

    /// Runs `body` in a transaction on a pooled connection (see `PostgresConnection.withTransaction`).
    @discardableResult
    public func withTransaction<T>(
        _ level: PostgresIsolationLevel = .readCommitted, isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await withConnection { connection in try await connection.withTransaction(level, body) }
    }

    /// Runs `body` in a transaction, running it again (up to `maxAttempts` times in all, with a short randomized
    /// backoff) when it fails with a serialization failure (40001) or a deadlock (40P01).
    @discardableResult
    public func withRetryingTransaction<T>(
        _ level: PostgresIsolationLevel = .serializable, maxAttempts: Int = 5,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await withTransaction(level, body)
            } catch let error as PostgresError where error.isTransactionConflict && attempt < maxAttempts {
                let base = 5.0 * pow(2.0, Double(attempt - 1))
                try await Task.sleep(for: .milliseconds(Int(base * Double.random(in: 0.5...1.5))))
                attempt += 1
            }
        }
    }

    /// Takes a connection: idle, new, or after waiting. Use `withConnection` unless you must hold it longer.
    public func acquire() async throws -> PostgresConnection {
        let deadline = ContinuousClock.now + configuration.acquireTimeout
        let current = EventLoop.current
        let prefer: @Sendable (PostgresConnection) -> Bool = { current != nil && $0.loop === current }
        while true {
            if let lease = state.withLock({ $0.tryAcquire(prefer: prefer) }),
                let connection = try await take(lease, deadline: deadline)
            {
                return connection
            }
            let id = waiterIDs.add(1, ordering: .relaxed).oldValue
            let lease = try await withTaskCancellationHandler {
                try await withUnsafeThrowingContinuation { (continuation: Waiter) in
                    let action = state.withLock {
                        $0.acquire(id: id, waiter: continuation, deadline: deadline, prefer: prefer)
                    }
                    switch action {
                    case .lease(let lease): continuation.resume(returning: lease)
                    case .fail(let error): continuation.resume(throwing: error)
                    case .wait: expireWaiters(by: deadline)
                    }
                }
            } onCancel: {
                state.withLock { $0.removeWaiter(id: id) }?.resume(throwing: CancellationError())
            }
            if let connection = try await take(lease, deadline: deadline) { return connection }
        }
    }

    /// Turns a lease into a usable connection: an idle one whose socket shows the server closed it is dropped
    /// (nil: try again), reserved capacity opens a new one.
    private func take(_ lease: PoolLease<PostgresConnection>, deadline: ContinuousClock.Instant) async throws
        -> PostgresConnection?
    {
        switch lease {
        case .connection(let connection):
            if connection.socketLooksQuiet { return connection }
            if (try? await connection.checkAlive()) != nil { return connection }
            logger.info("dropping a pooled connection the server closed")
            hand(state.withLock { $0.discard() })
            return nil
        case .openNew:
            return try await open(deadline: deadline)
        }
    }

    /// Gives a connection back. Broken ones, and ones left inside a transaction block, are closed.
    public func release(_ connection: PostgresConnection) {
        hand(state.withLock { $0.release(connection, reusable: connection.isReusable) })
    }

    /// Closes idle connections and fails waiters; connections in use are closed when they come back.
    public func close() {
        let (_, waiters) = state.withLock { $0.close() }
        for waiter in waiters {
            waiter.resume(throwing: PostgresError(kind: .poolClosed, message: "connection pool is closed"))
        }
    }

    // MARK: Internals

    private func hand(_ handoff: (Waiter, State.Lease)?) {
        if let (waiter, lease) = handoff { waiter.resume(returning: lease) }
    }

    /// Fails waiters whose acquire timeout has passed: one loop timer set for the earliest deadline and set again
    /// when it fires, rather than a sleeping task per waiter (whose Dispatch timers woke a thread per wait).
    private func expireWaiters(by deadline: ContinuousClock.Instant) {
        let generation = state.withLock { state -> Int? in
            if let armed = state.expiryArmedFor, armed <= deadline { return nil }
            state.expiryArmedFor = deadline
            state.expiryGeneration += 1
            return state.expiryGeneration
        }
        guard let generation else { return }
        let loop = timerLoop
        loop.execute { [self] in
            LoopTimerHolder.schedule(on: loop, after: max(.zero, deadline - .now)) { [self] in expiryFired(generation) }
        }
    }

    private func expiryFired(_ generation: Int) {
        let (expired, next) = state.withLock { state -> ([Waiter], ContinuousClock.Instant?) in
            guard state.expiryGeneration == generation else { return ([], nil) }  // a newer, earlier timer took over
            state.expiryArmedFor = nil
            return (state.expireWaiters(at: .now), state.nextDeadline)
        }
        if !expired.isEmpty {
            var error = PostgresError(
                kind: .timeout, message: "no database connection free within \(configuration.acquireTimeout)")
            if let cause = lastConnectError.withLock({ $0 }) {
                error.message += "; the database is unreachable: \(cause.message)"
            }
            for waiter in expired { waiter.resume(throwing: error) }
        }
        if let next { expireWaiters(by: next) }
    }

    /// Opens a connection in reserved capacity, backing off after earlier failures. Returns nil when it failed
    /// but there is time left to try again; throws once the deadline has passed.
    private func open(deadline: ContinuousClock.Instant) async throws -> PostgresConnection? {
        let failures = state.withLock { $0.consecutiveConnectFailures }
        if failures > 0 {
            let exponent = Double(min(failures - 1, 20))
            let delay = min(configuration.reconnectDelay * pow(2.0, exponent), configuration.maxReconnectDelay)
            let jittered = delay * Double.random(in: 0.8...1.2)
            let wakeUp = min(ContinuousClock.now + jittered, deadline)
            do {
                try await Task.sleep(until: wakeUp)
            } catch {
                hand(state.withLock { $0.connectFailed() })
                throw error
            }
        }
        do {
            let connection = try await PostgresConnection.connect(configuration.connection, on: group.preferred())
            let recovered = state.withLock { state -> Bool in
                defer { state.connectSucceeded() }
                return state.consecutiveConnectFailures > 0
            }
            lastConnectError.withLock { $0 = nil }
            if recovered { logger.notice("database reachable again") }
            return connection
        } catch {
            if let error = error as? PostgresError { lastConnectError.withLock { $0 = error } }
            hand(state.withLock { $0.connectFailed() })
            if failures == 0 { logger.warning("cannot connect to the database", metadata: ["error": "\(error)"]) }
            if ContinuousClock.now >= deadline { throw error }
            return nil
        }
    }
}
