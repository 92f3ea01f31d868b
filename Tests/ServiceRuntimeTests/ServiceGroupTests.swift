import ServiceRuntime
import Synchronization
import Testing

@Suite("service group")
struct ServiceGroupTests {
    final class Log: Sendable {
        let entries = Mutex<[String]>([])
        func add(_ entry: String) { entries.withLock { $0.append(entry) } }
        var all: [String] { entries.withLock { $0 } }
    }

    @Test(
        "run waits for stop, then runs every shutdown step once, in the order they were added, each after the last finished"
    )
    func orderedShutdown() async throws {
        let group = ServiceGroup()
        let log = Log()
        group.onShutdown("ready") { log.add("not ready") }
        group.onShutdown("drain") {
            try? await Task.sleep(for: .milliseconds(50))  // a drain takes a while; the next step waits for it
            log.add("drained")
        }
        group.onShutdown("pool") { log.add("pool closed") }
        group.onReload { log.add("reloaded") }
        let running = Task { await group.run() }
        try await Task.sleep(for: .milliseconds(50))
        #expect(log.all.isEmpty, "nothing stops before the group is told to")
        group.stop()
        group.stop()
        await running.value
        #expect(log.all == ["not ready", "drained", "pool closed"])
    }

    @Test("a second run after the shutdown does not run the steps again")
    func once() async {
        let group = ServiceGroup()
        let log = Log()
        group.onShutdown("step") { log.add("step") }
        group.stop()
        await group.run()
        group.stop()
        await group.run()
        #expect(log.all == ["step"])
    }
}
