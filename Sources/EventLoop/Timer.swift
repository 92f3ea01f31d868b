import CLibevent

/// A one-shot timer on an event loop. Cancelled when cancelled explicitly or when released.
///
/// - Important: create, cancel and release it on its loop's thread.
public final class LoopTimer {
    private var event: OpaquePointer?
    private let action: () -> Void
    private let loop: EventLoop

    /// Fires `action` on the loop thread after `delay`.
    public init(loop: EventLoop, after delay: Duration, _ action: @escaping () -> Void) {
        precondition(loop.inEventLoop, "LoopTimer must be created on its loop")
        self.loop = loop
        self.action = action
        let context = Unmanaged.passUnretained(self).toOpaque()
        event = event_new(
            loop.base, -1, 0,
            { _, _, context in
                Unmanaged<LoopTimer>.fromOpaque(context!).takeUnretainedValue().fire()
            }, context)
        var interval = timeval(duration: delay)
        event_add(event, &interval)
    }

    private func fire() {
        // The action may drop the last reference to this timer (replacing it with the next one): release it after.
        withExtendedLifetime(self) { action() }
    }

    /// Stops the timer if it has not fired.
    public func cancel() {
        if let event { event_del(event) }
    }

    deinit {
        if let event { event_free(event) }
    }
}

extension timeval {
    init(duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let clamped = max(seconds, 0)
        self.init(tv_sec: Int(clamped), tv_usec: seconds < 0 ? 0 : Int(attoseconds / 1_000_000_000_000))
    }
}

/// Keeps fire-and-forget timers alive until they fire.
public enum LoopTimerHolder {
    private final class Holder {
        var timer: LoopTimer?
    }

    /// Runs `action` on `loop` after `delay`; call on the loop.
    @discardableResult
    public static func schedule(on loop: EventLoop, after delay: Duration, _ action: @escaping () -> Void) -> Bool {
        let holder = Holder()
        let bound = LoopBound(holder, on: loop)
        holder.timer = LoopTimer(loop: loop, after: delay) {
            action()
            // Released after the callback has returned, not inside it.
            loop.execute { bound.value.timer = nil }
        }
        return true
    }
}
