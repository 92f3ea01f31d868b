import CLibevent

/// Waits for a file descriptor to become readable or writable on an event loop.
///
/// One waiter at a time. The descriptor stays owned by whoever opened it; the watcher only registers events.
///
/// - Important: use only on `loop`'s thread (an actor running on the loop's executor is the usual owner).
public final class DescriptorWatcher {
    /// What became ready.
    public struct Readiness: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let readable = Readiness(rawValue: 1)
        public static let writable = Readiness(rawValue: 2)
        public static let timedOut = Readiness(rawValue: 4)
    }

    public let loop: EventLoop
    public let descriptor: Int32
    private var event: OpaquePointer?
    private var waiter: CheckedContinuation<Readiness, Never>?

    public init(loop: EventLoop, descriptor: Int32) {
        self.loop = loop
        self.descriptor = descriptor
    }

    deinit {
        if let event { event_free(event) }
    }

    /// Suspends until the descriptor is ready for any of `interest`, or `timeout` passes.
    public func wait(for interest: Readiness, timeout: Duration? = nil, isolation: isolated (any Actor)? = #isolation)
        async -> Readiness
    {
        precondition(loop.inEventLoop, "DescriptorWatcher.wait must run on its loop")
        precondition(waiter == nil, "one waiter at a time")
        var flags: Int16 = 0
        if interest.contains(.readable) { flags |= HERALD_EV_READ }
        if interest.contains(.writable) { flags |= HERALD_EV_WRITE }
        if let event { event_free(event) }
        let context = Unmanaged.passUnretained(self).toOpaque()
        event = event_new(loop.base, descriptor, flags, { _, what, context in
            Unmanaged<DescriptorWatcher>.fromOpaque(context!).takeUnretainedValue().fired(what)
        }, context)
        return await withCheckedContinuation(isolation: isolation) { continuation in
            waiter = continuation
            if var interval = timeout.map(timeval.init(duration:)) {
                event_add(event, &interval)
            } else {
                event_add(event, nil)
            }
        }
    }

    private func fired(_ what: Int16) {
        var readiness: Readiness = []
        if what & HERALD_EV_READ != 0 { readiness.insert(.readable) }
        if what & HERALD_EV_WRITE != 0 { readiness.insert(.writable) }
        if what & HERALD_EV_TIMEOUT != 0 { readiness.insert(.timedOut) }
        let continuation = waiter
        waiter = nil
        continuation?.resume(returning: readiness)
    }
}
