import Testing

@testable import Postgres

@Suite("Pool state machine (no sockets)")
struct PoolStateMachineTests {
    final class FakeConnection: Sendable {
        let id: Int
        init(_ id: Int) { self.id = id }
    }
    typealias Machine = PoolStateMachine<FakeConnection, String>

    func connection(_ action: Machine.AcquireAction) -> FakeConnection? {
        if case .lease(.connection(let c)) = action { return c }
        return nil
    }

    func isOpen(_ action: Machine.AcquireAction) -> Bool {
        if case .lease(.openNew) = action { return true }
        return false
    }

    @Test("opens up to the maximum, then queues")
    func capacity() {
        var machine = Machine(maxConnections: 2)
        #expect(isOpen(machine.acquire(id: 1, waiter: "a") { _ in false }))
        #expect(isOpen(machine.acquire(id: 2, waiter: "b") { _ in false }))
        guard case .wait = machine.acquire(id: 3, waiter: "c", prefer: { _ in false }) else {
            Issue.record("third caller should wait")
            return
        }
        #expect(machine.total == 2)
        #expect(machine.waiters.map(\.waiter) == ["c"])
    }

    @Test("waiters past their deadline are expired, in one pass, and the next deadline is the earliest left")
    func expiry() {
        var machine = Machine(maxConnections: 1)
        let now = ContinuousClock.now
        _ = machine.acquire(id: 1, waiter: "a") { _ in false }
        _ = machine.acquire(id: 2, waiter: "b", deadline: now + .seconds(1)) { _ in false }
        _ = machine.acquire(id: 3, waiter: "c", deadline: now + .seconds(3)) { _ in false }
        _ = machine.acquire(id: 4, waiter: "d") { _ in false }  // no deadline: never expires
        #expect(machine.nextDeadline == now + .seconds(1))
        #expect(machine.expireWaiters(at: now).isEmpty)
        #expect(machine.expireWaiters(at: now + .seconds(2)) == ["b"])
        #expect(machine.nextDeadline == now + .seconds(3))
        #expect(machine.expireWaiters(at: now + .seconds(5)) == ["c"])
        #expect(machine.nextDeadline == nil)
        #expect(machine.waiters.map(\.waiter) == ["d"])
    }

    @Test("a released connection goes straight to the first waiter")
    func handoff() throws {
        var machine = Machine(maxConnections: 1)
        _ = machine.acquire(id: 1, waiter: "a") { _ in false }
        _ = machine.acquire(id: 2, waiter: "b") { _ in false }
        let c = FakeConnection(1)
        let released = machine.release(c, reusable: true)
        let handoff = try #require(released)
        #expect(handoff.0 == "b")
        guard case .connection(let given) = handoff.1 else {
            Issue.record("expected the connection")
            return
        }
        #expect(given === c)
        #expect(machine.idle.isEmpty)
    }

    @Test("a broken connection frees capacity for a waiter to open a new one")
    func brokenRelease() throws {
        var machine = Machine(maxConnections: 1)
        _ = machine.acquire(id: 1, waiter: "a") { _ in false }
        _ = machine.acquire(id: 2, waiter: "b") { _ in false }
        let released = machine.release(FakeConnection(1), reusable: false)
        let handoff = try #require(released)
        #expect(handoff.0 == "b")
        guard case .openNew = handoff.1 else {
            Issue.record("expected capacity to open")
            return
        }
        #expect(machine.total == 1)
    }

    @Test("idle connections on the caller's loop are preferred")
    func preference() {
        var machine = Machine(maxConnections: 3)
        for id in 1...3 { _ = machine.acquire(id: id, waiter: "x") { _ in false } }
        for id in 1...3 { _ = machine.release(FakeConnection(id), reusable: true) }
        #expect(connection(machine.acquire(id: 9, waiter: "y") { $0.id == 1 })?.id == 1)
        #expect(connection(machine.acquire(id: 10, waiter: "y") { _ in false })?.id == 3)
    }

    @Test("failed connects are counted until one succeeds, and give capacity back")
    func connectFailures() {
        var machine = Machine(maxConnections: 1)
        _ = machine.acquire(id: 1, waiter: "a") { _ in false }
        #expect(machine.connectFailed() == nil)
        #expect(machine.total == 0)
        #expect(machine.consecutiveConnectFailures == 1)
        _ = machine.acquire(id: 2, waiter: "a") { _ in false }
        machine.connectSucceeded()
        #expect(machine.consecutiveConnectFailures == 0)
    }

    @Test("a removed waiter is gone; closing fails the rest and refuses new callers")
    func closeAndRemove() {
        var machine = Machine(maxConnections: 1)
        _ = machine.acquire(id: 1, waiter: "a") { _ in false }
        _ = machine.acquire(id: 2, waiter: "b") { _ in false }
        _ = machine.acquire(id: 3, waiter: "c") { _ in false }
        #expect(machine.removeWaiter(id: 2) == "b")
        #expect(machine.removeWaiter(id: 2) == nil)
        let closed = machine.close()
        #expect(closed.waiters == ["c"])
        guard case .fail(let error) = machine.acquire(id: 4, waiter: "d", prefer: { _ in false }) else {
            Issue.record("closed pool should refuse")
            return
        }
        #expect(error.kind == .poolClosed)
        #expect(machine.release(FakeConnection(1), reusable: true) == nil)
        #expect(machine.total == 0)
    }
}
