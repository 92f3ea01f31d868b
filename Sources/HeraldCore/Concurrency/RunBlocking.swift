import Foundation

/// Runs blocking work — a DNS lookup, a wait for a child process — on a thread of its own and resumes the caller
/// when it is done. Called directly from async code, such work would hold a thread of Swift's cooperative pool
/// (as wide as the machine has cores: two here) and stall every task that needs one, wake-ups from `Task.sleep`
/// included; on an event loop it would stall every connection on the loop.
public func runBlocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}
