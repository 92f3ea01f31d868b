import Foundation
import Logging
import Synchronization

/// Work a service does besides answering calls: a step run every `interval`, at once again while it reports more to
/// do, and at once when woken (a new request recorded, say). A step that throws is logged and tried again at the next
/// interval; `stop` cancels the step running and ends the loop.
public final class BackgroundWork: Sendable {
    public let name: String
    public let interval: Duration
    private let step: @Sendable () async throws -> Bool
    private let state = Mutex<(task: Task<Void, Never>?, wake: AsyncStream<Void>.Continuation?)>((nil, nil))
    private let logger: Logger

    /// `step` returns true when there is more to do right away.
    public init(
        _ name: String, every interval: Duration, logger: Logger, step: @escaping @Sendable () async throws -> Bool
    ) {
        self.name = name
        self.interval = interval
        self.step = step
        self.logger = logger
    }

    public func start() {
        let (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let task = Task { [self] in
            let ticker = Task {
                while !Task.isCancelled {
                    wake.yield()
                    try? await Task.sleep(for: interval)
                }
            }
            defer { ticker.cancel() }
            for await _ in wakeups {
                while !Task.isCancelled {
                    do {
                        guard try await step() else { break }
                    } catch {
                        if !Task.isCancelled {
                            logger.warning("\(name) failed; tried again later", metadata: ["error": "\(error)"])
                        }
                        break
                    }
                }
                if Task.isCancelled { return }
            }
        }
        state.withLock { $0 = (task, wake) }
    }

    /// Runs the step as soon as the one running (if any) ends.
    public func wake() { _ = state.withLock { $0.wake?.yield() } }

    public func stop() {
        state.withLock {
            $0.task?.cancel()
            $0.wake?.finish()
        }
    }
}
