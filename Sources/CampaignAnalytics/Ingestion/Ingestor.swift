import Domain
import Foundation
import HeraldCore
import Synchronization

/// Group commit of events: calls hand their events to a bounded queue and wait; up to `flushers` statements at a
/// time take up to `batchSize` queued events each (many small calls become one statement), and every call is
/// answered once its events are durable. A burst beyond `capacity` queued events is refused at once
/// (RESOURCE_EXHAUSTED, with a retry pushback) instead of growing without bound.
final class Ingestor: Sendable {
    struct Waiting {
        let events: [CampaignEvent]
        let done: CheckedContinuation<TrackedEvents, any Error>
    }

    struct State {
        var queue: [Waiting] = []
        var queued = 0
        var flushing = 0
    }

    let store: EventStore
    let batchSize: Int
    let capacity: Int
    let flushers: Int
    private let state = Mutex(State())

    init(store: EventStore, batchSize: Int, capacity: Int, flushers: Int = 2) {
        self.store = store
        self.batchSize = batchSize
        self.capacity = capacity
        self.flushers = flushers
    }

    /// Stores `events` (validated) once each; how many were new and how many had been stored before.
    func ingest(_ events: [CampaignEvent]) async throws -> TrackedEvents {
        guard !events.isEmpty else { return TrackedEvents(stored: 0, duplicates: 0) }
        return try await withCheckedThrowingContinuation { done in
            let start = state.withLock { s -> Bool in
                guard s.queued == 0 || s.queued + events.count <= capacity else {
                    done.resume(
                        throwing: ServiceError(
                            .resourceExhausted,
                            "the ingestion queue is full (\(s.queued) events waiting); retry after the pushback"))
                    return false
                }
                s.queue.append(Waiting(events: events, done: done))
                s.queued += events.count
                guard s.flushing < flushers else { return false }
                s.flushing += 1
                return true
            }
            if start { Task { await self.flush() } }
        }
    }

    /// Takes batches off the queue until it is empty.
    private func flush() async {
        while true {
            let batch = state.withLock { s -> [Waiting] in
                var taken: [Waiting] = []
                var count = 0
                while let next = s.queue.first, taken.isEmpty || count + next.events.count <= batchSize {
                    taken.append(s.queue.removeFirst())
                    count += next.events.count
                }
                s.queued -= count
                if taken.isEmpty { s.flushing -= 1 }
                return taken
            }
            guard !batch.isEmpty else { return }
            do {
                let all = batch.flatMap(\.events)
                var stored = try await store.store(all, receivedAt: Date())
                for waiting in batch {
                    var fresh: Int64 = 0
                    for event in waiting.events where stored.remove(event.id) != nil { fresh += 1 }
                    waiting.done.resume(
                        returning: TrackedEvents(stored: fresh, duplicates: Int64(waiting.events.count) - fresh))
                }
            } catch {
                for waiting in batch { waiting.done.resume(throwing: error) }
            }
        }
    }
}
