import Domain
import Foundation
import RPC
import ServiceKit

/// CreateTest, GetTest, ListTests, StartTest, PauseTest, StopTest and UpdateTestAllocation.
extension ABTestingEngineService {
    func registerTests(in services: inout ServiceRegistry) {
        let api = ABTestingEngineAPI.self
        services.unary(
            api.createTest,
            validate: { request, issues in TestValidator.validate(&request.value, at: "test", into: &issues) }
        ) { request, _ in
            let stored = try await store.create(request.value, engine: request.value.engine ?? defaultEngine)
            return Only(stored.test)
        }
        services.unary(api.getTest) { request, _ in Only(try await withPerformance(try await store.test(request.id))) }
        services.unary(api.listTests) { request, _ in try await store.list(request) }
        services.unary(api.startTest) { request, _ in
            let current = try await store.test(request.id)
            if let end = current.test.endDate, end <= Date() {
                throw ServiceError.failedPrecondition(
                    "test \(request.id.lowercased) ended on its end_date \(end.ISO8601Format()); it cannot start")
            }
            let stored = try await store.transition(request.id, to: .running, from: [.draft, .paused])
            return Only(try await withPerformance(stored))
        }
        services.unary(api.pauseTest) { request, _ in
            Only(try await withPerformance(try await store.transition(request.id, to: .paused, from: [.running])))
        }
        services.unary(api.stopTest) { request, context in
            let analysis = try await analysis(request.id)
            let stored = try await store.decide(
                request.id, winner: "", reason: .stopped, by: context.actor, analysis: analysis)
            return Only(try await withPerformance(stored))
        }
        services.unary(api.updateTestAllocation) { request, _ in
            let current = try await store.test(request.testID)
            var issues = FieldIssues()
            let weights = TestValidator.allocations(request.allocations, of: current.test, into: &issues)
            try issues.throwIfAny()
            return Only(try await withPerformance(try await store.reweight(request.testID, weights: weights)))
        }
    }
}
