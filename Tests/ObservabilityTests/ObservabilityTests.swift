import HeraldCore
import Observability
import Synchronization
import TestSupport
import Testing

@Suite("Metrics and the admin port")
struct ObservabilityTests {
    @Test("the Prometheus text format: HELP and TYPE lines, sorted labels, escaped values")
    func exposition() {
        let metrics = Metrics()
        metrics.describe("herald_calls_total", "Calls.")
        metrics.increment("herald_calls_total", ["method": "/a.B/C", "code": "OK"])
        metrics.increment("herald_calls_total", ["method": "/a.B/C", "code": "OK"], by: 2)
        metrics.increment("herald_calls_total", ["method": "say \"hi\"", "code": "INTERNAL"])
        metrics.set("herald_open", ["scope": "x"], to: 1)
        #expect(
            metrics.exposition() == """
                # HELP herald_calls_total Calls.
                # TYPE herald_calls_total counter
                herald_calls_total{code="INTERNAL",method="say \\"hi\\""} 1
                herald_calls_total{code="OK",method="/a.B/C"} 3
                # TYPE herald_open gauge
                herald_open{scope="x"} 1

                """)
    }

    @Test("the admin port serves /metrics, /healthz, and /readyz following readiness")
    func adminServer() async throws {
        final class Flag: Sendable { let ready = Atomic(false) }
        let flag = Flag()
        let metrics = Metrics()
        metrics.increment("herald_test_total")
        let admin = AdminServer(metrics: metrics) { flag.ready.load(ordering: .relaxed) }
        try await admin.start(port: 0)
        defer { admin.stop() }
        let port = admin.port
        let scraped = try #require(try await runBlocking { httpGet(port: port, path: "/metrics") })
        #expect(scraped.status == 200 && scraped.body.contains("herald_test_total 1"))
        #expect(try await runBlocking { httpGet(port: port, path: "/healthz") }?.status == 200)
        #expect(try await runBlocking { httpGet(port: port, path: "/readyz") }?.status == 503)
        flag.ready.store(true, ordering: .relaxed)
        #expect(try await runBlocking { httpGet(port: port, path: "/readyz") }?.status == 200)
        #expect(try await runBlocking { httpGet(port: port, path: "/nope") }?.status == 404)
    }
}
