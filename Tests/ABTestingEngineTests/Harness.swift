import Domain
import Foundation
import HeraldCore
import RPC
import ServiceClients
import TestSupport
import Testing
import TypedClients

@testable import ABTestingEngine

/// ab-testing-engine in a `ServiceHarness` (ready: its promotion work started), called as clients in any language
/// call it (proto3 JSON) and as other services do (`ABTestingEngineClient`), with a campaign to test in.
@dynamicMemberLookup
struct Harness: Sendable, ServiceHarnessWrapper {
    let base: ServiceHarness
    let service: ABTestingEngineService
    let tests: ABTestingEngineClient
    let campaign: UUID

    /// Runs `body` with a fresh ab-testing-engine (`minSampleSize` participants per variant before significance)
    /// and tears it down afterwards, whatever happens.
    static func with(
        minSampleSize: Int = 100, engine: String = "frequentist", _ body: (Harness) async throws -> Void
    ) async throws {
        let box = ServiceBox<ABTestingEngineService>()
        try await ServiceHarness.with(service: ABTestingEngineService.name) { pool in
            let service = try ABTestingEngineService(
                pool: pool,
                config: .init(
                    minSampleSize: minSampleSize, confidenceLevel: 0.95, maxTestDurationDays: 30,
                    statisticalEngine: engine))
            box.service = service
            return (service.register, service.shutdown)
        } body: { base in
            let service = box.service!
            try await service.whenReady()
            let tests = ABTestingEngineClient(
                ServiceClient(
                    target: "ab-testing-engine",
                    ServiceClientConfiguration(endpoints: [("127.0.0.1", base.server.port)])))
            defer { tests.client.close() }
            let campaign = try await base.pool.query(
                """
                INSERT INTO campaigns.campaigns (name, type, channels, target_segments, workflow, created_by)
                VALUES ('Spring sale', 'one_time', '{email}', '{}', '{}', $1) RETURNING id
                """, [UUID(canonical: base.user)!])[0].decode("id", as: UUID.self)
            try await body(Harness(base: base, service: service, tests: tests, campaign: campaign))
        }
    }

    subscript<T>(dynamicMember path: KeyPath<ServiceHarness, T>) -> T { base[keyPath: path] }

    /// The background promotion, run now rather than at its interval.
    var promoter: Promotion { service.promoter }

    /// A two-variant subject-line test of the harness's campaign (control "a", "b"), created and started.
    func running(
        _ variants: [TestVariant] = [
            TestVariant(
                id: "a", name: "Plain subject", content: .object([("subject", .string("Spring sale"))]), allocation: 50),
            TestVariant(
                id: "b", name: "Urgent subject", content: .object([("subject", .string("48 hours left"))]),
                allocation: 50),
        ],
        traffic: TrafficAllocation = TrafficAllocation(percentage: 100, seed: "spring"),
        metrics: [SuccessMetric] = [SuccessMetric(name: "purchase", primary: true)],
        engine: StatisticalEngine? = nil, policy: WinnerPolicy? = nil
    ) async throws -> ABTest {
        let test = try await tests.create(
            ABTestDefinition(
                campaignID: campaign, name: "Subject line", type: .subjectLine, variants: variants,
                trafficAllocation: traffic, successMetrics: metrics, engine: engine, winnerPolicy: policy))
        return try await tests.start(test.id)
    }

    /// Users assigned in batches of at most 10,000; the assignments in order.
    func assign(_ test: UUID, _ users: [UUID], covariates: [Double] = []) async throws -> [Assignment] {
        var out: [Assignment] = []
        for start in stride(from: 0, to: users.count, by: ABTestingEngineAPI.maxBatch) {
            let end = min(start + ABTestingEngineAPI.maxBatch, users.count)
            out += try await tests.assignVariants(
                in: test, to: Array(users[start..<end]),
                covariates: covariates.isEmpty ? [] : Array(covariates[start..<end]))
        }
        return out
    }

    static func users(_ count: Int, seed: UInt64 = 1) -> [UUID] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { _ in
            UUID(uuid: withUnsafeBytes(of: (random.next(), random.next())) { $0.load(as: uuid_t.self) })
        }
    }
}
