import CLibevent
import Foundation
import HeraldCore
import Synchronization

/// Notices an event loop that stops turning — a blocking call or a long computation on its thread, which stalls
/// every connection, timer and task that lives on it — and reports it once when it begins (after `threshold`)
/// and once when the loop turns again, with how long it was stuck.
///
/// Each watched loop beats every `threshold / 4` through a persistent libevent timer; one thread of the
/// watchdog's own looks at the beats. Costs a timer wake-up a few times a second per loop.
public final class LoopWatchdog: Sendable {
    /// What is reported: the loop, how long it has not turned, and whether it has turned again since.
    public typealias Report = @Sendable (_ loop: EventLoop, _ stalledFor: Duration, _ resumed: Bool) -> Void

    private final class Watched: @unchecked Sendable {  // unchecked: `event` is touched on the loop thread only
        let loop: EventLoop
        /// Nanoseconds on the monotonic clock of the loop's last beat.
        let beat = Atomic<UInt64>(0)
        /// When the stall being reported began (0: none).
        let stalledSince = Atomic<UInt64>(0)
        var event: OpaquePointer?

        init(loop: EventLoop) { self.loop = loop }
    }

    private let watched: [Watched]
    private let threshold: Duration
    private let report: Report
    private let stopped = Atomic<Bool>(false)

    /// Starts watching `loops`; stops when `stop()` is called (the watchdog thread then ends within a period).
    public init(loops: [EventLoop], threshold: Duration = .seconds(1), report: @escaping Report) {
        self.threshold = threshold
        self.report = report
        watched = loops.map(Watched.init)
        let period = threshold / 4
        for entry in watched {
            entry.beat.store(Self.now(), ordering: .relaxed)
            entry.loop.execute {
                let context = Unmanaged.passUnretained(entry).toOpaque()
                entry.event = event_new(
                    entry.loop.base, -1, HERALD_EV_PERSIST,
                    { _, _, context in
                        Unmanaged<Watched>.fromOpaque(context!).takeUnretainedValue().beat.store(
                            LoopWatchdog.now(), ordering: .relaxed)
                    }, context)
                var interval = timeval(duration: period)
                event_add(entry.event, &interval)
            }
        }
        let thread = Thread { [self] in
            while !stopped.load(ordering: .relaxed) {
                Thread.sleep(forTimeInterval: period.seconds)
                check()
            }
        }
        thread.name = "herald-loop-watchdog"
        thread.start()
    }

    /// Stops the watchdog thread and the loops' beats.
    public func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        for entry in watched {
            entry.loop.execute {
                if let event = entry.event { event_free(event) }
                entry.event = nil
            }
        }
    }

    /// One look at every loop: a beat older than the threshold begins a stall; a fresh beat after one ends it.
    func check() {
        let now = Self.now()
        let limit = UInt64(threshold.nanoseconds)
        for entry in watched {
            let beat = entry.beat.load(ordering: .relaxed)
            let since = entry.stalledSince.load(ordering: .relaxed)
            if now > beat, now - beat > limit {
                if since == 0 {
                    entry.stalledSince.store(beat, ordering: .relaxed)
                    report(entry.loop, .nanoseconds(Int64(now - beat)), false)
                }
            } else if since != 0 {
                entry.stalledSince.store(0, ordering: .relaxed)
                report(entry.loop, .nanoseconds(Int64(beat > since ? beat - since : 0)), true)
            }
        }
    }

    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
