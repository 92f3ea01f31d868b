import Foundation
import HeraldCore
import Resilience
import ServiceClients
import Testing

@Suite("Service client configuration from Config/herald.yaml")
struct ConfigurationTests {
    @Test("a target's settings and its methods' overrides become the client's configuration")
    func fromHeraldConfig() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/herald.yaml").path
        let config = try HeraldConfig.load(path: file, environment: [:])
        let client = ServiceClientConfiguration(config, target: "campaign-manager")
        #expect(client.endpoints.map { "\($0.host):\($0.port)" } == ["127.0.0.1:8080"])
        #expect(client.healthService == "herald.campaigns.v1.CampaignManager")
        #expect(client.defaultTimeout == .seconds(10))
        #expect(client.methodTimeouts["ExecuteCampaign"] == .seconds(30))
        #expect(client.methodRetry["ListCampaigns"]?.retryableCodes == [.unavailable, .deadlineExceeded])
        #expect(
            client.retry
                == RetryPolicy(
                    maxAttempts: 3, initialBackoff: .milliseconds(50), maxBackoff: .seconds(1), backoffMultiplier: 2,
                    retryableCodes: [.unavailable]))
        #expect(client.endpointBreaker.window == .count(50))
        #expect(client.targetBreaker.window == .time(seconds: 10))
        #expect(client.throttle?.maxTokens == 10)
        #expect(
            client.methodHedging["GetCampaign"]
                == HedgingPolicy(maxAttempts: 2, hedgingDelay: .milliseconds(50), nonFatalCodes: [.unavailable]))
        #expect(client.methodHedging["CreateCampaign"] == nil)
    }
}
