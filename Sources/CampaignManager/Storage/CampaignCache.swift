import Foundation
import HeraldCore
import Logging
import Postgres
import Synchronization

/// The spec's in-memory campaign cache: encoded `Campaign` messages by id, so that GetCampaign on a hot campaign
/// does not go to PostgreSQL.
///
/// Coherence:
/// - A campaign changed through this process is dropped when the change returns (read your writes).
/// - A campaign changed anywhere else (another replica, another service, SQL) is dropped when the NOTIFY of
///   `campaign_changed` reaches this process (a trigger sends it for every UPDATE and DELETE of
///   campaigns.campaigns, at commit): a few milliseconds in which a read may still see the previous version.
/// - A read that raced a change never stores what it read: `store` takes the generation seen before the read,
///   and any drop in between bumps it.
/// - While the process's notification hub is not listening the cache is off (every read goes to PostgreSQL), and
///   it starts empty when the hub listens again, since notifications sent meanwhile were lost.
final class CampaignCache: Sendable {
    static let channel = "campaign_changed"

    private struct State {
        var entries: [UUID: [UInt8]] = [:]
        var generation: UInt64 = 0
        var listening = false
    }

    let maxEntries: Int
    private let state = Mutex(State())
    private let follower = Mutex<Task<Void, Never>?>(nil)
    private static let logger = Logger(label: "herald.campaign-manager.cache")

    /// A cache of up to `maxEntries` campaigns, kept coherent through `hub`'s `campaign_changed` notifications.
    init(maxEntries: Int, hub: NotificationHub) {
        self.maxEntries = maxEntries
        let events = hub.subscribe(Self.channel)
        let task = Task { [weak self] in
            for await event in events {
                guard let self else { return }
                switch event {
                case .resync: flush(listening: true)
                case .lost: flush(listening: false)
                case .changed(let payload):
                    if let id = UUID(canonical: payload) { invalidate(id) }
                }
            }
        }
        follower.withLock { $0 = task }
    }

    /// The cached message, if the cache is on and holds it.
    func lookup(_ id: UUID) -> [UInt8]? {
        state.withLock { $0.listening ? $0.entries[id] : nil }
    }

    /// The generation to hand to `store` after reading from PostgreSQL; nil while the cache is off.
    func generation() -> UInt64? {
        state.withLock { $0.listening ? $0.generation : nil }
    }

    /// Keeps `message` for `id`, unless something was dropped since `generation` (the read may be stale). When
    /// full, an arbitrary entry makes room.
    func store(_ id: UUID, _ message: [UInt8], readAt generation: UInt64) {
        state.withLock { s in
            guard s.listening, s.generation == generation else { return }
            if s.entries.count >= maxEntries, s.entries[id] == nil, !s.entries.isEmpty {
                s.entries.remove(at: s.entries.startIndex)
            }
            s.entries[id] = message
        }
    }

    /// Drops `id` (it changed, or may have).
    func invalidate(_ id: UUID) {
        state.withLock { s in
            s.generation &+= 1
            s.entries[id] = nil
        }
    }

    private func flush(listening: Bool) {
        state.withLock { s in
            s.generation &+= 1
            s.entries = [:]
            s.listening = listening
        }
        Self.logger.info(listening ? "campaign cache on" : "campaign cache off until notifications are heard again")
    }

    /// Number of campaigns held (for tests and metrics).
    var count: Int { state.withLock { $0.entries.count } }

    func stop() {
        follower.withLock { $0?.cancel() }
        state.withLock { s in
            s.listening = false
            s.entries = [:]
        }
    }
}
