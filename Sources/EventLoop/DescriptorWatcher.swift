import CLibevent

/// Waits for a file descriptor to become readable or writable on an event loop.
///
/// Reads are watched by one persistent, level-triggered event that stays registered between waits, so a
/// request/response protocol costs no `epoll_ctl` per round trip. Input that arrives while nobody waits (a
/// server closing an idle connection, say) unregisters the event, marks the watcher `hasUnexpectedInput` and
/// calls `onUnexpectedInput`; the next read wait returns at once. Waits for writability, or with a timeout, use a
/// one-shot event.
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
    /// Called on the loop when input arrives while no read wait is pending.
    public var onUnexpectedInput: (() -> Void)?
    /// True from input arriving unasked until the next read wait or `rearm()`.
    public private(set) var hasUnexpectedInput = false

    private var readEvent: OpaquePointer?
    private var readArmed = false
    private var oneShot: OpaquePointer?
    private var waiter: CheckedContinuation<Readiness, Never>?
    private var waitingForRead = false

    public init(loop: EventLoop, descriptor: Int32) {
        self.loop = loop
        self.descriptor = descriptor
    }

    deinit {
        if let readEvent { event_free(readEvent) }
        if let oneShot { event_free(oneShot) }
    }

    /// Registers the persistent read event, so that input arriving while idle is noticed.
    public func rearm() {
        precondition(loop.inEventLoop, "DescriptorWatcher must be used on its loop")
        hasUnexpectedInput = false
        if readEvent == nil {
            let context = Unmanaged.passUnretained(self).toOpaque()
            readEvent = event_new(
                loop.base, descriptor, HERALD_EV_READ | HERALD_EV_PERSIST,
                { _, _, context in
                    Unmanaged<DescriptorWatcher>.fromOpaque(context!).takeUnretainedValue().readFired()
                }, context)
        }
        if !readArmed {
            event_add(readEvent, nil)
            readArmed = true
        }
    }

    /// Suspends until the descriptor is ready for any of `interest`, or `timeout` passes.
    public func wait(for interest: Readiness, timeout: Duration? = nil, isolation: isolated (any Actor)? = #isolation)
        async -> Readiness
    {
        precondition(loop.inEventLoop, "DescriptorWatcher.wait must run on its loop")
        precondition(waiter == nil, "one waiter at a time")
        if interest == .readable && timeout == nil {
            if hasUnexpectedInput {
                rearm()
                return .readable
            }
            rearm()
            return await withCheckedContinuation(isolation: isolation) { continuation in
                waiter = continuation
                waitingForRead = true
            }
        }
        var flags: Int16 = 0
        if interest.contains(.readable) { flags |= HERALD_EV_READ }
        if interest.contains(.writable) { flags |= HERALD_EV_WRITE }
        if let oneShot { event_free(oneShot) }
        let context = Unmanaged.passUnretained(self).toOpaque()
        oneShot = event_new(
            loop.base, descriptor, flags,
            { _, what, context in
                Unmanaged<DescriptorWatcher>.fromOpaque(context!).takeUnretainedValue().oneShotFired(what)
            }, context)
        return await withCheckedContinuation(isolation: isolation) { continuation in
            waiter = continuation
            waitingForRead = false
            if var interval = timeout.map(timeval.init(duration:)) {
                event_add(oneShot, &interval)
            } else {
                event_add(oneShot, nil)
            }
        }
    }

    private func readFired() {
        if waitingForRead, let continuation = waiter {
            waiter = nil
            waitingForRead = false
            continuation.resume(returning: .readable)
            return
        }
        // Stop watching: level-triggered input fires again every loop turn until it is read.
        event_del(readEvent)
        readArmed = false
        // A one-shot wait that includes readability is pending and will report it; otherwise nobody asked.
        if waiter != nil { return }
        hasUnexpectedInput = true
        onUnexpectedInput?()
    }

    private func oneShotFired(_ what: Int16) {
        var readiness: Readiness = []
        if what & HERALD_EV_READ != 0 { readiness.insert(.readable) }
        if what & HERALD_EV_WRITE != 0 { readiness.insert(.writable) }
        if what & HERALD_EV_TIMEOUT != 0 { readiness.insert(.timedOut) }
        let continuation = waiter
        waiter = nil
        continuation?.resume(returning: readiness)
    }
}
