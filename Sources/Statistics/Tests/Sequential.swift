import Foundation

/// Always-valid inference for peeking: the asymptotic confidence sequence of Waudby-Smith et al. (2023, eq. 9,
/// as GrowthBook uses it). Its interval holds at every sample size at once, so a test may be looked at after
/// every event without inflating its false-positive rate.
public struct ConfidenceSequence: Sendable {
    /// Significance level α.
    public let alpha: Double
    /// ρ, tuned so the sequence is tightest near `tuningSampleSize` units.
    public let rho: Double

    public init(alpha: Double, tuningSampleSize: Double) {
        self.alpha = alpha
        rho = ((-2 * log(alpha) + log(-2 * log(alpha) + 1)) / tuningSampleSize).squareRoot()
    }

    /// The half width for an estimate with variance `variance` computed from `n` units in all.
    public func halfWidth(variance: Double, units n: Double) -> Double {
        let nr2 = n * rho * rho
        let unitVariance = variance * n
        return (unitVariance * 2 * (nr2 + 1) / (n * n * rho * rho) * log((nr2 + 1).squareRoot() / alpha)).squareRoot()
    }

    /// The always-valid p-value of `estimate` (null 0): the α at which the sequence would just touch zero.
    public func pValue(estimate: Double, variance: Double, units n: Double) -> Double {
        guard variance > 0, n > 0 else { return 1 }
        let nr2 = n * rho * rho
        let scale = variance * n * 2 * (nr2 + 1) / (n * n * rho * rho)
        return min(1, (nr2 + 1).squareRoot() * exp(-estimate * estimate / scale))
    }

    /// The difference of means `treatment − control` with its sequence interval and always-valid p-value.
    public func compare(_ treatment: Moments, _ control: Moments) -> (
        estimate: Double, interval: Interval, pValue: Double
    ) {
        let estimate = treatment.mean - control.mean
        let variance = treatment.varianceOfMean + control.varianceOfMean
        let n = treatment.count + control.count
        let half = halfWidth(variance: variance, units: n)
        return (
            estimate, Interval(estimate - half, estimate + half),
            pValue(estimate: estimate, variance: variance, units: n)
        )
    }
}
