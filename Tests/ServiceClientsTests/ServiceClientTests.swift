import Foundation
import HeraldCore
import Observability
import RPC
import Resilience
import ServiceClients
import Synchronization
import Testing

/// A test server: `/t.S/Call` answers with `behaviour(attempt header, call number)`; it counts calls.
final class Backend: Sendable {
    /// What the backend saw.
    final class Seen: Sendable {
        let calls = Atomic(0)
        let attempts = Mutex<[String]>([])
    }

    let server: GRPCServer
    let health = HealthService(services: ["t.S"])
    let seen = Seen()
    var attempts: [String] { seen.attempts.withLock { $0 } }

    init(
        limits: GRPCServer.ConnectionLimits = .init(),
        _ behaviour: @escaping @Sendable (Int) async throws -> Void = { _ in }
    ) throws {
        var services = ServiceRegistry()
        let seen = self.seen
        services.unary("/t.S/Call") { request, context in
            let n = seen.calls.add(1, ordering: .relaxed).newValue
            seen.attempts.withLock { $0.append(context.metadata("grpc-previous-rpc-attempts") ?? "-") }
            try await behaviour(n)
            return request
        }
        health.register(in: &services)
        var configuration = GRPCServer.Configuration()
        configuration.limits = limits
        server = GRPCServer(configuration, services: services)
        try server.start()
    }

    var endpoint: (host: String, port: Int) { ("127.0.0.1", server.port) }
    var count: Int { seen.calls.load(ordering: .relaxed) }

    func stop() { server.stop() }
}

/// Fails a call with `code`, and `grpc-retry-pushback-ms` when given.
struct Refuse: Error, StatusConvertibleError {
    let statusCode: StatusCode
    var statusMessage: String { "refused by the test backend" }
}

@Suite("Service client: balancing, retries, breakers, bulkhead, deadlines")
struct ServiceClientTests {
    static func configuration(_ backends: [Backend]) -> ServiceClientConfiguration {
        var configuration = ServiceClientConfiguration(endpoints: backends.map(\.endpoint))
        configuration.retry = RetryPolicy(
            maxAttempts: 3, initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(20),
            retryableCodes: [.unavailable])
        return configuration
    }

    @Test("UNAVAILABLE is retried, each retry naming the attempts before it; other statuses are not")
    func retries() async throws {
        let backend = try Backend { n in if n <= 2 { throw Refuse(statusCode: .unavailable) } }
        defer { backend.stop() }
        let client = ServiceClient(target: "test", Self.configuration([backend]))
        defer { client.close() }
        let response = try await client.unary("/t.S/Call", [1, 2, 3])
        #expect(response.message == [1, 2, 3])
        #expect(backend.attempts == ["-", "1", "2"])

        let invalid = try Backend { _ in throw Refuse(statusCode: .invalidArgument) }
        defer { invalid.stop() }
        let other = ServiceClient(target: "invalid", Self.configuration([invalid]))
        defer { other.close() }
        await #expect(throws: RPCError(.invalidArgument, "refused by the test backend")) {
            try await other.unary("/t.S/Call", [])
        }
        #expect(invalid.count == 1)
    }

    @Test("attempts stop at the policy's maximum and within the deadline, which spans all of them")
    func deadlineSpansAttempts() async throws {
        let backend = try Backend { _ in
            try await Task.sleep(for: .milliseconds(150))
            throw Refuse(statusCode: .unavailable)
        }
        defer { backend.stop() }
        var configuration = Self.configuration([backend])
        configuration.retry = RetryPolicy(
            maxAttempts: 5, initialBackoff: .milliseconds(5), retryableCodes: [.unavailable])
        let client = ServiceClient(target: "slow", configuration)
        defer { client.close() }
        let started = ContinuousClock.now
        await #expect(throws: RPCError.self) { try await client.unary("/t.S/Call", [], timeout: .milliseconds(400)) }
        let elapsed = ContinuousClock.now - started
        // The attempt count is the exact check; the time bound leaves room for a loaded two-core machine.
        #expect(backend.count <= 3, "150 ms attempts in a 400 ms deadline")
        #expect(elapsed < .milliseconds(1500), "\(elapsed)")
    }

    @Test("round robin spreads calls evenly; an endpoint reporting NOT_SERVING leaves the rotation")
    func balancing() async throws {
        let backends = try (0..<3).map { _ in try Backend() }
        defer { for item in backends { item.stop() } }
        var configuration = Self.configuration(backends)
        configuration.healthService = "t.S"
        let client = ServiceClient(target: "rr", configuration)
        defer { client.close() }
        for _ in 0..<30 { _ = try await client.unary("/t.S/Call", []) }
        #expect(backends.map(\.count) == [10, 10, 10])

        backends[1].health.setStatus(.notServing, for: "t.S")
        try await Task.sleep(for: .milliseconds(200))  // the Watch stream delivers the change
        let before = backends.map(\.count)
        for _ in 0..<20 { _ = try await client.unary("/t.S/Call", []) }
        #expect(backends[1].count == before[1], "no call to the NOT_SERVING endpoint")
        #expect(backends[0].count + backends[2].count == before[0] + before[2] + 20)
    }

    @Test("a dead endpoint costs no failed call: the call is retried on another, and the endpoint is ejected")
    func deadEndpoint() async throws {
        let backends = try (0..<2).map { _ in try Backend() }
        defer { for item in backends { item.stop() } }
        var configuration = Self.configuration(backends)
        configuration.ejectAfterConsecutiveFailures = 2
        let client = ServiceClient(target: "failover", configuration)
        defer { client.close() }
        backends[0].stop()
        for _ in 0..<20 { _ = try await client.unary("/t.S/Call", []) }
        #expect(backends[1].count == 20)
    }

    @Test("power of two choices prefers the endpoint with fewer calls outstanding")
    func powerOfTwo() async throws {
        let overall = Backend.Seen()
        let slowFirst: @Sendable (Int) async throws -> Void = { _ in
            if overall.calls.add(1, ordering: .relaxed).newValue == 1 { try await Task.sleep(for: .seconds(5)) }
        }
        let backends = try [Backend(slowFirst), Backend(slowFirst)]
        defer { for item in backends { item.stop() } }
        var configuration = Self.configuration(backends)
        configuration.loadBalancing = .powerOfTwoChoices
        let client = ServiceClient(target: "p2c", configuration)
        defer { client.close() }
        let first = Task { try await client.unary("/t.S/Call", []) }
        while overall.calls.load(ordering: .relaxed) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        for _ in 0..<10 { _ = try await client.unary("/t.S/Call", []) }
        #expect(backends.map(\.count).sorted() == [1, 10], "every call avoided the endpoint busy with the slow one")
        first.cancel()
    }

    @Test(
        "hedging: a second copy goes to another endpoint after the delay; the first answer wins, the other is cancelled"
    )
    func hedging() async throws {
        final class Flag: Sendable { let cancelled = Atomic(false) }
        let flag = Flag()
        let overall = Backend.Seen()
        let slowFirst: @Sendable (Int) async throws -> Void = { _ in
            guard overall.calls.add(1, ordering: .relaxed).newValue == 1 else { return }
            do {
                try await Task.sleep(for: .seconds(5))
            } catch {
                flag.cancelled.store(true, ordering: .relaxed)
                throw error
            }
        }
        let backends = try [Backend(slowFirst), Backend(slowFirst)]
        defer { for item in backends { item.stop() } }
        var configuration = Self.configuration(backends)
        configuration.methodHedging["Call"] = HedgingPolicy(maxAttempts: 3, hedgingDelay: .milliseconds(50))
        let client = ServiceClient(target: "hedged", configuration)
        defer { client.close() }
        let started = ContinuousClock.now
        let response = try await client.unary("/t.S/Call", [9])
        #expect(response.message == [9])
        #expect(ContinuousClock.now - started < .seconds(1), "the hedge answered, not the slow first copy")
        #expect(backends.map(\.count).sorted() == [1, 1], "one copy each, on different endpoints")
        #expect(backends.flatMap(\.attempts).sorted() == ["-", "1"])
        for _ in 0..<100 where !flag.cancelled.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(10)) }
        let cancelled = flag.cancelled.load(ordering: .relaxed)
        #expect(cancelled, "the slow copy was cancelled")

        let fatal = try Backend { _ in throw Refuse(statusCode: .invalidArgument) }
        defer { fatal.stop() }
        var fatalConfiguration = Self.configuration([fatal])
        fatalConfiguration.methodHedging["Call"] = HedgingPolicy(maxAttempts: 3, hedgingDelay: .milliseconds(50))
        let other = ServiceClient(target: "fatal", fatalConfiguration)
        defer { other.close() }
        await #expect(throws: RPCError(.invalidArgument, "refused by the test backend")) {
            try await other.unary("/t.S/Call", [])
        }
        #expect(fatal.count == 1, "a fatal status stops the hedging")
    }

    @Test("a failing target opens its breaker: calls then fail fast with UNAVAILABLE saying so, without reaching it")
    func breaker() async throws {
        let backend = try Backend { _ in throw Refuse(statusCode: .internal) }
        defer { backend.stop() }
        var configuration = Self.configuration([backend])
        configuration.targetBreaker = .init(
            window: .count(10), failureRateThreshold: 50, minimumCalls: 5, openDuration: .seconds(30), halfOpenProbes: 1
        )
        configuration.endpointBreaker = .init(window: .count(100), minimumCalls: 100)
        configuration.ejectAfterConsecutiveFailures = 1000
        let client = ServiceClient(target: "broken", configuration)
        defer { client.close() }
        for _ in 0..<5 { await #expect(throws: RPCError.self) { try await client.unary("/t.S/Call", []) } }
        #expect(backend.count == 5)
        do {
            _ = try await client.unary("/t.S/Call", [])
            Issue.record("the call went through an open breaker")
        } catch let error as RPCError {
            #expect(error.code == .unavailable)
            #expect(error.message.hasPrefix("broken: circuit breaker open for "), "\(error.message)")
            #expect(error.message.contains("until 20"))
        }
        #expect(backend.count == 5, "no call reached the backend")
        #expect(
            Metrics.shared.value(
                "herald_client_breaker_transitions_total", ["target": "broken", "scope": "broken", "to": "open"]) == 1)
        #expect(Metrics.shared.value("herald_client_breaker_open", ["target": "broken", "scope": "broken"]) == 1)
    }

    @Test("the bulkhead runs up to its limit, queues a few more, and refuses the rest with RESOURCE_EXHAUSTED")
    func bulkhead() async throws {
        let backend = try Backend { _ in try await Task.sleep(for: .milliseconds(300)) }
        defer { backend.stop() }
        var configuration = Self.configuration([backend])
        configuration.maxConcurrentCalls = 2
        configuration.maxQueuedCalls = 1
        let client = ServiceClient(target: "narrow", configuration)
        defer { client.close() }
        let results = await withTaskGroup(of: StatusCode.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    do {
                        _ = try await client.unary("/t.S/Call", [])
                        return .ok
                    } catch let error as RPCError {
                        return error.code
                    } catch {
                        return .unknown
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.filter { $0 == .ok }.count == 3)
        #expect(results.filter { $0 == .resourceExhausted }.count == 1)
    }

    @Test("a handler calling another service passes on its remaining time, and cancellation flows downstream")
    func deadlinePropagation() async throws {
        final class Downstream: Sendable {
            let deadline = Mutex<Duration?>(nil)
            let cancelled = Atomic(false)
        }
        let seen = Downstream()
        var downstreamServices = ServiceRegistry()
        downstreamServices.unary("/t.S/Call") { _, context in
            seen.deadline.withLock { $0 = context.deadline.map { $0 - .now } }
            do {
                try await Task.sleep(for: .seconds(10))
            } catch {
                seen.cancelled.store(true, ordering: .relaxed)
                throw error
            }
            return []
        }
        let downstream = GRPCServer(.init(), services: downstreamServices)
        try downstream.start()
        defer { downstream.stop() }
        let client = ServiceClient(
            target: "downstream", ServiceClientConfiguration(endpoints: [("127.0.0.1", downstream.port)]))
        defer { client.close() }
        var upstreamServices = ServiceRegistry()
        upstreamServices.unary("/t.S/Relay") { request, _ in try await client.unary("/t.S/Call", request).message }
        let upstream = GRPCServer(.init(), services: upstreamServices)
        try upstream.start()
        defer { upstream.stop() }
        let caller = GRPCClient(host: "127.0.0.1", port: upstream.port)
        defer { caller.close() }

        await #expect(throws: RPCError.self) { try await caller.unary("/t.S/Relay", [], timeout: .milliseconds(500)) }
        let passedOn = try #require(seen.deadline.withLock { $0 })
        #expect(
            passedOn <= .milliseconds(500) && passedOn > .milliseconds(300),
            "downstream deadline \(passedOn), not the 10 s default")
        for _ in 0..<100 where !seen.cancelled.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(20)) }
        let cancelled = seen.cancelled.load(ordering: .relaxed)
        #expect(cancelled, "the downstream handler was cancelled with the upstream call")
    }

    @Test(
        "a three-hop chain (A calls B calls C) with a 200 ms budget ends at the caller within 250 ms, cancelling B's and C's work"
    )
    func threeHops() async throws {
        /// A server whose handler calls `next` (or, at the end of the chain, works for 10 s), and notes being cancelled.
        final class Hop: Sendable {
            let server: GRPCServer
            let cancelled = Backend.Seen()
            var wasCancelled: Bool { cancelled.calls.load(ordering: .relaxed) > 0 }
            var endpoint: (host: String, port: Int) { ("127.0.0.1", server.port) }

            init(next: ServiceClient?) throws {
                var services = ServiceRegistry()
                let cancelled = self.cancelled
                services.unary("/t.S/Call") { request, _ in
                    do {
                        if let next { return try await next.unary("/t.S/Call", request).message }
                        try await Task.sleep(for: .seconds(10))
                        return request
                    } catch {
                        cancelled.calls.add(1, ordering: .relaxed)
                        throw error
                    }
                }
                server = GRPCServer(.init(), services: services)
                try server.start()
            }
        }
        let c = try Hop(next: nil)
        let toC = ServiceClient(target: "c", ServiceClientConfiguration(endpoints: [c.endpoint]))
        let b = try Hop(next: toC)
        let toB = ServiceClient(target: "b", ServiceClientConfiguration(endpoints: [b.endpoint]))
        let a = try Hop(next: toB)
        let toA = ServiceClient(target: "a", ServiceClientConfiguration(endpoints: [a.endpoint]))
        defer {
            for item in [toA, toB, toC] { item.close() }
            for item in [a, b, c] { item.server.stop() }
        }
        let started = ContinuousClock.now
        do {
            _ = try await toA.unary("/t.S/Call", [], timeout: .milliseconds(200))
            Issue.record("the chain answered")
        } catch let error as RPCError {
            #expect(error.code == .deadlineExceeded, "\(error)")
        }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .milliseconds(250), "\(elapsed)")
        for _ in 0..<100 where !(b.wasCancelled && c.wasCancelled) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(b.wasCancelled && c.wasCancelled, "B and C stopped their work")
    }
}

@Suite("Service client: endpoints by name")
struct ResolutionTests {
    @Test("a name is resolved again periodically: addresses that appear join the rotation, vanished ones leave it")
    func reresolution() async throws {
        // Two backends on the same port of two loopback addresses, behind one name the test's resolver answers.
        let first = try Backend()
        defer { first.stop() }
        var services = ServiceRegistry()
        let second = Backend.Seen()
        services.unary("/t.S/Call") { request, _ in
            second.calls.add(1, ordering: .relaxed)
            return request
        }
        let other = GRPCServer(.init(host: "127.0.0.2", port: first.server.port), services: services)
        try other.start()
        defer { other.stop() }
        final class Answers: Sendable { let addresses = Mutex(["127.0.0.1"]) }
        let answers = Answers()
        var configuration = ServiceClientConfiguration(endpoints: [("campaigns.internal", first.server.port)])
        configuration.resolveInterval = .milliseconds(100)
        configuration.resolver = { name in name == "campaigns.internal" ? answers.addresses.withLock { $0 } : [] }
        let client = ServiceClient(target: "named", configuration)
        defer { client.close() }
        for _ in 0..<4 { _ = try await client.unary("/t.S/Call", []) }
        #expect(first.count == 4 && second.calls.load(ordering: .relaxed) == 0)

        answers.addresses.withLock { $0 = ["127.0.0.1", "127.0.0.2"] }
        try await Task.sleep(for: .milliseconds(300))
        for _ in 0..<10 { _ = try await client.unary("/t.S/Call", []) }
        #expect(second.calls.load(ordering: .relaxed) == 5, "the new address took half of the calls")

        answers.addresses.withLock { $0 = ["127.0.0.2"] }
        try await Task.sleep(for: .milliseconds(300))
        let before = first.count
        for _ in 0..<6 { _ = try await client.unary("/t.S/Call", []) }
        #expect(first.count == before, "the vanished address gets no more calls")
        #expect(second.calls.load(ordering: .relaxed) == 11)
    }
}
