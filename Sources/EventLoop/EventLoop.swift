import CLibevent
import Foundation
import Synchronization

/// One libevent `event_base` driven by one dedicated thread.
///
/// Work reaches the loop from any thread through `execute(_:)` (a mutex-guarded mailbox plus
/// `event_active`, which libevent makes thread-safe once `evthread_use_pthreads` has run). The loop is
/// also a Swift `SerialExecutor` and `TaskExecutor`: an actor whose `unownedExecutor` is a loop runs its
/// methods on that loop's thread, so a C handle owned by the actor never crosses threads.
///
/// - Important: `base` and every event created on it may only be used on the loop's own thread
///   (`inEventLoop`). Timers and descriptor watchers check this with a precondition.
// unchecked: C state is confined to the loop thread; cross-thread state is in `mailbox` (Mutex)
public final class EventLoop: @unchecked Sendable {
    /// The loop's `event_base`. Use only on the loop thread.
    public let base: OpaquePointer
    /// A name for logs and thread names.
    public let name: String

    private enum Work {
        case closure(@Sendable () -> Void)
        case job(UnownedJob)
    }

    private struct Mailbox {
        var pending: [Work] = []
        var wakeScheduled = false
        var stopped = false
    }

    private let mailbox = Mutex(Mailbox())
    private var wakeEvent: OpaquePointer!
    /// The loop thread's pthread_t (0 until it runs): read on every `inEventLoop`, so an atomic, not a lock.
    private let threadID = Atomic<UInt>(0)
    private let finished = DispatchSemaphore(value: 0)

    private static let threadsEnabled: Bool = {
        evthread_use_pthreads() == 0
    }()

    /// Creates the base and starts its thread.
    public init(name: String) {
        precondition(Self.threadsEnabled, "libevent could not enable pthreads support")
        guard let config = event_config_new() else { fatalError("event_config_new failed: out of memory") }
        event_config_set_max_dispatch_interval(config, nil, Self.callbacksPerPoll, 0)
        let made = event_base_new_with_config(config)
        event_config_free(config)
        guard let base = made else { fatalError("event_base_new_with_config failed") }
        self.base = base
        self.name = name
        let context = Unmanaged.passUnretained(self).toOpaque()
        wakeEvent = event_new(
            base, -1, HERALD_EV_PERSIST,
            { _, _, context in
                Unmanaged<EventLoop>.fromOpaque(context!).takeUnretainedValue().drainMailbox()
            }, context)
        event_add(wakeEvent, nil)
        let started = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            let base = self.base
            threadID.store(UInt(pthread_self()), ordering: .releasing)
            CurrentLoop.set(self)
            started.signal()
            event_base_loop(base, HERALD_EVLOOP_NO_EXIT_ON_EMPTY)
            drainMailbox(untilEmpty: true)
            CurrentLoop.set(nil)
            finished.signal()
        }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
        started.wait()
    }

    deinit {
        event_free(wakeEvent)
        event_base_free(base)
    }

    /// True when called on this loop's thread.
    public var inEventLoop: Bool {
        let id = threadID.load(ordering: .acquiring)
        return id != 0 && pthread_equal(pthread_t(id), pthread_self()) != 0
    }

    /// The loop whose thread is running the caller, if any.
    public static var current: EventLoop? { CurrentLoop.get() }

    /// Runs `work` on the loop thread, after whatever is already queued. Callable from any thread.
    public func execute(_ work: @escaping @Sendable () -> Void) {
        submit(.closure(work))
    }

    private func submit(_ work: Work) {
        let wake = mailbox.withLock { box -> Bool in
            box.pending.append(work)
            if box.wakeScheduled { return false }
            box.wakeScheduled = true
            return true
        }
        if wake { event_active(wakeEvent, Int32(HERALD_EV_READ), 0) }
    }

    /// How long queued work may run before the loop polls its descriptors and timers again.
    static let turnBudgetNanoseconds: UInt64 = 1_000_000
    /// Callbacks libevent runs before it polls again (it would otherwise run its active events until none is left,
    /// the wake-up of a mailbox that keeps filling among them).
    static let callbacksPerPoll: Int32 = 32

    /// Runs queued work, batch after batch, as long as it keeps coming and for at most `turnBudgetNanoseconds`
    /// (unless `untilEmpty`): work that requeues itself, or a flood of it, would otherwise keep the loop from its
    /// sockets and timers. What is left waits behind the events already active (the wake-up event goes to the
    /// back of libevent's queue), and libevent polls again after `callbacksPerPoll` callbacks; `wakeScheduled`
    /// stays true meanwhile, so submitters need not wake the loop.
    private func drainMailbox(untilEmpty: Bool = false) {
        let started = untilEmpty ? 0 : DispatchTime.now().uptimeNanoseconds
        while true {
            let batch = mailbox.withLock { box -> [Work] in
                if box.pending.isEmpty {
                    box.wakeScheduled = false
                    return []
                }
                let batch = box.pending
                box.pending.removeAll(keepingCapacity: true)
                return batch
            }
            if batch.isEmpty { return }
            for work in batch {
                switch work {
                case .closure(let closure): closure()
                case .job(let job):
                    job.runSynchronously(isolatedTo: asUnownedSerialExecutor(), taskExecutor: asUnownedTaskExecutor())
                }
            }
            if !untilEmpty && DispatchTime.now().uptimeNanoseconds - started >= Self.turnBudgetNanoseconds {
                let more = mailbox.withLock { box -> Bool in
                    if box.pending.isEmpty { box.wakeScheduled = false }
                    return !box.pending.isEmpty
                }
                if more { event_active(wakeEvent, Int32(HERALD_EV_READ), 0) }
                return
            }
        }
    }

    /// Stops the loop after the work already queued and waits for its thread to end.
    /// Must not be called on the loop thread.
    public func shutdown() {
        precondition(!inEventLoop, "EventLoop.shutdown() called on its own thread would deadlock")
        let first = mailbox.withLock { box -> Bool in
            defer { box.stopped = true }
            return !box.stopped
        }
        guard first else { return }
        execute { [self] in event_base_loopbreak(self.base) }
        finished.wait()
    }
}

extension EventLoop: SerialExecutor, TaskExecutor {
    public func enqueue(_ job: consuming ExecutorJob) {
        submit(.job(UnownedJob(job)))
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    public func checkIsolated() {
        precondition(inEventLoop, "expected to run on event loop \(name)")
    }
}

/// The loop of the current thread, kept in a pthread key so that `EventLoop.current` costs one lookup.
private enum CurrentLoop {
    static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    static func set(_ loop: EventLoop?) {
        pthread_setspecific(key, loop.map { Unmanaged.passUnretained($0).toOpaque() })
    }

    static func get() -> EventLoop? {
        pthread_getspecific(key).map { Unmanaged<EventLoop>.fromOpaque($0).takeUnretainedValue() }
    }
}
