import Domain
import Foundation
import ServiceClients

/// `herald.experiments.v1.ABTestingEngine` for other services: domain values in and out through
/// `ABTestingEngineAPI`'s mappers, every call through a `ServiceClient`. Errors are the call's `RPCError`.
public struct ABTestingEngineClient: Sendable {
    public var client: ServiceClient { calls.client }
    let calls: ServiceCalls
    private typealias API = ABTestingEngineAPI

    public init(_ client: ServiceClient) {
        calls = ServiceCalls(client, package: "herald.experiments.v1", service: "ABTestingEngine")
    }

    public func create(_ definition: ABTestDefinition) async throws -> ABTest {
        try await calls.call(API.createTest, Only(definition)).value
    }

    public func get(_ id: UUID) async throws -> ABTest { try await calls.call(API.getTest, ByID(id)).value }

    /// Tests of one campaign and status (any when nil), newest first.
    public func list(campaign: UUID? = nil, status: TestStatus? = nil, page: PageRequest = PageRequest()) async throws
        -> Page<ABTest>
    {
        try await calls.call(API.listTests, ListTestsRequest(campaignID: campaign, status: status, page: page))
    }

    public func start(_ id: UUID) async throws -> ABTest { try await calls.call(API.startTest, ByID(id)).value }
    public func pause(_ id: UUID) async throws -> ABTest { try await calls.call(API.pauseTest, ByID(id)).value }
    /// Ends the test without a winner.
    public func stop(_ id: UUID) async throws -> ABTest { try await calls.call(API.stopTest, ByID(id)).value }

    /// New traffic shares by variant id (0-100, summing to 100); users assigned before keep their variant.
    public func updateAllocation(of test: UUID, _ allocations: [String: Double]) async throws -> ABTest {
        try await calls.call(
            API.updateTestAllocation, UpdateTestAllocationRequest(testID: test, allocations: allocations)
        )
        .value
    }

    /// The variant `user` sees (the same on every call).
    public func assignVariant(in test: UUID, to user: UUID) async throws -> VariantAssignment {
        try await calls.call(API.assignVariant, AssignVariantRequest(testID: test, userID: user))
    }

    /// Up to `ABTestingEngineAPI.maxBatch` users at once, in order; `covariates` (none, or one per user) are their
    /// pre-period values of the primary metric, for CUPED.
    public func assignVariants(in test: UUID, to users: [UUID], covariates: [Double] = []) async throws -> [Assignment]
    {
        try await calls.call(
            API.assignVariants, AssignVariantsRequest(testID: test, userIDs: users, covariates: covariates)
        ).values
    }

    public func recordConversion(_ conversion: ConversionRequest) async throws -> ConversionResult {
        try await calls.call(API.recordConversion, conversion)
    }

    public func analyze(_ id: UUID) async throws -> TestAnalysis {
        try await calls.call(API.analyzeTestResults, ByID(id)).value
    }

    /// Ends the test with `variant` as its winner (the significant one when empty; `force` overrides the checks).
    public func selectWinner(of test: UUID, variant: String = "", force: Bool = false) async throws -> TestVariant {
        try await calls.call(API.selectWinner, SelectWinnerRequest(testID: test, variantID: variant, force: force))
            .value
    }

    public func optimize(campaign: UUID) async throws -> [OptimizationRecommendation] {
        try await calls.call(API.optimizeCampaign, ByID(campaign)).values
    }

    /// The test's analysis each time its results change, until `timeout` passes or the caller stops reading.
    public func watchResults(of test: UUID, timeout: Duration? = nil) throws -> AsyncThrowingStream<
        TestAnalysis, any Error
    > {
        try calls.watch(API.watchTestResults, ByID(test), timeout: timeout)
    }
}
