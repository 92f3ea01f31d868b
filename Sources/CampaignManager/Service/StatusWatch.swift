import Codec
import Domain
import Foundation
import HeraldCore
import Logging
import Postgres
import RPC
import Synchronization

/// WatchCampaignStatus: one LISTEN connection per process on `campaign_status` (a trigger notifies it with the
/// campaign id whenever a campaign's status or version, or one of its executions, changes), fanned out to the
/// calls watching that campaign. Each call re-reads the status on a notification and sends it if it changed, so a
/// burst of notifications costs one read per watcher, and a reconnect of the listener (which may have missed
/// notifications) makes every watcher re-read.
final class StatusWatch: Sendable {
    private let store: CampaignStore
    private let configuration: PostgresConnection.Configuration
    private let state = Mutex(State())
    private let logger = Logger(label: "herald.campaign-manager.watch")

    private struct State {
        var listener: PostgresListener?
        var pump: Task<Void, Never>?
        var watchers: [UUID: [Int: AsyncStream<Void>.Continuation]] = [:]
        var nextID = 0
        var stopped = false
    }

    init(store: CampaignStore, configuration: PostgresConnection.Configuration) {
        self.store = store
        self.configuration = configuration
    }

    func stop() {
        let (listener, pump, watchers) = state.withLock { s in
            s.stopped = true
            defer { s.watchers = [:] }
            return (s.listener, s.pump, s.watchers.values.flatMap(\.values))
        }
        listener?.stop()
        pump?.cancel()
        for watcher in watchers { watcher.finish() }
    }

    func register(in services: inout ServiceRegistry, service: String, statusResponse: MessageType) {
        let requestType = CampaignService.type("WatchCampaignStatusRequest")
        services.serverStreaming("/\(service)/WatchCampaignStatus") { [self] bytes, writer, _ in
            let id = try requestType.decode(bytes) { m in
                var issues = FieldIssues()
                let id = CampaignService.uuid(m.string(1), "campaign_id", &issues)
                try issues.throwIfAny()
                return id!
            }
            try startListening()
            let changes = subscribe(id)
            var last: CampaignStatusReport?
            // The first read comes after subscribing, so no change between the two is missed.
            var iterator = changes.makeAsyncIterator()
            repeat {
                let report = try await store.status(id)
                if report != last {
                    await writer.send(try statusResponse.encode { b in b.message(1) { report.write(to: $0) } })
                    last = report
                }
            } while await iterator.next() != nil
        }
    }

    /// A stream that yields whenever the campaign may have changed; it ends when the call ends.
    private func subscribe(_ id: UUID) -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let key = state.withLock { s -> Int? in
            guard !s.stopped else { return nil }
            s.nextID += 1
            s.watchers[id, default: [:]][s.nextID] = continuation
            return s.nextID
        }
        guard let key else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { s in
                s.watchers[id]?[key] = nil
                if s.watchers[id]?.isEmpty == true { s.watchers[id] = nil }
            }
        }
        return stream
    }

    /// Starts the LISTEN connection on the first watch.
    private func startListening() throws {
        let needed = state.withLock { !$0.stopped && $0.listener == nil }
        guard needed else { return }
        let listener = try PostgresListener(channels: ["campaign_status"], configuration: configuration, logger: logger)
        let installed = state.withLock { s -> Bool in
            guard s.listener == nil, !s.stopped else { return false }
            s.listener = listener
            s.pump = Task { [weak self] in
                for await event in listener.events {
                    guard let self else { return }
                    self.deliver(event)
                }
            }
            return true
        }
        if !installed { listener.stop() }
    }

    private func deliver(_ event: PostgresListener.Event) {
        let targets: [AsyncStream<Void>.Continuation] = state.withLock { s in
            switch event {
            case .listening: return s.watchers.values.flatMap(\.values)
            case .lost: return []
            case .notification(let notification):
                guard let id = UUID(canonical: notification.payload) else { return [] }
                return s.watchers[id].map { Array($0.values) } ?? []
            }
        }
        for target in targets { target.yield() }
    }
}
