import Domain
import Foundation
import HeraldCore
import Logging
import Postgres
import RPC
import ServiceKit

/// `herald.experiments.v1.ABTestingEngine`: tests and their lifecycle, deterministic sticky assignment with stored
/// exposures, conversions counted once, statistics (`TestAnalyzer`) and winners, selected on request or by a
/// test's policy (`Promotion`, in the background, which also re-weights bandit tests and ends overdue ones).
public struct ABTestingEngineService: Sendable {
    public static let name = ABTestingEngineAPI.service

    let store: TestStore
    let hub: NotificationHub
    let analyzer: TestAnalyzer
    let settings: HeraldConfig.ABTesting
    /// Winners by policy, overdue tests ended, bandits re-weighted: `promoter.step` every 30 s.
    let promoter: Promotion
    let promotion: BackgroundWork

    public init(pool: PostgresPool, config: HeraldConfig.ABTesting) throws {
        let store = TestStore(pool: pool)
        self.store = store
        settings = config
        let analyzer = TestAnalyzer(confidenceLevel: config.confidenceLevel, minSampleSize: config.minSampleSize)
        self.analyzer = analyzer
        hub = try NotificationHub(channels: [TestStore.resultsChannel], configuration: pool.configuration.connection)
        let promoter = Promotion(store: store, analyzer: analyzer)
        self.promoter = promoter
        promotion = BackgroundWork(
            "winner promotion", every: .seconds(30), logger: Logger(label: "herald.ab-testing-engine.promotion"),
            step: promoter.step)
    }

    public func whenReady() async throws { promotion.start() }

    public func shutdown() {
        promotion.stop()
        hub.stop()
    }

    /// How long after a user's exposure their conversions count (the longest a test may run).
    var attributionWindow: Duration { .seconds(settings.maxTestDurationDays * 86_400) }

    var defaultEngine: StatisticalEngine { StatisticalEngine(rawValue: settings.statisticalEngine) ?? .bayesian }

    public func register(in services: inout ServiceRegistry) {
        registerTests(in: &services)
        registerAssignments(in: &services)
        registerResults(in: &services)
    }

    /// A test with each variant's performance (participants, conversions of the primary metric, revenue).
    func withPerformance(_ stored: StoredTest) async throws -> ABTest {
        let totals = try await store.totals(stored.test.id)
        var test = stored.test
        let primary = test.successMetrics.first?.name ?? ""
        for i in test.variants.indices {
            let n = totals.exposures[i]?.participants ?? 0
            let converted = totals.metrics[primary]?[i]?.converted ?? 0
            let revenue = totals.metrics.values.reduce(0) { $0 + ($1[i]?.valueSum ?? 0) }
            test.variants[i].performance = VariantPerformance(
                participants: Int64(n), conversions: Int64(converted), conversionRate: n > 0 ? converted / n : 0,
                revenue: revenue)
        }
        return test
    }

    func analysis(_ id: UUID) async throws -> TestAnalysis {
        let stored = try await store.test(id)
        return analyzer.analyze(stored, try await store.totals(id))
    }
}
