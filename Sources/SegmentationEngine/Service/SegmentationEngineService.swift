import Domain
import Foundation
import HeraldCore
import Logging
import Postgres
import RPC
import ServiceKit

/// `herald.segments.v1.SegmentationEngine`: segments defined by conditions compiled to one SQL statement
/// (`ConditionCompiler`), their memberships kept current from user-directory's change feed within a second
/// (`MembershipUpdater`, woken by NOTIFY, polling as the fallback), time-relative segments evaluated again on a
/// schedule, members read in pages or streamed, overlaps computed in the database.
public struct SegmentationEngineService: Sendable {
    public static let name = SegmentationEngineAPI.service

    let store: SegmentStore
    let settings: HeraldConfig.Segmentation
    let updates: BackgroundWork
    let schedule: BackgroundWork
    let hub: NotificationHub
    let indexes: AttributeIndexes
    private let wakeups: Task<Void, Never>

    /// How stale a time-relative segment may get ("within the last 30 days" moves by the day; an hour is ample).
    static let timeRelativeInterval = 3_600

    public init(pool: PostgresPool, config: HeraldConfig.Segmentation) throws {
        let store = SegmentStore(pool: pool)
        self.store = store
        settings = config
        indexes = AttributeIndexes(pool: pool, logger: Logger(label: "herald.segmentation-engine.indexes"))
        let updater = MembershipUpdater(pool: pool)
        let updates = BackgroundWork(
            "membership updates", every: .seconds(2), logger: Logger(label: "herald.segmentation-engine.updates"),
            step: updater.step)
        self.updates = updates
        schedule = BackgroundWork(
            "time-relative segments", every: .seconds(60),
            logger: Logger(label: "herald.segmentation-engine.schedule")
        ) {
            try await store.refreshOverdue(olderThan: .seconds(Self.timeRelativeInterval))
        }
        let hub = try NotificationHub(channels: ["user_changes"], configuration: pool.configuration.connection)
        self.hub = hub
        wakeups = Task {
            for await _ in hub.subscribe("user_changes") { updates.wake() }
        }
    }

    public func whenReady() async throws {
        updates.start()
        schedule.start()
    }

    public func shutdown() {
        wakeups.cancel()
        updates.stop()
        schedule.stop()
        hub.stop()
    }

    public func register(in services: inout ServiceRegistry) {
        registerSegments(in: &services)
        registerMembers(in: &services)
    }
}
