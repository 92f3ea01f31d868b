import Dispatch
import Foundation
import Synchronization

/// What a server process does between start and exit: waits for SIGTERM or SIGINT (or `stop()`), then runs its
/// shutdown steps in the order they were added (stop saying ready, drain the server, close the pool), once; SIGHUP
/// runs the reload steps (a TLS certificate read again). As swift-service-lifecycle's ServiceGroup does it, with
/// the steps a Herald process needs.
public final class ServiceGroup: Sendable {
    private struct State {
        var shutdown: [(name: String, step: @Sendable () async -> Void)] = []
        var reload: [@Sendable () -> Void] = []
        var stopping = false
    }

    private let state = Mutex(State())
    private let stops: AsyncStream<Void>
    private let stopRequests: AsyncStream<Void>.Continuation

    public init() {
        (stops, stopRequests) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Adds a step to run when the group stops, after the steps added before it.
    public func onShutdown(_ name: String, _ step: @escaping @Sendable () async -> Void) {
        state.withLock { $0.shutdown.append((name, step)) }
    }

    /// Adds a step to run on SIGHUP.
    public func onReload(_ step: @escaping @Sendable () -> Void) {
        state.withLock { $0.reload.append(step) }
    }

    /// Stops the group as SIGTERM does (a second request changes nothing).
    public func stop() { stopRequests.yield() }

    /// Installs the signal handlers: SIGTERM and SIGINT stop the group, SIGHUP reloads.
    public func handleSignals() {
        for number in [SIGTERM, SIGINT] { Self.watch(number) { [self] in stop() } }
        Self.watch(SIGHUP) { [self] in
            for step in state.withLock({ $0.reload }) { step() }
        }
    }

    /// Waits until the group is stopped, then runs every shutdown step in order; returns when the last is done.
    /// Returns at once if another `run` is already shutting down.
    public func run() async {
        var iterator = stops.makeAsyncIterator()
        _ = await iterator.next()
        let steps: [(name: String, step: @Sendable () async -> Void)]? = state.withLock { s in
            guard !s.stopping else { return nil }
            s.stopping = true
            return s.shutdown
        }
        for (_, step) in steps ?? [] { await step() }
    }

    /// Unblocks SIGTERM, SIGINT and SIGHUP for this thread and every thread started after it: call first thing in
    /// `main`, before any loop or pool thread starts (a parent, such as a test runner or a supervisor, may have
    /// blocked them, and threads inherit the mask).
    public static func unblockStopSignals() {
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGTERM)
        sigaddset(&stopSignals, SIGINT)
        sigaddset(&stopSignals, SIGHUP)
        pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
    }

    /// Delivers `number` to `handler` on a dispatch queue instead of its default action.
    private static func watch(_ number: Int32, _ handler: @escaping @Sendable () -> Void) {
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler(handler: handler)
        source.resume()
        signalSources.append(source)
    }

}

/// Kept alive for the life of the process (a released dispatch source stops delivering). Appended to only by
/// `handleSignals`, which a process calls once, from its main thread, before it serves.
nonisolated(unsafe) private var signalSources: [any DispatchSourceSignal] = []
