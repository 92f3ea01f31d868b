/// The outcomes a circuit breaker decides on: the last N calls, or the calls of the last N seconds.
public enum SlidingWindowKind: Sendable, Equatable {
    case count(Int)
    case time(seconds: Int)
}

/// Totals over a sliding window of call outcomes.
struct WindowTotals: Equatable {
    var calls = 0
    var failures = 0
    var slow = 0

    var failureRate: Double { calls == 0 ? 0 : Double(failures) * 100 / Double(calls) }
    var slowRate: Double { calls == 0 ? 0 : Double(slow) * 100 / Double(calls) }

    mutating func add(failed: Bool, slow isSlow: Bool, sign: Int = 1) {
        calls += sign
        if failed { failures += sign }
        if isSlow { slow += sign }
    }
}

/// A sliding window of outcomes: a ring of the last `size` calls, or one bucket per second over `seconds`.
/// Totals are kept incrementally, so recording and reading are O(1) (a time window also clears expired buckets).
struct SlidingWindow {
    private enum Storage {
        /// Ring of (failed, slow); `next` is where the next outcome goes.
        case count(ring: [(Bool, Bool)], next: Int, filled: Int)
        /// One bucket per second: the second it holds and its totals.
        case time(buckets: [(second: Int64, totals: WindowTotals)])
    }

    private var storage: Storage
    private(set) var totals = WindowTotals()

    init(_ kind: SlidingWindowKind) {
        switch kind {
        case .count(let size):
            precondition(size > 0, "a count window holds at least one call")
            storage = .count(ring: Array(repeating: (false, false), count: size), next: 0, filled: 0)
        case .time(let seconds):
            precondition(seconds > 0, "a time window spans at least one second")
            storage = .time(buckets: Array(repeating: (Int64.min, WindowTotals()), count: seconds))
        }
    }

    mutating func record(failed: Bool, slow: Bool, second: Int64) {
        switch storage {
        case .count(var ring, let next, let filled):
            if filled == ring.count {
                let (oldFailed, oldSlow) = ring[next]
                totals.add(failed: oldFailed, slow: oldSlow, sign: -1)
            }
            ring[next] = (failed, slow)
            storage = .count(ring: ring, next: (next + 1) % ring.count, filled: min(filled + 1, ring.count))
        case .time:
            expire(second: second)
            guard case .time(var buckets) = storage else { return }
            let index = Int(UInt64(bitPattern: second) % UInt64(buckets.count))
            if buckets[index].second != second { buckets[index] = (second, WindowTotals()) }
            buckets[index].totals.add(failed: failed, slow: slow)
            storage = .time(buckets: buckets)
        }
        totals.add(failed: failed, slow: slow)
    }

    /// The totals of the window as of `second` (a time window drops the buckets that fell out of it).
    mutating func totals(at second: Int64) -> WindowTotals {
        expire(second: second)
        return totals
    }

    private mutating func expire(second: Int64) {
        guard case .time(var buckets) = storage else { return }
        let oldest = second - Int64(buckets.count) + 1
        var changed = false
        for index in buckets.indices where buckets[index].second != Int64.min && buckets[index].second < oldest {
            let old = buckets[index].totals
            totals.calls -= old.calls
            totals.failures -= old.failures
            totals.slow -= old.slow
            buckets[index] = (Int64.min, WindowTotals())
            changed = true
        }
        if changed { storage = .time(buckets: buckets) }
    }

    mutating func reset() {
        switch storage {
        case .count(let ring, _, _):
            storage = .count(ring: Array(repeating: (false, false), count: ring.count), next: 0, filled: 0)
        case .time(let buckets):
            storage = .time(buckets: Array(repeating: (Int64.min, WindowTotals()), count: buckets.count))
        }
        totals = WindowTotals()
    }
}
