import Foundation
import HeraldCore
import Testing

@Suite("Configuration")
struct ConfigTests {
    static let shippedFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Config/herald.yaml").path

    @Test("the shipped Config/herald.yaml loads and gives every service its DESIGN.md port")
    func shippedDefaults() throws {
        let config = try HeraldConfig.load(path: Self.shippedFile, environment: [:])
        let ports = config.services.mapValues(\.port)
        #expect(
            ports == [
                "campaign-manager": 8080, "workflow-engine": 8081, "segmentation-engine": 8082,
                "personalization-engine": 8083, "ab-testing-engine": 8084, "campaign-analytics": 8085,
                "trigger-manager": 8086, "notification-gateway": 8070, "user-directory": 8071,
            ])
        #expect(config.services["campaign-manager"]?.adminPort == 9080)
        #expect(config.workflow.retryAttempts == 3)
        #expect(config.abTesting.confidenceLevel == 0.95)
        #expect(config.logLevel == .info)
    }

    @Test("environment variables named as in the spec override the file")
    func environmentOverrides() throws {
        let config = try HeraldConfig.load(
            path: Self.shippedFile,
            environment: [
                "CAMPAIGN_SERVICE_PORT": "18080", "CAMPAIGN_DATABASE_URL": "postgresql://db/campaigns",
                "WORKFLOW_RETRY_ATTEMPTS": "7", "LOG_LEVEL": "debug", "AB_TESTING_CONFIDENCE_LEVEL": "0.99",
                "HERALD_DATABASE_URL": "postgresql://db/herald",
            ])
        #expect(config.services["campaign-manager"]?.port == 18080)
        #expect(config.services["campaign-manager"]?.databaseURL == "postgresql://db/campaigns")
        #expect(config.services["workflow-engine"]?.databaseURL == "postgresql://db/herald")
        #expect(config.workflow.retryAttempts == 7)
        #expect(config.logLevel == .debug)
        #expect(config.abTesting.confidenceLevel == 0.99)
    }

    @Test(
        "a bad value names the key, the environment variable, the value and what was expected",
        arguments: [
            ("CAMPAIGN_SERVICE_PORT", "eighty", "services.campaign-manager.port", "a TCP port number 1-65535"),
            ("CAMPAIGN_SERVICE_PORT", "70000", "services.campaign-manager.port", "a TCP port number 1-65535"),
            ("WORKFLOW_RETRY_ATTEMPTS", "-1", "workflow.retryAttempts", "an integer in 0...100"),
            ("LOG_LEVEL", "loud", "logging.level", "one of trace, debug, info"),
            ("AB_TESTING_CONFIDENCE_LEVEL", "1.5", "abTesting.confidenceLevel", "a number in 0.5...0.9999"),
        ])
    func badValue(env: String, value: String, key: String, expected: String) throws {
        let error = #expect(throws: ConfigError.self) {
            try HeraldConfig.load(path: Self.shippedFile, environment: [env: value])
        }
        let text = error?.description ?? ""
        #expect(text.contains(key))
        #expect(text.contains("environment variable \(env)"))
        #expect(text.contains("\"\(value)\""))
        #expect(text.contains(expected))
    }

    @Test("every problem is reported at once, with the file and line of values from the file")
    func severalProblems() throws {
        let yaml = """
            logging:
              level: verbose
            services:
              campaign-manager:
                port: 8080
              workflow-engine:
                port: 8080
              campain-manager:
                port: 1
            workflow:
              retryAtempts: 3
            """
        let error = #expect(throws: ConfigError.self) {
            try HeraldConfig(source: ConfigSource(yaml: yaml, fileName: "test.yaml", environment: [:]))
        }
        let keys = Set(error?.problems.map(\.key) ?? [])
        #expect(keys.isSuperset(of: ["logging.level", "services.campain-manager", "workflow.retryAtempts"]))
        #expect(error?.problems.contains { $0.expected.contains("not already used") } == true)
        #expect(error?.problems.first { $0.key == "logging.level" }?.origin == "test.yaml:2")
    }

    @Test("malformed YAML is a configuration error, not a crash")
    func malformedYAML() {
        #expect(throws: ConfigError.self) {
            try ConfigSource(yaml: "services: [unclosed", fileName: "bad.yaml", environment: [:])
        }
    }

    @Test("clients: defaults for every target, overridden per target and per method; mistakes name the key")
    func clients() throws {
        let config = try HeraldConfig.load(path: Self.shippedFile, environment: ["CAMPAIGN_SERVICE_PORT": "18080"])
        let campaigns = try #require(config.clients["campaign-manager"])
        #expect(campaigns.endpoints == ["127.0.0.1:18080"])
        #expect(campaigns.timeout == .seconds(10))
        #expect(campaigns.retry.retryableCodes == [.unavailable])
        #expect(campaigns.methods["ExecuteCampaign"]?.timeout == .seconds(30))
        #expect(campaigns.methods["ListCampaigns"]?.retry.retryableCodes == [.unavailable, .deadlineExceeded])
        #expect(campaigns.targetBreaker.windowSeconds == 10)
        #expect(config.clients["workflow-engine"]?.endpoints == ["127.0.0.1:8081"])

        let yaml = """
            clients:
              defaults: {timeoutMs: 2000, retry: {retryableCodes: [UNAVAILABLE, NOPE]}}
              workflow-engine: {endpoints: [10.0.0.1:8081, "no-port"], loadBalancing: random}
              billing: {timeoutMs: 5}
            """
        let error = #expect(throws: ConfigError.self) {
            try HeraldConfig(source: ConfigSource(yaml: yaml, fileName: "clients.yaml", environment: [:]))
        }
        let keys = Set(error?.problems.map(\.key) ?? [])
        #expect(
            keys.isSuperset(of: [
                "clients.billing", "clients.defaults.retry.retryableCodes", "clients.workflow-engine.endpoints[1]",
                "clients.workflow-engine.loadBalancing",
            ]), "\(keys)")
    }
}
