import HeraldCore

/// gRFC A6 retry policy of one method: which statuses are retried, how many attempts in all, and the backoff
/// between them: the n-th retry waits min(initial × multiplier^(n−1), max) × random(0.8, 1.2).
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included (A6 caps it at 5).
    public var maxAttempts: Int
    public var initialBackoff: Duration
    public var maxBackoff: Duration
    public var backoffMultiplier: Double
    public var retryableCodes: Set<StatusCode>

    public static let maxAttemptsLimit = 5

    public init(
        maxAttempts: Int = 3, initialBackoff: Duration = .milliseconds(100), maxBackoff: Duration = .seconds(5),
        backoffMultiplier: Double = 2, retryableCodes: Set<StatusCode> = [.unavailable]
    ) {
        self.maxAttempts = min(max(maxAttempts, 1), Self.maxAttemptsLimit)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.backoffMultiplier = backoffMultiplier
        self.retryableCodes = retryableCodes
    }

    /// No retries at all.
    public static let none = RetryPolicy(maxAttempts: 1, retryableCodes: [])

    /// The wait before retry number `retry` (1 for the first retry, i.e. the second attempt).
    public func backoff(beforeRetry retry: Int, using random: inout some RandomNumberGenerator) -> Duration {
        precondition(retry >= 1)
        let base = min(initialBackoff.seconds * pow(backoffMultiplier, Double(retry - 1)), maxBackoff.seconds)
        return .nanoseconds(Int64(base * Double.random(in: 0.8...1.2, using: &random) * 1e9))
    }

    /// What to do after attempt `attempt` (1-based) failed with `code`, given the server's pushback
    /// (`grpc-retry-pushback-ms`: a wait, or "do not retry" when negative or unparseable) and the time left.
    public func decide(
        afterAttempt attempt: Int, failedWith code: StatusCode, pushback: String?, remaining: Duration?,
        throttle: inout RetryThrottle?, using random: inout some RandomNumberGenerator
    ) -> RetryDecision {
        guard retryableCodes.contains(code) else { return .stop("\(code) is not retryable") }
        guard attempt < maxAttempts else { return .stop("\(maxAttempts) attempts made") }
        if let throttle, !throttle.allowsRetry { return .stop("retries throttled") }
        let wait: Duration
        if let pushback {
            guard let milliseconds = Int64(pushback), milliseconds >= 0 else {
                return .stop("server pushback says not to retry")
            }
            wait = .milliseconds(milliseconds)
        } else {
            wait = backoff(beforeRetry: attempt, using: &random)
        }
        if let remaining, wait >= remaining { return .stop("the deadline comes before the next attempt") }
        return .retry(after: wait)
    }
}

/// gRFC A6 hedging policy of one (idempotent) method: up to `maxAttempts` copies of the call, one more every
/// `hedgingDelay`; a status in `nonFatalCodes` lets the others go on, any other ends the call.
public struct HedgingPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    public var hedgingDelay: Duration
    public var nonFatalCodes: Set<StatusCode>

    public init(
        maxAttempts: Int = 2, hedgingDelay: Duration = .milliseconds(50),
        nonFatalCodes: Set<StatusCode> = [.unavailable]
    ) {
        self.maxAttempts = min(max(maxAttempts, 1), RetryPolicy.maxAttemptsLimit)
        self.hedgingDelay = hedgingDelay
        self.nonFatalCodes = nonFatalCodes
    }
}

public enum RetryDecision: Sendable, Equatable {
    case retry(after: Duration)
    case stop(String)
}

/// gRFC A6 retry throttling per server: tokens start at `maxTokens`; each failure takes one, each success gives
/// back `tokenRatio`; no retries while tokens ≤ maxTokens / 2.
public struct RetryThrottle: Sendable, Equatable {
    public let maxTokens: Double
    public let tokenRatio: Double
    public private(set) var tokens: Double

    public init(maxTokens: Double = 10, tokenRatio: Double = 0.1) {
        self.maxTokens = maxTokens
        self.tokenRatio = tokenRatio
        tokens = maxTokens
    }

    public var allowsRetry: Bool { tokens > maxTokens / 2 }

    /// A call failed with a status the policy retries, or was answered with pushback.
    public mutating func recordFailure() { tokens = max(0, tokens - 1) }

    public mutating func recordSuccess() { tokens = min(maxTokens, tokens + tokenRatio) }
}

/// gRPC's connection backoff (doc/connection-backoff.md): 1 s, × 1.6 per failure, ±20 % jitter, at most 120 s;
/// each attempt may take at least 20 s to connect.
public struct ConnectionBackoff: Sendable, Equatable {
    public var initial: Duration = .seconds(1)
    public var multiplier = 1.6
    public var jitter = 0.2
    public var max: Duration = .seconds(120)
    public var minConnectTimeout: Duration = .seconds(20)
    private var current: Double?

    public init() {}

    /// The wait before the next connection attempt after one failed.
    public mutating func nextDelay(using random: inout some RandomNumberGenerator) -> Duration {
        let base = current.map { Swift.min($0 * multiplier, max.seconds) } ?? initial.seconds
        current = base
        return .nanoseconds(Int64(base * Double.random(in: (1 - jitter)...(1 + jitter), using: &random) * 1e9))
    }

    /// How long an attempt may take: the larger of the minimum and the current backoff.
    public var connectTimeout: Duration {
        Swift.max(minConnectTimeout, .nanoseconds(Int64((current ?? initial.seconds) * 1e9)))
    }

    /// A connection succeeded: the next failure starts over.
    public mutating func reset() { current = nil }
}

func pow(_ base: Double, _ exponent: Double) -> Double {
    var result = 1.0
    var n = Int(exponent)
    var b = base
    while n > 0 {
        if n & 1 == 1 { result *= b }
        b *= b
        n >>= 1
    }
    return result
}
