import Foundation
import HeraldCore
import RPC
import Resilience
import ServiceClients
import Synchronization
import Testing

/// The service client with network faults between it and its endpoints (FaultProxy) and a flaky server.
@Suite("Service client under faults")
struct FaultTests {
    func client(_ proxies: [FaultProxy], configure: (inout ServiceClientConfiguration) -> Void = { _ in })
        -> ServiceClient
    {
        var configuration = ServiceClientConfiguration(endpoints: proxies.map { ("127.0.0.1", $0.port) })
        configuration.retry = RetryPolicy(
            maxAttempts: 3, initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(20),
            retryableCodes: [.unavailable])
        configure(&configuration)
        return ServiceClient(target: "faulty", configuration)
    }

    @Test(
        "traffic leaves an endpoint whose connections reset within 1 s, no call fails meanwhile, and returns after it recovers"
    )
    func deadEndpointAndRecovery() async throws {
        let backends = try [Backend(), Backend()]
        let proxies = try backends.map { try FaultProxy(upstream: $0.server.port) }
        defer {
            for item in proxies { item.stop() }
            for item in backends { item.stop() }
        }
        let client = client(proxies) {
            $0.ejectAfterConsecutiveFailures = 3
            $0.ejectionTime = .milliseconds(500)
        }
        defer { client.close() }
        for _ in 0..<10 { _ = try await client.unary("/t.S/Call", []) }
        #expect(backends[0].count == 5)

        proxies[0].set(.reset)
        let faultAt = ContinuousClock.now
        var lastCallToDead = faultAt
        var before = backends[0].count
        while ContinuousClock.now - faultAt < .milliseconds(1400) {
            // never fails: refused attempts are retried on the other endpoint
            _ = try await client.unary("/t.S/Call", [])
            if backends[0].count != before {
                before = backends[0].count
                lastCallToDead = ContinuousClock.now
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(lastCallToDead - faultAt < .seconds(1))

        proxies[0].set(.pass)
        let recovered = backends[0].count
        for _ in 0..<100 where backends[0].count == recovered {
            _ = try await client.unary("/t.S/Call", [])
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(backends[0].count > recovered, "traffic came back to the endpoint once it recovered")
    }

    @Test("a black hole and a trickle end in DEADLINE_EXCEEDED on time, never a hang")
    func blackHoleAndTrickle() async throws {
        let backend = try Backend()
        let proxy = try FaultProxy(upstream: backend.server.port)
        defer {
            proxy.stop()
            backend.stop()
        }
        let client = client([proxy])
        defer { client.close() }
        _ = try await client.unary("/t.S/Call", [1])
        for mode in [FaultProxy.Mode.blackHole, .trickle, .latency] {
            proxy.set(mode, latency: .milliseconds(400))
            let started = ContinuousClock.now
            do {
                _ = try await client.unary("/t.S/Call", [UInt8](repeating: 7, count: 100), timeout: .milliseconds(200))
                Issue.record("\(mode) answered")
            } catch let error as RPCError {
                #expect(error.code == .deadlineExceeded, "\(mode): \(error)")
            }
            let elapsed = ContinuousClock.now - started
            #expect(elapsed < .milliseconds(300), "\(mode): \(elapsed)")
            proxy.set(.pass)
        }
    }

    @Test(
        "client keepalive (gRFC A8) ends a call with no deadline stuck behind a black hole; a healthy connection keeps answering its PINGs"
    )
    func keepaliveFindsADeadPeer() async throws {
        var limits = GRPCServer.ConnectionLimits()
        limits.minPingInterval = .milliseconds(50)  // the server permits the client's 100 ms PINGs (gRFC A8 policing)
        let backend = try Backend(limits: limits) { n in if n == 2 { try await Task.sleep(for: .milliseconds(800)) } }
        let proxy = try FaultProxy(upstream: backend.server.port)
        defer {
            proxy.stop()
            backend.stop()
        }
        let client = GRPCClient(
            host: "127.0.0.1", port: proxy.port, keepalive: .init(time: .milliseconds(100), timeout: .milliseconds(300))
        )
        defer { client.close() }
        _ = try await client.unary("/t.S/Call", [1])
        // A call that outlives several PINGs on a healthy path is not disturbed by them.
        _ = try await client.unary("/t.S/Call", [2])

        proxy.set(.blackHole)
        let started = ContinuousClock.now
        do {
            _ = try await client.unary("/t.S/Call", [3])  // no deadline: without keepalive it would wait forever
            Issue.record("a call through a black hole answered")
        } catch let error as RPCError {
            #expect(error.code == .unavailable, "\(error)")
            #expect(error.message.contains("keepalive PING was not acknowledged"), "\(error.message)")
        }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(2), "found dead after \(elapsed) (PING after 100 ms, 300 ms to answer)")

        proxy.set(.pass)
        _ = try await client.unary("/t.S/Call", [4])  // a new connection
    }

    @Test(
        "a flaky server opens the endpoint's breaker within its window; it closes again through half-open once the server recovers"
    )
    func breakerCycle() async throws {
        final class Switch: Sendable { let on = Atomic(true) }
        let broken = Switch()
        let backend = try Backend { _ in if broken.on.load(ordering: .relaxed) { throw Refuse(statusCode: .internal) } }
        let proxy = try FaultProxy(upstream: backend.server.port)
        defer {
            proxy.stop()
            backend.stop()
        }
        let client = client([proxy]) {
            $0.endpointBreaker = .init(
                window: .count(10), failureRateThreshold: 50, minimumCalls: 5, openDuration: .milliseconds(300),
                halfOpenProbes: 2)
            $0.targetBreaker = .init(minimumCalls: 1000)
            $0.ejectAfterConsecutiveFailures = 1000
        }
        defer { client.close() }
        var messages: [String] = []
        for _ in 0..<8 {
            do { _ = try await client.unary("/t.S/Call", []) } catch let error as RPCError {
                messages.append(error.message)
            }
        }
        #expect(backend.count == 5, "the breaker opened after the 5-call minimum; later calls failed fast")
        #expect(messages.last?.contains("breaker open for") == true, "\(messages.last ?? "")")

        broken.on.store(false, ordering: .relaxed)
        try await Task.sleep(for: .milliseconds(350))
        _ = try await client.unary("/t.S/Call", [])  // probe 1
        _ = try await client.unary("/t.S/Call", [])  // probe 2: closes it
        for _ in 0..<10 { _ = try await client.unary("/t.S/Call", []) }
        #expect(backend.count == 17)
    }
}
