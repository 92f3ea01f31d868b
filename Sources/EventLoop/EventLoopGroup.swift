import Foundation
import Synchronization

/// A fixed set of event loops, one per core by default, handed out round robin.
public final class EventLoopGroup: Sendable {
    public let loops: [EventLoop]
    private let cursor = Atomic<Int>(0)

    public init(loopCount: Int = ProcessInfo.processInfo.activeProcessorCount, name: String = "herald-loop") {
        precondition(loopCount > 0)
        Self.ignoreBrokenPipes
        loops = (0..<loopCount).map { EventLoop(name: "\(name)-\($0)") }
    }

    /// A write to a socket whose peer has gone raises SIGPIPE, which ends the process by default; libevent's own
    /// writes (evhttp, bufferevents) do not pass MSG_NOSIGNAL. A process with loops serves sockets, so it takes the
    /// error (EPIPE) instead, once, before any loop runs.
    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// The next loop in rotation.
    public func next() -> EventLoop {
        let index = cursor.add(1, ordering: .relaxed).oldValue
        return loops[index % loops.count]
    }

    /// The caller's own loop when it runs on one of this group's loops, else the next in rotation.
    public func preferred() -> EventLoop {
        if let current = EventLoop.current, loops.contains(where: { $0 === current }) { return current }
        return next()
    }

    public func shutdown() {
        for loop in loops { loop.shutdown() }
    }

    /// A process-wide group, created on first use and never shut down: one loop per core, or
    /// `HERALD_EVENT_LOOPS` of them.
    public static let shared = EventLoopGroup(
        loopCount: ProcessInfo.processInfo.environment["HERALD_EVENT_LOOPS"].flatMap { Int($0) }.flatMap {
            $0 > 0 ? $0 : nil
        }
            ?? ProcessInfo.processInfo.activeProcessorCount)
}
