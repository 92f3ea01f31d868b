import Codec
import Domain
import Foundation
import HeraldCore
import Logging
import Postgres
import RPC
import ServiceKit

/// `herald.users.v1.UserDirectory`: each method registered with its request and response types from
/// `UserDirectoryAPI`, validated (and normalized) before it runs, carried out by the store; every mutation audited
/// with the caller (`ServerContext.actor`). Besides calls: data-subject requests carried out, activity partitions
/// kept ahead and past retention dropped, and values sealed with a previous key re-sealed.
public struct UserDirectoryService: Sendable {
    public static let name = UserDirectoryAPI.service

    let store: UserStore
    let privacy: DataSubjectWork
    let rotation: BackgroundWork
    let partitionUpkeep: BackgroundWork

    /// `participants`: the other services' parts in data-subject requests (user-directory's own comes first).
    public init(
        pool: PostgresPool, ring: KeyRing, config: HeraldConfig.Users, participants: [DataSubjectParticipant] = []
    ) {
        let store = UserStore(pool: pool, ring: ring, activityRetentionDays: config.activityRetentionDays)
        self.store = store
        let own = DataSubjectParticipant(
            service: "user-directory", export: { try await store.personalData(of: $0) },
            erase: { try await store.erasePersonalData(of: $0, request: $1) })
        privacy = DataSubjectWork(
            store: store, participants: [own] + participants, delay: .milliseconds(config.erasureDelayMilliseconds))
        rotation = KeyRotation.work(store)
        let logger = Logger(label: "herald.user-directory.activity")
        partitionUpkeep = BackgroundWork("activity partition upkeep", every: .seconds(6 * 3600), logger: logger) {
            let dropped =
                try await store.partitions.maintain(pool: pool, retention: store.activityRetention)
                + store.changePartitions.maintain(pool: pool, retention: store.changeRetention)
            if !dropped.isEmpty {
                logger.info("activity and changes past retention dropped", metadata: ["partitions": "\(dropped)"])
            }
            return false
        }
    }

    /// Before the service says it is ready: the keys open the stored data (else a `ConfigError`); then the
    /// background work starts.
    public func whenReady() async throws {
        try await KeyCheck.verify(store)
        for work in [privacy.worker, rotation, partitionUpkeep] { work.start() }
    }

    public func shutdown() {
        for work in [privacy.worker, rotation, partitionUpkeep] { work.stop() }
    }

    public func register(in services: inout ServiceRegistry) {
        registerProfiles(in: &services)
        registerPreferences(in: &services)
        registerActivity(in: &services)
        registerBulk(in: &services)
        registerPrivacy(in: &services)
    }
}
