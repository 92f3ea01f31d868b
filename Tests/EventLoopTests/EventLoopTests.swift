import EventLoop
import Foundation
import Synchronization
import Testing

/// An actor whose methods run on an event loop.
actor LoopBound {
    nonisolated let loop: EventLoop
    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }
    private var counter = 0
    init(loop: EventLoop) { self.loop = loop }

    func increment() -> (value: Int, onLoop: Bool) {
        counter += 1
        return (counter, loop.inEventLoop)
    }

    func sleepOnTimer(_ delay: Duration) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let timer = LoopTimer(loop: loop, after: delay) { continuation.resume() }
            timers.append(timer)
        }
    }
    private var timers: [LoopTimer] = []
}

/// Shared observations of a test, reachable from closures on any thread.
final class Record: Sendable {
    let seen = Mutex<[Int]>([])
    let allOnLoop = Atomic<Bool>(true)
    let fired = Atomic<Bool>(false)
}

@Suite("Event loops")
struct EventLoopTests {
    @Test("work submitted from many threads runs on the loop thread, in submission order per thread")
    func execute() async {
        let loop = EventLoop(name: "test-execute")
        defer { loop.shutdown() }
        let record = Record()
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                        for n in 0..<1000 {
                            loop.execute {
                                if !loop.inEventLoop { record.allOnLoop.store(false, ordering: .relaxed) }
                                record.seen.withLock { $0.append(worker * 10_000 + n) }
                                if n == 999 { done.resume() }
                            }
                        }
                    }
                }
            }
        }
        let values = record.seen.withLock { $0 }
        #expect(values.count == 4000)
        let onLoop = record.allOnLoop.load(ordering: .relaxed)
        #expect(onLoop)
        for worker in 0..<4 {
            let mine = values.filter { $0 / 10_000 == worker }
            #expect(mine == mine.sorted())
        }
        #expect(!loop.inEventLoop)
    }

    @Test("an actor whose executor is a loop runs its methods on that loop")
    func executor() async {
        let loop = EventLoop(name: "test-executor")
        defer { loop.shutdown() }
        let actor = LoopBound(loop: loop)
        for expected in 1...100 {
            let (value, onLoop) = await actor.increment()
            #expect(value == expected)
            #expect(onLoop)
        }
    }

    @Test("timers fire after their delay, on the loop")
    func timers() async {
        let loop = EventLoop(name: "test-timer")
        defer { loop.shutdown() }
        let actor = LoopBound(loop: loop)
        let start = ContinuousClock.now
        await actor.sleepOnTimer(.milliseconds(50))
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(45))  // never early; how late depends on the machine's load, so no upper bound
    }

    @Test(
        "work that requeues itself without end does not keep the loop from its timers (polled on the same turn as its sockets)"
    )
    func selfRequeueingWork() {
        let loop = EventLoop(name: "requeue")
        defer { loop.shutdown() }
        final class Spin: Sendable {
            let running = Atomic<Bool>(true)
            let turns = Atomic<Int>(0)
            func step(on loop: EventLoop) {
                turns.add(1, ordering: .relaxed)
                if running.load(ordering: .relaxed) { loop.execute { self.step(on: loop) } }
            }
        }
        let spin = Spin()
        loop.execute { spin.step(on: loop) }
        let fired = DispatchSemaphore(value: 0)
        loop.execute { LoopTimerHolder.schedule(on: loop, after: .milliseconds(20)) { fired.signal() } }
        let result = fired.wait(timeout: .now() + 5)
        spin.running.store(false, ordering: .relaxed)
        #expect(result == .success, "the timer did not fire within 5 s while a job kept requeueing itself")
        #expect(spin.turns.load(ordering: .relaxed) > 1_000, "the requeueing job kept running too")
    }

    @Test("a cancelled timer never fires")
    func cancelledTimer() async throws {
        let loop = EventLoop(name: "test-cancel")
        defer { loop.shutdown() }
        let record = Record()
        loop.execute {
            let timer = LoopTimer(loop: loop, after: .milliseconds(20)) { record.fired.store(true, ordering: .relaxed) }
            timer.cancel()
        }
        try await Task.sleep(for: .milliseconds(100))
        let didFire = record.fired.load(ordering: .relaxed)
        #expect(!didFire)
    }

    @Test("a group hands out its loops round robin and prefers the caller's own loop")
    func group() async {
        let group = EventLoopGroup(loopCount: 3, name: "test-group")
        defer { group.shutdown() }
        let picks = (0..<6).map { _ in group.next() }
        #expect(picks[0] === picks[3] && picks[1] === picks[4] && picks[2] === picks[5])
        #expect(picks[0] !== picks[1])
        let loop = group.loops[1]
        let preferred = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            loop.execute { continuation.resume(returning: group.preferred() === loop) }
        }
        #expect(preferred)
    }
}

@Suite("Loop watchdog")
struct LoopWatchdogTests {
    @Test(
        "a loop blocked for a second is reported once when the stall passes the threshold, once when it turns again; a busy loop that keeps turning is not"
    )
    func stalls() async throws {
        let loop = EventLoop(name: "test-watchdog")
        defer { loop.shutdown() }
        let reports = Mutex<[(resumed: Bool, stalled: Duration)]>([])
        let watchdog = LoopWatchdog(loops: [loop], threshold: .milliseconds(300)) { _, stalled, resumed in
            reports.withLock { $0.append((resumed, stalled)) }
        }
        defer { watchdog.stop() }
        // Many short jobs, the loop turning between them: no report.
        for _ in 0..<40 {
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                loop.execute {
                    usleep(10_000)
                    done.resume()
                }
            }
        }
        #expect(reports.withLock { $0.isEmpty }, "\(reports.withLock { $0 })")
        // One job that holds the loop for a second.
        loop.execute { usleep(1_000_000) }
        for _ in 0..<300 where reports.withLock({ $0.count < 2 }) { try await Task.sleep(for: .milliseconds(10)) }
        let seen = reports.withLock { $0 }
        try #require(seen.count == 2, "\(seen)")
        #expect(!seen[0].resumed && seen[0].stalled >= .milliseconds(300))
        #expect(
            seen[1].resumed && seen[1].stalled >= .milliseconds(900) && seen[1].stalled < .seconds(3),
            "\(seen[1].stalled)")
    }
}
