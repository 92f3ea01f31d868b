import API
import EventLoop
import Foundation
import Logging
import RPC
import Resilience
import Synchronization

/// One endpoint of a target: its connection, its breaker, its health as the endpoint reports it over
/// grpc.health.v1 Watch, and the outlier state that ejects it after consecutive failures.
final class Subchannel: Sendable {
    let host: String
    let port: Int
    /// The configured endpoint host (a name) this address came from.
    let endpointName: String
    let client: GRPCClient
    let breaker: Mutex<CircuitBreaker>
    /// Calls in flight on this endpoint (power-of-two-choices balances on it).
    let outstanding = Atomic(0)
    private let state = Mutex(State())
    private let watcher = Mutex<Task<Void, Never>?>(nil)

    enum Health: Sendable, Equatable {
        case unknown, serving, notServing
    }

    private struct State {
        var health = Health.unknown
        var consecutiveFailures = 0
        var ejectedUntil: ContinuousClock.Instant?
    }

    var name: String { "\(host):\(port)" }

    /// Why TLS could not be set up for this endpoint; it then never takes calls.
    let tlsProblem: String?

    init(
        host: String, port: Int, endpointName: String, breaker: CircuitBreaker.Configuration,
        tls: Result<TLSContext, TLSUnavailable>?, keepalive: GRPCClient.Keepalive?, loop: EventLoop
    ) {
        self.host = host
        self.port = port
        self.endpointName = endpointName
        if case .failure(let problem) = tls { tlsProblem = problem.reason } else { tlsProblem = nil }
        client = GRPCClient(host: host, port: port, tls: try? tls?.get(), keepalive: keepalive, loop: loop)
        self.breaker = Mutex(CircuitBreaker(breaker))
    }

    var health: Health { state.withLock { $0.health } }

    /// Why this endpoint is out of the rotation now, or nil if it is in.
    func exclusion(now: ContinuousClock.Instant) -> String? {
        if let tlsProblem { return "\(name) has no usable TLS context: \(tlsProblem)" }
        let (health, ejected) = state.withLock { ($0.health, $0.ejectedUntil) }
        if health == .notServing { return "\(name) reports NOT_SERVING" }
        if let ejected, ejected > now { return "\(name) ejected for \(ejected - now) after consecutive failures" }
        if case .open(let until) = breaker.withLock({ $0.state }), until > now {
            return "\(name) breaker open for \(until - now)"
        }
        return nil
    }

    /// Outlier detection: a success resets the count; true at the n-th consecutive failure (the count starts over).
    func recordOutcome(failed: Bool, ejectAfter: Int) -> Bool {
        state.withLock { s in
            guard failed else {
                s.consecutiveFailures = 0
                return false
            }
            s.consecutiveFailures += 1
            guard s.consecutiveFailures >= ejectAfter else { return false }
            s.consecutiveFailures = 0
            return true
        }
    }

    func eject(until: ContinuousClock.Instant) { state.withLock { $0.ejectedUntil = until } }

    func isEjected(now: ContinuousClock.Instant) -> Bool {
        state.withLock { $0.ejectedUntil.map { $0 > now } ?? false }
    }

    /// Watches the endpoint's health for `service` until `stop`; reconnects with gRPC's connection backoff.
    func watchHealth(_ service: String, logger: Logger) {
        let task = Task { [weak self] in
            var backoff = ConnectionBackoff()
            backoff.initial = .milliseconds(200)
            backoff.max = .seconds(10)
            var random = SystemRandomNumberGenerator()
            let registry = HeraldAPI.registry
            let requestType = registry.message("grpc.health.v1.HealthCheckRequest")!
            let responseType = registry.message("grpc.health.v1.HealthCheckResponse")!
            while !Task.isCancelled, let self {
                do {
                    let call = client.stream("/grpc.health.v1.Health/Watch")
                    call.send(try requestType.encode { $0.set(1, service) })
                    call.finishSending()
                    for try await bytes in call.responses {
                        let status = try responseType.decode(bytes) { $0.enumValue(1) }
                        let health: Health = status == 1 ? .serving : status == 2 ? .notServing : .unknown
                        let changed = state.withLock { s in
                            defer { s.health = health }
                            return s.health != health
                        }
                        if changed {
                            logger.info("endpoint health", metadata: ["endpoint": "\(name)", "health": "\(health)"])
                        }
                        backoff.reset()
                    }
                } catch {
                    // Unreachable or no health service: the endpoint's calls and breaker tell the rest.
                    state.withLock { $0.health = .unknown }
                }
                try? await Task.sleep(for: backoff.nextDelay(using: &random))
            }
        }
        watcher.withLock { $0 = task }
    }

    func close() {
        watcher.withLock { $0?.cancel() }
        client.close()
    }
}

/// TLS was configured for calls but its context could not be made (a CA or certificate file that does not load).
struct TLSUnavailable: Error {
    let reason: String
}
