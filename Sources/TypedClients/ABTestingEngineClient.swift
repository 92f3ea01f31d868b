import Domain
import Foundation
import ServiceClients

/// `herald.experiments.v1.ABTestingEngine` for other services: domain values in and out, every call through a
/// `ServiceClient`. Errors are the call's `RPCError`.
public struct ABTestingEngineClient: Sendable {
    public var client: ServiceClient { calls.client }
    let calls: ServiceCalls

    public init(_ client: ServiceClient) {
        calls = ServiceCalls(client, package: "herald.experiments.v1", service: "ABTestingEngine")
    }

    public func create(_ definition: ABTestDefinition) async throws -> ABTest {
        try await calls.unary("CreateTest", returning: "test") { $0.set(1, definition) }
    }

    public func get(_ id: UUID) async throws -> ABTest {
        try await calls.unary("GetTest", returning: "test") { $0.set(1, id: id) }
    }

    /// Tests of one campaign and status (any when nil), `pageSize` at a time (the service's default when 0).
    public func list(campaign: UUID? = nil, status: TestStatus? = nil, pageSize: Int = 0, pageToken: String = "")
        async throws -> Page<ABTest>
    {
        try await calls.list("ListTests", items: "tests") { b in
            b.set(1, id: campaign)
            b.set(2, enum: status)
            b.set(3, pageSize: pageSize, token: pageToken)
        }
    }

    public func start(_ id: UUID) async throws -> ABTest {
        try await calls.unary("StartTest", returning: "test") { $0.set(1, id: id) }
    }

    public func pause(_ id: UUID) async throws -> ABTest {
        try await calls.unary("PauseTest", returning: "test") { $0.set(1, id: id) }
    }

    /// The variant `user` sees (the same on every call), or nil when the user is outside the test's traffic.
    public func assignVariant(in test: UUID, to user: UUID) async throws -> TestVariant? {
        try await calls.unary(
            "AssignVariant",
            { b in
                b.set(1, id: test)
                b.set(2, id: user)
            }
        ) { m in
            guard m.bool(2) else { return nil }
            guard let variant = m.message(1) else { throw ValidationError("variant", "missing while in_test is true") }
            return try TestVariant(wire: variant, at: "variant")
        }
    }

    public func recordConversion(in test: UUID, by user: UUID, type: String, value: Double = 0) async throws {
        try await calls.unary("RecordConversion") { b in
            b.set(1, id: test)
            b.set(2, id: user)
            b.set(3, type)
            b.set(4, value)
        }
    }

    public func analyze(_ id: UUID) async throws -> TestAnalysis {
        try await calls.unary("AnalyzeTestResults", returning: "analysis") { $0.set(1, id: id) }
    }

    /// Ends the test with `variant` as its winner (the engine's pick when empty).
    public func selectWinner(of test: UUID, variant: String = "") async throws -> TestVariant {
        try await calls.unary("SelectWinner", returning: "winner") { b in
            b.set(1, id: test)
            b.set(2, variant)
        }
    }

    public func optimize(campaign: UUID) async throws -> [OptimizationRecommendation] {
        try await calls.unary("OptimizeCampaign", returningAll: "recommendations") { $0.set(1, id: campaign) }
    }

    /// The test's analysis each time its results change, until the test ends or `timeout` passes.
    public func watchResults(of test: UUID, timeout: Duration? = nil) throws -> AsyncThrowingStream<
        TestAnalysis, any Error
    > {
        try calls.watch("WatchTestResults", returning: "analysis", timeout: timeout) { $0.set(1, id: test) }
    }
}
