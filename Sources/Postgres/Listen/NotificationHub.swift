import Logging
import Synchronization

/// One LISTEN connection for a whole process, fanned out: each subscriber names a channel and, optionally, the one
/// payload it cares about (a campaign id, a message id) and gets a stream of what concerns it. Caches that
/// PostgreSQL invalidates and server streams that follow a row ("current state, then every change") share it
/// instead of holding a connection each.
///
/// NOTIFY is a wake-up, never the record: notifications sent while the connection is down are lost, so every
/// subscriber is told `.resync` when the hub listens again (re-read what you follow) and `.lost` when it stops
/// (a cache must stop trusting itself). Consumers that must not miss work also poll (DESIGN.md).
public final class NotificationHub: Sendable {
    public enum Event: Sendable, Equatable {
        /// A notification on the channel, with its payload.
        case changed(String)
        /// The hub listens (again): whatever was sent while it did not is unknown, re-read.
        case resync
        /// The connection broke: notifications are missed until the next `resync`.
        case lost
    }

    public let channels: [String]
    private let listener: PostgresListener
    private let state = Mutex(State())
    private let pump = Mutex<Task<Void, Never>?>(nil)

    private struct Subscriber {
        let payload: String?
        let continuation: AsyncStream<Event>.Continuation
    }

    private struct State {
        var subscribers: [String: [Int: Subscriber]] = [:]
        var nextID = 0
        var listening = false
        var stopped = false
    }

    /// Listens on `channels` (plain identifiers) from now until `stop()`.
    public init(
        channels: [String], configuration: PostgresConnection.Configuration,
        logger: Logger = Logger(label: "herald.postgres.hub")
    ) throws {
        self.channels = channels
        listener = try PostgresListener(channels: channels, configuration: configuration, logger: logger)
        let events = listener.events
        let task = Task { [weak self] in
            for await event in events {
                guard let self else { return }
                self.deliver(event)
            }
        }
        pump.withLock { $0 = task }
    }

    /// Whether the hub is listening now (a cache is only coherent while it is).
    public var isListening: Bool { state.withLock { $0.listening } }

    /// The events of `channel` (only those whose payload is `payload`, when given), starting with `.resync` when
    /// the hub already listens; the stream ends when the subscriber stops iterating or the hub stops.
    public func subscribe(_ channel: String, payload: String? = nil) -> AsyncStream<Event> {
        precondition(channels.contains(channel), "the hub does not listen on \(channel)")
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(64))
        let id: Int? = state.withLock { s in
            guard !s.stopped else { return nil }
            s.nextID += 1
            s.subscribers[channel, default: [:]][s.nextID] = Subscriber(payload: payload, continuation: continuation)
            if s.listening { continuation.yield(.resync) }
            return s.nextID
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { s in
                s.subscribers[channel]?[id] = nil
                if s.subscribers[channel]?.isEmpty == true { s.subscribers[channel] = nil }
            }
        }
        return stream
    }

    private func deliver(_ event: PostgresListener.Event) {
        let targets: [(AsyncStream<Event>.Continuation, Event)] = state.withLock { s in
            switch event {
            case .listening:
                s.listening = true
                return s.subscribers.values.flatMap(\.values).map { ($0.continuation, .resync) }
            case .lost:
                s.listening = false
                return s.subscribers.values.flatMap(\.values).map { ($0.continuation, .lost) }
            case .notification(let notification):
                return (s.subscribers[notification.channel] ?? [:]).values
                    .filter { $0.payload == nil || $0.payload == notification.payload }
                    .map { ($0.continuation, .changed(notification.payload)) }
            }
        }
        for (continuation, event) in targets { continuation.yield(event) }
    }

    /// Stops listening and ends every subscriber's stream.
    public func stop() {
        let subscribers = state.withLock { s in
            s.stopped = true
            s.listening = false
            defer { s.subscribers = [:] }
            return s.subscribers.values.flatMap(\.values)
        }
        listener.stop()
        pump.withLock { $0?.cancel() }
        for subscriber in subscribers { subscriber.continuation.finish() }
    }
}
