import Foundation

/// Student's t distribution with `degreesOfFreedom` (any positive real, as Welch's test needs).
public struct StudentT: Sendable {
    public let degreesOfFreedom: Double

    public init(degreesOfFreedom: Double) {
        precondition(degreesOfFreedom > 0, "a t distribution needs positive degrees of freedom")
        self.degreesOfFreedom = degreesOfFreedom
    }

    public func pdf(_ t: Double) -> Double {
        let v = degreesOfFreedom
        return exp(
            lgamma((v + 1) / 2) - lgamma(v / 2) - 0.5 * log(v * Double.pi) - (v + 1) / 2 * log1p(t * t / v))
    }

    /// P(T ≤ t), through the incomplete beta function.
    public func cdf(_ t: Double) -> Double {
        let tail = twoSidedTail(abs(t)) / 2
        return t > 0 ? 1 - tail : tail
    }

    /// P(|T| ≥ t) for t ≥ 0: the two-sided p-value of a t statistic.
    public func twoSidedTail(_ t: Double) -> Double {
        let v = degreesOfFreedom
        // x = v / (v + t²) and 1 − x = t² / (v + t²), each computed directly so that neither tail loses digits.
        return SpecialFunctions.incompleteBeta(v / (v + t * t), complement: t * t / (v + t * t), v / 2, 0.5)
    }

    /// The p-quantile, by Newton's method on the CDF from the normal quantile (bisection-safeguarded).
    public func quantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "a quantile needs 0 < p < 1")
        if p == 0.5 { return 0 }
        var low = -1e8
        var high = 1e8
        var t = Normal.quantile(p)
        for _ in 0..<200 {
            let f = cdf(t) - p
            if abs(f) < 1e-15 * max(p, 1e-300) { break }
            if f > 0 { high = t } else { low = t }
            var next = t - f / pdf(t)
            if !(next > low && next < high) { next = (low + high) / 2 }
            if abs(next - t) <= 1e-15 * max(1, abs(t)) {
                t = next
                break
            }
            t = next
        }
        return t
    }
}
