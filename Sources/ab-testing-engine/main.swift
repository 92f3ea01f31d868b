// ab-testing-engine: herald.experiments.v1.ABTestingEngine on its port (8084 by default), see ServiceHost. Settings
// under `abTesting:` (AB_TESTING_MIN_SAMPLE_SIZE, AB_TESTING_CONFIDENCE_LEVEL, AB_TESTING_MAX_TEST_DURATION).
import ABTestingEngine
import HeraldCore
import RPC
import ServiceRuntime

ServiceHost.run("ab-testing-engine") { context in
    var services = ServiceRegistry()
    let experiments = try ABTestingEngineService(pool: context.pool, config: context.config.abTesting)
    experiments.register(in: &services)
    return .init(
        services, shutdown: { experiments.shutdown() }, whenReady: { try await experiments.whenReady() })
}
