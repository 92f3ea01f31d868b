/// A bulkhead as a value: at most `maxConcurrent` calls run; up to `maxQueued` more wait in order; beyond that a
/// call is refused at once (RESOURCE_EXHAUSTED, locally). Waiters are identified by an id the driver chooses.
public struct Bulkhead: Sendable, Equatable {
    public let maxConcurrent: Int
    public let maxQueued: Int
    public private(set) var running = 0
    public private(set) var queue: [Int] = []

    public init(maxConcurrent: Int, maxQueued: Int) {
        precondition(maxConcurrent > 0 && maxQueued >= 0)
        self.maxConcurrent = maxConcurrent
        self.maxQueued = maxQueued
    }

    public enum Admission: Sendable, Equatable {
        case run
        case wait
        case refuse
    }

    public mutating func admit(_ id: Int) -> Admission {
        if running < maxConcurrent && queue.isEmpty {
            running += 1
            return .run
        }
        guard queue.count < maxQueued else { return .refuse }
        queue.append(id)
        return .wait
    }

    /// A call finished: the waiter that runs next, if any (it now counts as running).
    public mutating func release() -> Int? {
        precondition(running > 0, "release without a running call")
        if queue.isEmpty {
            running -= 1
            return nil
        }
        return queue.removeFirst()
    }

    /// A waiter gave up (cancelled, deadline): it leaves the queue; false if it was already let through.
    public mutating func abandon(_ id: Int) -> Bool {
        guard let index = queue.firstIndex(of: id) else { return false }
        queue.remove(at: index)
        return true
    }
}
