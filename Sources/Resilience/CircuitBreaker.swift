import HeraldCore

/// A circuit breaker as a value: closed (calls flow, outcomes fill a sliding window), open (calls fail fast until
/// a moment), half-open (a few probe calls decide between closing and opening again). The caller owns the clock:
/// every method takes `now`, so tests drive time by hand. Shared use goes through a `Mutex`.
///
/// Half-open probes each carry a deadline: a probe that has not reported by then counts as a failure, so a hung
/// probe cannot hold the breaker half-open forever (resilience4j's known trap).
public struct CircuitBreaker: Sendable {
    public typealias Instant = ContinuousClock.Instant

    public struct Configuration: Sendable, Equatable {
        public var window: SlidingWindowKind
        /// Percent of failed calls in the window that opens the breaker.
        public var failureRateThreshold: Double
        /// Percent of slow calls in the window that opens the breaker (100 with no slow calls effectively off).
        public var slowCallRateThreshold: Double
        /// A call that takes at least this long is slow.
        public var slowCallDuration: Duration
        /// Fewer calls than this in the window never open the breaker.
        public var minimumCalls: Int
        public var openDuration: Duration
        /// Calls let through while half-open; their outcomes decide.
        public var halfOpenProbes: Int
        /// How long a probe may take before it counts as a failure.
        public var probeTimeout: Duration
        /// Statuses that count as failures; any other status is an answer and counts as a success.
        public var failureCodes: Set<StatusCode>

        /// resilience4j's defaults, Herald's failure statuses, and a 10 s probe deadline.
        public init(
            window: SlidingWindowKind = .count(100), failureRateThreshold: Double = 50,
            slowCallRateThreshold: Double = 100,
            slowCallDuration: Duration = .seconds(60), minimumCalls: Int = 100, openDuration: Duration = .seconds(60),
            halfOpenProbes: Int = 10, probeTimeout: Duration = .seconds(10),
            failureCodes: Set<StatusCode> = [.unavailable, .deadlineExceeded, .internal, .resourceExhausted]
        ) {
            self.window = window
            self.failureRateThreshold = failureRateThreshold
            self.slowCallRateThreshold = slowCallRateThreshold
            self.slowCallDuration = slowCallDuration
            self.minimumCalls = minimumCalls
            self.openDuration = openDuration
            self.halfOpenProbes = halfOpenProbes
            self.probeTimeout = probeTimeout
            self.failureCodes = failureCodes
        }
    }

    public enum State: Sendable, Equatable, CustomStringConvertible {
        case closed
        case open(until: Instant)
        case halfOpen

        public var description: String {
            switch self {
            case .closed: "closed"
            case .open: "open"
            case .halfOpen: "half-open"
            }
        }
    }

    /// A change of state and why, for logs and metrics.
    public struct Transition: Sendable, Equatable, CustomStringConvertible {
        public let from: State
        public let to: State
        public let reason: String
        public var description: String { "\(from) -> \(to): \(reason)" }
    }

    /// Leave to make one call; hand it back to `record`.
    public struct Permit: Sendable, Equatable {
        let generation: Int
        let probe: Int?
        let start: Instant
    }

    public enum Decision: Sendable, Equatable {
        case permitted(Permit)
        /// Fail fast: the breaker is open (or half-open with every probe out) until this moment.
        case rejected(until: Instant)
    }

    public enum Outcome: Sendable, Equatable {
        case success
        case failure(StatusCode)
    }

    public let configuration: Configuration
    public private(set) var state: State = .closed
    private var window: SlidingWindow
    /// Bumped on every transition, so that outcomes of calls let through before it are ignored.
    private var generation = 0
    private var probesOut: [Int: Instant] = [:]  // probe id -> deadline
    private var probeTotals = WindowTotals()
    private var probesGranted = 0
    private var nextProbe = 0

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
        window = SlidingWindow(configuration.window)
    }

    /// Whether a call may go now; the transitions that deciding caused (open -> half-open, an expired probe ...).
    public mutating func acquire(now: Instant) -> (Decision, [Transition]) {
        var transitions: [Transition] = []
        if case .open(let until) = state {
            guard now >= until else { return (.rejected(until: until), []) }
            transitions.append(move(to: .halfOpen, "open for \(configuration.openDuration)", now: now))
        }
        if state == .halfOpen {
            transitions += expireProbes(now: now)
        }
        switch state {
        case .closed:
            return (.permitted(Permit(generation: generation, probe: nil, start: now)), transitions)
        case .open(let until):
            return (.rejected(until: until), transitions)
        case .halfOpen:
            guard probesGranted < configuration.halfOpenProbes else {
                return (.rejected(until: probesOut.values.min() ?? now), transitions)
            }
            probesGranted += 1
            nextProbe += 1
            probesOut[nextProbe] = now + configuration.probeTimeout
            return (.permitted(Permit(generation: generation, probe: nextProbe, start: now)), transitions)
        }
    }

    /// Records how a permitted call ended; the transition it caused, if any.
    public mutating func record(_ permit: Permit, _ outcome: Outcome, now: Instant) -> Transition? {
        guard permit.generation == generation else { return nil }  // let through before the last transition
        let failed = if case .failure(let code) = outcome { configuration.failureCodes.contains(code) } else { false }
        let slow = now - permit.start >= configuration.slowCallDuration
        switch state {
        case .closed:
            window.record(failed: failed, slow: slow, second: Self.second(now))
            let totals = window.totals(at: Self.second(now))
            guard totals.calls >= configuration.minimumCalls else { return nil }
            if totals.failureRate >= configuration.failureRateThreshold {
                return move(
                    to: .open(until: now + configuration.openDuration),
                    "failure rate \(Self.percent(totals.failureRate)) ≥ \(Self.percent(configuration.failureRateThreshold)) over \(totals.calls) calls",
                    now: now)
            }
            if totals.slowRate >= configuration.slowCallRateThreshold {
                return move(
                    to: .open(until: now + configuration.openDuration),
                    "slow-call rate \(Self.percent(totals.slowRate)) ≥ \(Self.percent(configuration.slowCallRateThreshold)) over \(totals.calls) calls",
                    now: now)
            }
            return nil
        case .halfOpen:
            // already expired
            guard let probe = permit.probe, probesOut.removeValue(forKey: probe) != nil else { return nil }
            probeTotals.add(failed: failed, slow: slow)
            return decideHalfOpen(now: now)
        case .open:
            return nil
        }
    }

    /// Probes past their deadline count as failures.
    private mutating func expireProbes(now: Instant) -> [Transition] {
        let expired = probesOut.filter { $0.value <= now }.keys
        guard !expired.isEmpty else { return [] }
        for probe in expired {
            probesOut[probe] = nil
            probeTotals.add(failed: true, slow: true)
        }
        return decideHalfOpen(now: now).map { [$0] } ?? []
    }

    /// Once every probe has reported (or expired): closed again, or open again.
    private mutating func decideHalfOpen(now: Instant) -> Transition? {
        guard probeTotals.calls >= configuration.halfOpenProbes else { return nil }
        if probeTotals.failureRate >= configuration.failureRateThreshold
            || probeTotals.slowRate >= configuration.slowCallRateThreshold
        {
            return move(
                to: .open(until: now + configuration.openDuration),
                "\(probeTotals.failures) of \(probeTotals.calls) probes failed or timed out", now: now)
        }
        return move(
            to: .closed, "\(probeTotals.calls - probeTotals.failures) of \(probeTotals.calls) probes succeeded",
            now: now)
    }

    private mutating func move(to next: State, _ reason: String, now: Instant) -> Transition {
        let transition = Transition(from: state, to: next, reason: reason)
        state = next
        generation += 1
        probesOut = [:]
        probeTotals = WindowTotals()
        probesGranted = 0
        if next == .closed { window.reset() }
        return transition
    }

    static func second(_ now: Instant) -> Int64 {
        let offset = now - Instant.epochReference
        return offset.components.seconds
    }

    static func percent(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? "\(Int(rounded)) %" : "\(rounded) %"
    }
}

extension ContinuousClock.Instant {
    /// A fixed instant that whole seconds are counted from (time windows bucket by second since it).
    static let epochReference = ContinuousClock.now
}
