import EventLoop
import Foundation
import HeraldCore
import Logging
import Observability
import RPC
import Resilience
import Synchronization

/// How every Herald service calls another: one client per target, over its endpoints, with a deadline on every
/// call (never later than the deadline of the call being handled, see `CallContext`), load balancing across the
/// endpoints in rotation, gRFC A6 retries (per-method policy, throttling, server pushback,
/// `grpc-previous-rpc-attempts`, no retry once response headers arrived), circuit breakers per endpoint and per
/// target, and a bulkhead. A slow or dead service makes its callers fail fast and clearly instead of piling up.
public final class ServiceClient: RPCChannel {
    public let target: String
    public let configuration: ServiceClientConfiguration
    /// The endpoints' addresses in rotation, as last resolved.
    private let rotation = Mutex<[Subchannel]>([])
    private let resolving = Mutex<Task<Void, Never>?>(nil)
    private let tlsContexts = Mutex<[String: TLSContext]>([:])
    private let group: EventLoopGroup
    var subchannels: [Subchannel] { rotation.withLock { $0 } }
    private let targetBreaker: Mutex<CircuitBreaker>
    let throttle: Mutex<RetryThrottle?>
    private let bulkhead: Mutex<BulkheadState>
    private let cursor = Atomic(0)
    private let logger: Logger

    private struct BulkheadState {
        var bulkhead: Bulkhead
        var waiters: [Int: CheckedContinuation<Bool, Never>] = [:]
        var nextID = 0
    }

    /// - Parameter target: a name for messages and logs, e.g. "campaign-manager".
    public init(target: String, _ configuration: ServiceClientConfiguration, group: EventLoopGroup = .shared) {
        precondition(!configuration.endpoints.isEmpty, "a target needs at least one endpoint")
        self.target = target
        self.configuration = configuration
        self.group = group
        targetBreaker = Mutex(CircuitBreaker(configuration.targetBreaker))
        throttle = Mutex(
            configuration.throttle.map { RetryThrottle(maxTokens: $0.maxTokens, tokenRatio: $0.tokenRatio) })
        bulkhead = Mutex(
            BulkheadState(
                bulkhead: Bulkhead(
                    maxConcurrent: configuration.maxConcurrentCalls, maxQueued: configuration.maxQueuedCalls)))
        logger = Logger(label: "herald.client.\(target)")
        resolve()
        if let interval = configuration.resolveInterval,
            configuration.endpoints.contains(where: { !Self.isAddressLiteral($0.host) })
        {
            resolving.withLock {
                $0 = Task { [weak self] in
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        guard let self else { return }
                        // getaddrinfo blocks, for seconds when DNS is slow: on a thread of its own, not the pool's.
                        _ = try? await runBlocking { self.resolve() }
                    }
                }
            }
        }
    }

    public func close() {
        resolving.withLock { $0?.cancel() }
        for subchannel in rotation.withLock({ $0 }) { subchannel.close() }
    }

    /// The TLS context for an endpoint name (its certificate is verified against that name), made once per name;
    /// nil for cleartext, or why TLS cannot be used (the endpoint then stays out of the rotation: no silent
    /// downgrade to cleartext).
    func tlsContext(for name: String) -> Result<TLSContext, TLSUnavailable>? {
        guard let tls = configuration.tls else { return nil }
        return tlsContexts.withLock { contexts in
            if let made = contexts[name] { return .success(made) }
            do {
                let made = try TLSContext(
                    caFile: tls.caFile, serverName: name, certificateChainFile: tls.certificateFile,
                    privateKeyFile: tls.keyFile)
                contexts[name] = made
                return .success(made)
            } catch {
                logger.error("TLS client context", metadata: ["endpoint": "\(name)", "error": "\(error)"])
                return .failure(TLSUnavailable(reason: "\(error)"))
            }
        }
    }

    static func isAddressLiteral(_ host: String) -> Bool {
        var probe = in_addr()
        return inet_pton(AF_INET, host, &probe) == 1
    }

    /// Resolves every endpoint: new addresses join the rotation (with their health watch), vanished ones leave it
    /// and close once their calls are done. A name that resolves to nothing keeps its last addresses.
    func resolve() {
        var wanted: [(host: String, port: Int, name: String)] = []
        for endpoint in configuration.endpoints {
            var addresses = configuration.resolver(endpoint.host)
            if addresses.isEmpty {
                addresses = rotation.withLock {
                    $0.filter { $0.port == endpoint.port && $0.endpointName == endpoint.host }.map(\.host)
                }
                if addresses.isEmpty { addresses = [endpoint.host] }  // calls then fail with the resolver's error
                logger.warning("endpoint did not resolve", metadata: ["endpoint": "\(endpoint.host):\(endpoint.port)"])
            }
            for address in addresses where !wanted.contains(where: { $0.host == address && $0.port == endpoint.port }) {
                wanted.append((address, endpoint.port, endpoint.host))
            }
        }
        let (added, removed) = rotation.withLock { current -> ([Subchannel], [Subchannel]) in
            let removed = current.filter { old in !wanted.contains { $0.host == old.host && $0.port == old.port } }
            var added: [Subchannel] = []
            for (host, port, name) in wanted where !current.contains(where: { $0.host == host && $0.port == port }) {
                added.append(
                    Subchannel(
                        host: host, port: port, endpointName: name, breaker: configuration.endpointBreaker,
                        tls: tlsContext(for: name),
                        keepalive: configuration.keepalive, loop: group.next()))
            }
            current = current.filter { old in !removed.contains { $0 === old } } + added
            return (added, removed)
        }
        if let service = configuration.healthService {
            for subchannel in added { subchannel.watchHealth(service, logger: logger) }
        }
        for subchannel in removed {
            logger.info("endpoint address left the rotation", metadata: ["endpoint": "\(subchannel.name)"])
            Task {
                // Calls already on it finish first (bounded: the longest deadline a call can have).
                for _ in 0..<600 where subchannel.outstanding.load(ordering: .relaxed) > 0 {
                    try? await Task.sleep(for: .milliseconds(100))
                }
                subchannel.close()
            }
        }
    }

    /// A unary call to `path` (`/pkg.Service/Method`); `compressed` gzips the request.
    public func unary(
        _ path: String, _ request: [UInt8], metadata: [(String, String)] = [], timeout: Duration? = nil,
        compressed: Bool = false
    ) async throws -> GRPCClient.Response {
        let method = String(path.split(separator: "/").last ?? "")
        var budget = timeout ?? configuration.timeout(for: method, path: path)
        if let remaining = CallContext.remaining { budget = min(budget, remaining) }
        guard budget > .zero else {
            throw RPCError(.deadlineExceeded, "\(target)\(path): the deadline has already passed")
        }
        let deadline = ContinuousClock.now + budget

        try await enterBulkhead(path)
        defer { leaveBulkhead() }
        let (decision, transitions) = targetBreaker.withLock { $0.acquire(now: .now) }
        log(transitions, scope: target)
        guard case .permitted(let targetPermit) = decision else {
            throw RPCError(
                .unavailable,
                "\(target): circuit breaker open for \(Self.until(decision)); failing fast without calling")
        }

        if let hedging = configuration.hedgingPolicy(for: method, path: path) {
            return try await hedged(
                path, request, metadata, compressed, hedging, deadline: deadline, targetPermit: targetPermit)
        }
        let policy = configuration.retryPolicy(for: method, path: path)
        var random = SystemRandomNumberGenerator()
        var attempt = 1
        var previous: Subchannel?
        while true {
            let (subchannel, permit) = try pick(avoiding: previous.map { [$0] } ?? [])
            switch await call(
                subchannel, permit, targetPermit, path, request, metadata, compressed, attempt: attempt,
                deadline: deadline)
            {
            case .success(let response):
                return response
            case .failure(let error):
                if error.code == .cancelled || Task.isCancelled || error.responseStarted { throw error }
                var throttleState = throttle.withLock { $0 }
                let next = policy.decide(
                    afterAttempt: attempt, failedWith: error.code, pushback: error.trailer("grpc-retry-pushback-ms"),
                    remaining: deadline - .now, throttle: &throttleState, using: &random)
                guard case .retry(let wait) = next else { throw error }
                Metrics.shared.increment("herald_client_retries_total", ["target": target, "code": "\(error.code)"])
                try await Task.sleep(for: wait)
                attempt += 1
                previous = subchannel
            }
        }
    }

    /// A streaming call on an endpoint in rotation, with a deadline (this method's, capped by the handler's own).
    /// Streams are balanced but neither retried nor counted by the breakers: their outcome is the caller's to read.
    public func stream(
        _ path: String, metadata: [(String, String)] = [], timeout: Duration? = nil, compressed: Bool = false
    ) -> ClientStream {
        let method = String(path.split(separator: "/").last ?? "")
        let budget = timeout ?? configuration.timeout(for: method, path: path)
        let now = ContinuousClock.now
        let candidates = rotation.withLock { $0 }.filter { $0.exclusion(now: now) == nil }
        let chosen =
            candidates.isEmpty
            ? rotation.withLock { $0 }.first!
            : candidates[cursor.add(1, ordering: .relaxed).oldValue % candidates.count]
        return chosen.client.stream(path, metadata: metadata, timeout: budget, compressed: compressed)
    }

    /// One attempt on one endpoint, its outcome fed to the breakers, the throttle and outlier detection.
    func call(
        _ subchannel: Subchannel, _ permit: CircuitBreaker.Permit, _ targetPermit: CircuitBreaker.Permit,
        _ path: String,
        _ request: [UInt8], _ metadata: [(String, String)], _ compressed: Bool, attempt: Int,
        deadline: ContinuousClock.Instant
    ) async -> Result<GRPCClient.Response, RPCError> {
        var headers = metadata
        if attempt > 1 { headers.append(("grpc-previous-rpc-attempts", String(attempt - 1))) }
        subchannel.outstanding.add(1, ordering: .relaxed)
        defer { subchannel.outstanding.subtract(1, ordering: .relaxed) }
        do {
            let response = try await subchannel.client.unary(
                path, request, metadata: headers, timeout: deadline - .now, compressed: compressed)
            finished(subchannel, permit, targetPermit, .success)
            return .success(response)
        } catch {
            let status = RPCError.from(error)
            finished(subchannel, permit, targetPermit, .failure(status.code))
            return .failure(status)
        }
    }

    // MARK: Picking an endpoint

    /// An endpoint in rotation whose breaker lets a call through, avoiding the one just tried when there is
    /// another; UNAVAILABLE naming why each endpoint is out when none is in.
    func pick(avoiding tried: [Subchannel]) throws -> (Subchannel, CircuitBreaker.Permit) {
        let now = ContinuousClock.now
        var reasons: [String] = []
        var candidates = rotation.withLock { $0 }.filter { subchannel in
            if let reason = subchannel.exclusion(now: now) {
                reasons.append(reason)
                return false
            }
            return true
        }
        let untried = candidates.filter { candidate in !tried.contains { $0 === candidate } }
        if !untried.isEmpty { candidates = untried }
        for subchannel in order(candidates) {
            let (decision, transitions) = subchannel.breaker.withLock { $0.acquire(now: now) }
            log(transitions, scope: subchannel.name)
            if case .permitted(let permit) = decision { return (subchannel, permit) }
            reasons.append("\(subchannel.name) breaker open for \(Self.until(decision))")
        }
        throw RPCError(.unavailable, "\(target): no endpoint can take the call (\(reasons.joined(separator: "; ")))")
    }

    /// The candidates in the order to try them: round robin, or the less loaded of two random ones first.
    private func order(_ candidates: [Subchannel]) -> [Subchannel] {
        guard candidates.count > 1 else { return candidates }
        switch configuration.loadBalancing {
        case .roundRobin:
            let start = cursor.add(1, ordering: .relaxed).oldValue % candidates.count
            return Array(candidates[start...] + candidates[..<start])
        case .powerOfTwoChoices:
            var shuffled = candidates.shuffled()
            if shuffled[1].outstanding.load(ordering: .relaxed) < shuffled[0].outstanding.load(ordering: .relaxed) {
                shuffled.swapAt(0, 1)
            }
            return shuffled
        }
    }

    /// Feeds a call's outcome to the endpoint's and the target's breakers, the throttle and outlier detection.
    func finished(
        _ subchannel: Subchannel, _ permit: CircuitBreaker.Permit, _ targetPermit: CircuitBreaker.Permit,
        _ outcome: CircuitBreaker.Outcome
    ) {
        let now = ContinuousClock.now
        if let transition = subchannel.breaker.withLock({ $0.record(permit, outcome, now: now) }) {
            log([transition], scope: subchannel.name)
        }
        if let transition = targetBreaker.withLock({ $0.record(targetPermit, outcome, now: now) }) {
            log([transition], scope: target)
        }
        let failed =
            if case .failure(let code) = outcome { configuration.endpointBreaker.failureCodes.contains(code) } else {
                false
            }
        throttle.withLock { throttle in
            if case .failure(let code) = outcome, configuration.retry.retryableCodes.contains(code) {
                throttle?.recordFailure()
            } else if !failed {
                throttle?.recordSuccess()
            }
        }
        // Never the last endpoint still in rotation: with nowhere else to go, ejecting it would only fail every call.
        if subchannel.recordOutcome(failed: failed, ejectAfter: configuration.ejectAfterConsecutiveFailures),
            rotation.withLock({ $0.filter { $0 !== subchannel && !$0.isEjected(now: now) }.count }) > 0
        {
            subchannel.eject(until: now + configuration.ejectionTime)
            Metrics.shared.increment("herald_client_ejections_total", ["target": target, "endpoint": subchannel.name])
            logger.warning(
                "endpoint ejected",
                metadata: ["endpoint": "\(subchannel.name)", "for": "\(configuration.ejectionTime)"])
        }
    }

    // MARK: Bulkhead

    private func enterBulkhead(_ path: String) async throws {
        let (admission, id) = bulkhead.withLock { state -> (Bulkhead.Admission, Int) in
            state.nextID += 1
            return (state.bulkhead.admit(state.nextID), state.nextID)
        }
        switch admission {
        case .run:
            return
        case .refuse:
            throw RPCError(
                .resourceExhausted,
                "\(target): \(configuration.maxConcurrentCalls) calls in flight and \(configuration.maxQueuedCalls) waiting (bulkhead full); \(path) not sent"
            )
        case .wait:
            let admitted = await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let alreadyLetThrough = bulkhead.withLock { state -> Bool in
                        if state.bulkhead.queue.contains(id) {
                            state.waiters[id] = continuation
                            return false
                        }
                        return true
                    }
                    if alreadyLetThrough { continuation.resume(returning: true) }
                }
            } onCancel: {
                let continuation = bulkhead.withLock { state -> CheckedContinuation<Bool, Never>? in
                    guard state.bulkhead.abandon(id) else { return nil }
                    return state.waiters.removeValue(forKey: id)
                }
                continuation?.resume(returning: false)
            }
            if !admitted { throw CancellationError() }
        }
    }

    private func leaveBulkhead() {
        let next = bulkhead.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard let id = state.bulkhead.release() else { return nil }
            return state.waiters.removeValue(forKey: id)
        }
        next?.resume(returning: true)
    }

    // MARK: Logging

    private func log(_ transitions: [CircuitBreaker.Transition], scope: String) {
        for transition in transitions {
            Metrics.shared.increment(
                "herald_client_breaker_transitions_total", ["target": target, "scope": scope, "to": "\(transition.to)"])
            Metrics.shared.set(
                "herald_client_breaker_open", ["target": target, "scope": scope], to: transition.to == .closed ? 0 : 1)
            logger.warning(
                "circuit breaker",
                metadata: [
                    "scope": "\(scope)", "from": "\(transition.from)", "to": "\(transition.to)",
                    "reason": "\(transition.reason)",
                ])
        }
    }

    static func until(_ decision: CircuitBreaker.Decision) -> String {
        guard case .rejected(let until) = decision else { return "" }
        let left = until - .now
        let date = Date().addingTimeInterval(left.seconds)
        return
            "\(left.formatted(.units(allowed: [.seconds, .milliseconds], width: .abbreviated))) (until \(date.formatted(.iso8601)))"
    }
}
