/// The pool's bookkeeping as a value: which connections are idle, how many exist, who waits.
///
/// Transitions return what the driver must do (hand over a connection, open one, wait, fail); the driver
/// (`PostgresPool`) holds this behind a mutex and performs the actions outside it. Generic over the connection
/// and waiter types so that it is tested without sockets.
/// What a pool hands a caller.
enum PoolLease<Connection: AnyObject> {
    case connection(Connection)
    /// Capacity was reserved for the receiver: it opens a new connection.
    case openNew
}

extension PoolLease: Sendable where Connection: Sendable {}

struct PoolStateMachine<Connection: AnyObject, Waiter> {
    typealias Lease = PoolLease<Connection>

    enum AcquireAction {
        case lease(Lease)
        case wait
        case fail(PostgresError)
    }

    let maxConnections: Int
    private(set) var idle: [Connection] = []
    /// Connections open or being opened, leased or idle.
    private(set) var total = 0
    private(set) var waiters: [(id: Int, waiter: Waiter, deadline: ContinuousClock.Instant?)] = []
    /// The deadline the driver's expiry timer is set for, and that timer's generation (an older timer is stale).
    var expiryArmedFor: ContinuousClock.Instant?
    var expiryGeneration = 0
    private(set) var closed = false
    private(set) var consecutiveConnectFailures = 0

    init(maxConnections: Int) {
        precondition(maxConnections > 0)
        self.maxConnections = maxConnections
    }

    /// An idle connection (preferring one for which `prefer` is true), else capacity to open one, else a place
    /// in the queue for `waiter` under `id`, until `deadline` (nil: no deadline).
    mutating func acquire(
        id: Int, waiter: Waiter, deadline: ContinuousClock.Instant? = nil, prefer: (Connection) -> Bool
    )
        -> AcquireAction
    {
        if let lease = tryAcquire(prefer: prefer) { return .lease(lease) }
        if closed { return .fail(PostgresError(kind: .poolClosed, message: "connection pool is closed")) }
        waiters.append((id, waiter, deadline))
        return .wait
    }

    /// Removes the waiters whose deadline has passed at `now`, to be failed by the driver.
    mutating func expireWaiters(at now: ContinuousClock.Instant) -> [Waiter] {
        var expired: [Waiter] = []
        waiters.removeAll { entry in
            guard let deadline = entry.deadline, deadline <= now else { return false }
            expired.append(entry.waiter)
            return true
        }
        return expired
    }

    /// The earliest deadline of a waiting caller, if any.
    var nextDeadline: ContinuousClock.Instant? { waiters.compactMap(\.deadline).min() }

    /// The fast path: an idle connection or capacity to open one, without queueing; nil otherwise.
    mutating func tryAcquire(prefer: (Connection) -> Bool) -> Lease? {
        if closed { return nil }
        if !idle.isEmpty {
            let index = idle.lastIndex(where: prefer) ?? idle.count - 1
            return .connection(idle.remove(at: index))
        }
        if total < maxConnections {
            total += 1
            return .openNew
        }
        return nil
    }

    /// A leased connection comes back. A reusable one goes to the first waiter or to the idle list; a broken one
    /// is dropped, and its capacity goes to the first waiter as `.openNew`.
    mutating func release(_ connection: Connection, reusable: Bool) -> (Waiter, Lease)? {
        if reusable && !closed {
            if !waiters.isEmpty {
                return (waiters.removeFirst().waiter, .connection(connection))
            }
            idle.append(connection)
            return nil
        }
        return dropped()
    }

    /// An idle connection found dead at checkout is given up; capacity goes on as for a broken release.
    mutating func discard() -> (Waiter, Lease)? { dropped() }

    private mutating func dropped() -> (Waiter, Lease)? {
        total -= 1
        if !closed, !waiters.isEmpty {
            total += 1
            return (waiters.removeFirst().waiter, .openNew)
        }
        return nil
    }

    mutating func connectSucceeded() { consecutiveConnectFailures = 0 }

    /// Opening failed: the reserved capacity is returned (to a waiter, if any, who will try in turn).
    mutating func connectFailed() -> (Waiter, Lease)? {
        consecutiveConnectFailures += 1
        return dropped()
    }

    /// Removes a waiter that timed out or was cancelled; nil if it was already served.
    mutating func removeWaiter(id: Int) -> Waiter? {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return waiters.remove(at: index).waiter
    }

    /// Closes the pool: idle connections to close, waiters to fail.
    mutating func close() -> (idle: [Connection], waiters: [Waiter]) {
        closed = true
        defer {
            total -= idle.count
            idle = []
            waiters = []
        }
        return (idle, waiters.map(\.waiter))
    }
}
