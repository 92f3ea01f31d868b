import HeraldCore
import Resilience
import Testing

/// Drives a breaker with a hand-held clock.
struct Clock {
    var now = ContinuousClock.now
    mutating func advance(_ duration: Duration) { now += duration }
}

@Suite("Circuit breaker")
struct CircuitBreakerTests {
    static let config = CircuitBreaker.Configuration(
        window: .count(10), failureRateThreshold: 50, slowCallRateThreshold: 80, slowCallDuration: .seconds(2),
        minimumCalls: 4,
        openDuration: .seconds(30), halfOpenProbes: 3, probeTimeout: .seconds(5))

    /// Makes one call that ends after `takes` with `outcome`; the decision and any transition.
    @discardableResult
    func call(
        _ breaker: inout CircuitBreaker, _ clock: inout Clock, _ outcome: CircuitBreaker.Outcome,
        takes: Duration = .milliseconds(10)
    )
        -> (permitted: Bool, transitions: [CircuitBreaker.Transition])
    {
        let (decision, transitions) = breaker.acquire(now: clock.now)
        guard case .permitted(let permit) = decision else { return (false, transitions) }
        clock.advance(takes)
        return (true, transitions + [breaker.record(permit, outcome, now: clock.now)].compactMap { $0 })
    }

    @Test(
        "opens once the failure rate reaches the threshold over the minimum number of calls, then fails fast until the open period ends"
    )
    func opens() {
        var breaker = CircuitBreaker(Self.config)
        var clock = Clock()
        call(&breaker, &clock, .failure(.unavailable))
        call(&breaker, &clock, .failure(.unavailable))
        call(&breaker, &clock, .success)
        #expect(breaker.state == .closed, "3 calls: below the minimum of 4")
        let (_, transitions) = call(&breaker, &clock, .failure(.deadlineExceeded))
        guard case .open(let until) = breaker.state else {
            Issue.record("expected open, got \(breaker.state)")
            return
        }
        #expect(transitions.map(\.description) == ["closed -> open: failure rate 75 % ≥ 50 % over 4 calls"])
        #expect(until == clock.now + .seconds(30))
        clock.advance(.seconds(29))
        #expect(breaker.acquire(now: clock.now).0 == .rejected(until: until))
    }

    @Test("statuses that are answers (NOT_FOUND, INVALID_ARGUMENT) do not count as failures")
    func answersAreSuccesses() {
        var breaker = CircuitBreaker(Self.config)
        var clock = Clock()
        for _ in 0..<10 { call(&breaker, &clock, .failure(.notFound)) }
        for _ in 0..<10 { call(&breaker, &clock, .failure(.invalidArgument)) }
        #expect(breaker.state == .closed)
    }

    @Test("slow calls open it too")
    func slowCalls() {
        var breaker = CircuitBreaker(Self.config)
        var clock = Clock()
        for _ in 0..<4 { call(&breaker, &clock, .success, takes: .seconds(3)) }
        guard case .open = breaker.state else {
            Issue.record("expected open, got \(breaker.state)")
            return
        }
    }

    @Test("the count window forgets the oldest calls")
    func countWindowSlides() {
        var breaker = CircuitBreaker(Self.config)
        var clock = Clock()
        for _ in 0..<4 { call(&breaker, &clock, .failure(.unavailable)) }
        guard case .open = breaker.state else { return #expect(Bool(false)) }
        // 4 failures then 10 successes: the failures slide out of the 10-call window.
        var sliding = CircuitBreaker(.init(window: .count(10), failureRateThreshold: 50, minimumCalls: 20))
        for _ in 0..<4 { call(&sliding, &clock, .failure(.unavailable)) }
        for _ in 0..<10 { call(&sliding, &clock, .success) }
        for _ in 0..<5 { call(&sliding, &clock, .failure(.unavailable)) }
        #expect(sliding.state == .closed, "minimum 20 is never reached by a window of 10")
    }

    @Test("a time window drops the seconds that fell out of it")
    func timeWindowSlides() {
        var breaker = CircuitBreaker(
            .init(window: .time(seconds: 10), failureRateThreshold: 50, minimumCalls: 4, openDuration: .seconds(5)))
        var clock = Clock()
        for _ in 0..<3 { call(&breaker, &clock, .failure(.unavailable)) }
        clock.advance(.seconds(11))  // the three failures are now older than the window
        call(&breaker, &clock, .failure(.unavailable))
        call(&breaker, &clock, .success)
        call(&breaker, &clock, .success)
        call(&breaker, &clock, .success)
        #expect(breaker.state == .closed, "1 failure in 4 calls within the window")
        call(&breaker, &clock, .failure(.unavailable))
        call(&breaker, &clock, .failure(.unavailable))
        call(&breaker, &clock, .failure(.unavailable))
        guard case .open = breaker.state else { return #expect(Bool(false), "4 failures in 7 calls") }
    }

    @Test("half-open: a limited number of probes; all succeeding closes it, failures reopen it")
    func halfOpen() {
        var breaker = CircuitBreaker(Self.config)
        var clock = Clock()
        for _ in 0..<4 { call(&breaker, &clock, .failure(.unavailable)) }
        clock.advance(.seconds(30))
        var permits: [CircuitBreaker.Permit] = []
        for i in 0..<3 {
            let (decision, transitions) = breaker.acquire(now: clock.now)
            if i == 0 { #expect(transitions.map(\.to) == [.halfOpen]) }
            guard case .permitted(let permit) = decision else { return #expect(Bool(false)) }
            permits.append(permit)
        }
        guard case .rejected = breaker.acquire(now: clock.now).0 else {
            return #expect(Bool(false), "a fourth probe is refused")
        }
        #expect(breaker.record(permits[0], .success, now: clock.now) == nil)
        #expect(breaker.record(permits[1], .success, now: clock.now) == nil)
        let closed = breaker.record(permits[2], .success, now: clock.now)
        #expect(closed?.to == .closed && breaker.state == .closed)

        for _ in 0..<4 { call(&breaker, &clock, .failure(.unavailable)) }
        clock.advance(.seconds(30))
        call(&breaker, &clock, .failure(.unavailable))
        call(&breaker, &clock, .failure(.unavailable))
        let (_, reopened) = call(&breaker, &clock, .success)
        #expect(reopened.map(\.description) == ["half-open -> open: 2 of 3 probes failed or timed out"])
    }

    @Test("a hung probe counts as a failure at its deadline, so it cannot wedge the breaker half-open")
    func hungProbe() {
        var breaker = CircuitBreaker(Self.config)
        var clock = Clock()
        for _ in 0..<4 { call(&breaker, &clock, .failure(.unavailable)) }
        clock.advance(.seconds(30))
        var hung: [CircuitBreaker.Permit] = []
        for _ in 0..<3 {
            guard case .permitted(let permit) = breaker.acquire(now: clock.now).0 else { return #expect(Bool(false)) }
            hung.append(permit)
        }
        clock.advance(.seconds(4))
        guard case .rejected = breaker.acquire(now: clock.now).0 else { return #expect(Bool(false)) }
        clock.advance(.seconds(1))
        let (decision, transitions) = breaker.acquire(now: clock.now)
        #expect(transitions.map(\.to) == [.open(until: clock.now + .seconds(30))])
        guard case .rejected = decision else { return #expect(Bool(false)) }
        // The hung probes answering at last change nothing.
        #expect(breaker.record(hung[0], .success, now: clock.now) == nil)
    }

    @Test("outcomes of calls let through before a transition are ignored")
    func staleOutcomes() {
        var breaker = CircuitBreaker(Self.config)
        var clock = Clock()
        guard case .permitted(let early) = breaker.acquire(now: clock.now).0 else { return #expect(Bool(false)) }
        for _ in 0..<4 { call(&breaker, &clock, .failure(.unavailable)) }
        clock.advance(.seconds(30))
        _ = breaker.acquire(now: clock.now)
        #expect(breaker.record(early, .success, now: clock.now) == nil)
        #expect(breaker.state == .halfOpen)
    }
}
