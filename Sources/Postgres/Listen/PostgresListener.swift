import EventLoop
import Logging

/// Receives `NOTIFY`s on a fixed set of channels over a dedicated connection, reconnecting (and listening
/// again) when the connection breaks.
///
/// Notifications sent while the listener was reconnecting are lost, as PostgreSQL does not queue them for
/// absent listeners; a consumer that must not miss work re-reads its table after `reconnected` events.
public final class PostgresListener: Sendable {
    public enum Event: Sendable, Equatable {
        case notification(PostgresNotification)
        /// The listener (re)connected and is listening on every channel; anything sent before may have been missed.
        case listening
        /// The connection broke: notifications are missed until the next `listening`.
        case lost
    }

    public let channels: [String]
    /// Notifications and (re)connection events, until `stop()`.
    public let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private let task: Task<Void, Never>

    /// Starts listening. Channel names must be plain identifiers (`[a-z_][a-z0-9_]*`), since `LISTEN` takes no
    /// parameters.
    public init(
        channels: [String], configuration: PostgresConnection.Configuration,
        loop: EventLoop = EventLoopGroup.shared.next(),
        logger: Logger = Logger(label: "herald.postgres.listener")
    ) throws {
        for channel in channels where !Self.isIdentifier(channel) {
            throw PostgresError(kind: .encoding, message: "channel name \"\(channel)\" must match [a-z_][a-z0-9_]*")
        }
        self.channels = channels
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        events = stream
        self.continuation = continuation
        task = Task {
            var failures = 0
            while !Task.isCancelled {
                do {
                    let connection = try await PostgresConnection.connect(configuration, on: loop)
                    for channel in channels { try await connection.query("LISTEN \(channel)") }
                    failures = 0
                    continuation.yield(.listening)
                    try await connection.deliverNotifications(to: continuation)
                } catch is CancellationError {
                    break
                } catch {
                    if failures == 0 {
                        logger.warning("listener connection lost", metadata: ["error": "\(error)"])
                        continuation.yield(.lost)
                    }
                    failures += 1
                    let delay = min(50 * (1 << min(failures, 6)), 2000)
                    try? await Task.sleep(for: .milliseconds(delay))
                }
            }
            continuation.finish()
        }
    }

    /// Stops listening and ends `events`.
    public func stop() {
        task.cancel()
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || ("a"..."z").contains(first), name.count <= 63
        else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }
}

extension PostgresConnection {
    /// Waits for notifications and yields them until the connection breaks (throws) or the task is cancelled.
    func deliverNotifications(to continuation: AsyncStream<PostgresListener.Event>.Continuation) async throws {
        while true {
            for notification in pendingNotifications { continuation.yield(.notification(notification)) }
            pendingNotifications.removeAll()
            try Task.checkCancellation()
            try await waitForNotifications(timeout: .milliseconds(250))
        }
    }
}
