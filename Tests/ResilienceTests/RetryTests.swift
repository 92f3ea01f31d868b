import HeraldCore
import Resilience
import TestSupport
import Testing

extension Duration {
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}

@Suite("Retries (gRFC A6) and backoff")
struct RetryTests {
    @Test("the n-th retry waits min(initial × multiplier^(n−1), max) × random(0.8, 1.2)")
    func schedule() {
        let policy = RetryPolicy(
            maxAttempts: 5, initialBackoff: .milliseconds(100), maxBackoff: .milliseconds(500), backoffMultiplier: 3)
        var random = SeededRandom(seed: 7)
        for _ in 0..<200 {
            let bases = [100.0, 300.0, 500.0, 500.0]
            for (i, base) in bases.enumerated() {
                let wait = policy.backoff(beforeRetry: i + 1, using: &random).milliseconds
                #expect(wait >= base * 0.8 - 1e-6 && wait <= base * 1.2 + 1e-6, "retry \(i + 1): \(wait) ms")
            }
        }
        #expect(RetryPolicy(maxAttempts: 9).maxAttempts == 5, "A6 caps attempts at 5")
    }

    @Test("decisions: retryable codes only, attempts capped, pushback obeyed, the deadline spans all attempts")
    func decisions() {
        let policy = RetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(100), retryableCodes: [.unavailable])
        var random = SeededRandom(seed: 1)
        var throttle: RetryThrottle? = nil
        func decide(_ attempt: Int, _ code: StatusCode, pushback: String? = nil, remaining: Duration? = nil)
            -> RetryDecision
        {
            policy.decide(
                afterAttempt: attempt, failedWith: code, pushback: pushback, remaining: remaining, throttle: &throttle,
                using: &random)
        }
        guard case .retry = decide(1, .unavailable) else { return #expect(Bool(false)) }
        #expect(decide(1, .invalidArgument) == .stop("INVALID_ARGUMENT is not retryable"))
        #expect(decide(3, .unavailable) == .stop("3 attempts made"))
        #expect(decide(1, .unavailable, pushback: "250") == .retry(after: .milliseconds(250)))
        #expect(decide(1, .unavailable, pushback: "-1") == .stop("server pushback says not to retry"))
        #expect(decide(1, .unavailable, pushback: "soon") == .stop("server pushback says not to retry"))
        #expect(
            decide(1, .unavailable, pushback: "250", remaining: .milliseconds(200))
                == .stop("the deadline comes before the next attempt"))
    }

    @Test("throttling: failures spend tokens, successes earn a fraction back, no retries at half or below")
    func throttling() {
        var throttle = RetryThrottle(maxTokens: 10, tokenRatio: 0.5)
        for _ in 0..<4 { throttle.recordFailure() }
        #expect(throttle.allowsRetry && throttle.tokens == 6)
        throttle.recordFailure()
        #expect(!throttle.allowsRetry, "5 tokens = maxTokens / 2: no retries")
        throttle.recordSuccess()
        #expect(throttle.allowsRetry && throttle.tokens == 5.5)
        for _ in 0..<100 { throttle.recordSuccess() }
        #expect(throttle.tokens == 10, "never above maxTokens")
        let policy = RetryPolicy(maxAttempts: 3)
        var random = SeededRandom(seed: 3)
        var throttled: RetryThrottle? = RetryThrottle(maxTokens: 2, tokenRatio: 0.1)
        throttled?.recordFailure()
        #expect(
            policy.decide(
                afterAttempt: 1, failedWith: .unavailable, pushback: nil, remaining: nil, throttle: &throttled,
                using: &random)
                == .stop("retries throttled"))
    }

    @Test(
        "connection backoff: 1 s, × 1.6 each failure, ±20 %, at most 120 s; connect timeout at least 20 s; reset after success"
    )
    func connectionBackoff() {
        var backoff = ConnectionBackoff()
        var random = SeededRandom(seed: 11)
        var base = 1000.0
        for _ in 0..<15 {
            let delay = backoff.nextDelay(using: &random).milliseconds
            #expect(delay >= base * 0.8 - 1e-6 && delay <= base * 1.2 + 1e-6, "\(delay) vs \(base)")
            base = min(base * 1.6, 120_000)
        }
        #expect(backoff.connectTimeout == .seconds(120))
        backoff.reset()
        #expect(backoff.connectTimeout == .seconds(20))
        let first = backoff.nextDelay(using: &random).milliseconds
        #expect((800.0...1200.0).contains(first))
    }

    @Test("bulkhead: runs up to the limit, queues in order up to the queue size, refuses beyond")
    func bulkhead() {
        var bulkhead = Bulkhead(maxConcurrent: 2, maxQueued: 2)
        let admissions = (1...5).map { bulkhead.admit($0) }
        #expect(admissions == [.run, .run, .wait, .wait, .refuse])
        let abandoned = bulkhead.abandon(3)
        #expect(abandoned)
        let releases = (0..<3).map { _ in bulkhead.release() }
        #expect(releases == [4, nil, nil])
        #expect(bulkhead.running == 0)
        let again = bulkhead.admit(6)
        #expect(again == .run)
    }
}
