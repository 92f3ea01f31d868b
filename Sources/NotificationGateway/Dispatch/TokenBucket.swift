import Foundation
import Synchronization

/// A provider's rate limit: `perSecond` tokens a second, bursts of up to one second's worth; `take` waits for one.
final class TokenBucket: Sendable {
    private let perSecond: Double
    private let state: Mutex<(tokens: Double, at: ContinuousClock.Instant)>

    init(perSecond: Double) {
        self.perSecond = perSecond
        state = Mutex((perSecond, ContinuousClock.now))
    }

    func take() async {
        while true {
            let wait: Double = state.withLock { s in
                let now = ContinuousClock.now
                let elapsed = (now - s.at) / .seconds(1)
                s.tokens = min(perSecond, s.tokens + elapsed * perSecond)
                s.at = now
                if s.tokens >= 1 {
                    s.tokens -= 1
                    return 0
                }
                return (1 - s.tokens) / perSecond
            }
            if wait == 0 { return }
            try? await Task.sleep(for: .seconds(wait))
        }
    }
}
