import RPC
import Resilience

/// gRFC A6 hedging, for idempotent methods: the first attempt goes at once, another every `hedgingDelay` (at
/// once after a non-fatal failure), each to an endpoint not yet tried when there is one, up to `maxAttempts`; the
/// first success wins and the others are cancelled; a fatal status ends the call with it.
extension ServiceClient {
    enum HedgeEvent: Sendable {
        case answered(Result<GRPCClient.Response, RPCError>)
        case delayPassed
    }

    func hedged(
        _ path: String, _ request: [UInt8], _ metadata: [(String, String)], _ compressed: Bool, _ policy: HedgingPolicy,
        deadline: ContinuousClock.Instant,
        targetPermit: CircuitBreaker.Permit
    ) async throws -> GRPCClient.Response {
        try await withThrowingTaskGroup(of: HedgeEvent.self) { group in
            var tried: [Subchannel] = []
            var started = 0
            var failed = 0
            var lastError: RPCError?
            /// Starts the next attempt; false when none may start (all made, throttled, no endpoint left). The first
            /// attempt throws why no endpoint can take it.
            func launch() throws -> Bool {
                guard started < policy.maxAttempts else { return false }
                if started > 0, throttle.withLock({ $0.map { !$0.allowsRetry } ?? false }) { return false }
                let picked: (Subchannel, CircuitBreaker.Permit)
                do {
                    picked = try pick(avoiding: tried)
                } catch {
                    if started == 0 { throw error }
                    return false
                }
                let (subchannel, permit) = picked
                tried.append(subchannel)
                started += 1
                let attempt = started
                group.addTask {
                    .answered(
                        await self.call(
                            subchannel, permit, targetPermit, path, request, metadata, compressed, attempt: attempt,
                            deadline: deadline))
                }
                if started < policy.maxAttempts {
                    group.addTask {
                        try? await Task.sleep(for: policy.hedgingDelay)
                        return .delayPassed
                    }
                }
                return true
            }
            _ = try launch()
            while let event = try await group.next() {
                switch event {
                case .delayPassed:
                    _ = try launch()
                case .answered(.success(let response)):
                    group.cancelAll()
                    return response
                case .answered(.failure(let error)):
                    failed += 1
                    lastError = error
                    if !policy.nonFatalCodes.contains(error.code) || error.responseStarted {
                        group.cancelAll()
                        throw error
                    }
                    if try !launch() && failed == started {
                        group.cancelAll()
                        throw error
                    }
                }
            }
            throw lastError ?? RPCError(.unavailable, "\(target): every hedged attempt failed")
        }
    }
}
