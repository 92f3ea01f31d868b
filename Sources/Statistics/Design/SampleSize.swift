import Foundation

/// Planning a test of a conversion rate: users needed and the smallest effect the traffic can show, by Cohen's
/// effect size h = 2·asin√p₂ − 2·asin√p₁ and the two-sided normal power of two equal groups (statsmodels
/// `NormalIndPower().solve_power(proportion_effectsize(p₂, p₁), alpha=, power=, ratio=1)`).
public enum SampleSize {
    /// The power of a two-sided test with effect size `h` and `n` users per group (both tails counted).
    public static func power(effectSize h: Double, perGroup n: Double, alpha: Double) -> Double {
        let za = Normal.quantile(1 - alpha / 2)
        let shift = abs(h) * (n / 2).squareRoot()
        return Normal.cdf(shift - za) + Normal.cdf(-shift - za)
    }

    /// Users per group to detect `baseline × (1 + relativeEffect)` at two-sided `alpha` with `power`.
    public static func perGroup(baseline: Double, relativeEffect: Double, alpha: Double, power: Double) -> Double {
        let target = min(max(baseline * (1 + relativeEffect), 1e-12), 1 - 1e-12)
        let h = abs(2 * asin(target.squareRoot()) - 2 * asin(baseline.squareRoot()))
        guard h > 0 else { return .infinity }
        let z = Normal.quantile(1 - alpha / 2) + Normal.quantile(power)
        // The one-tail solution, then Newton on the exact two-tail power (the other tail adds a hair).
        var n = 2 * (z / h) * (z / h)
        for _ in 0..<20 {
            let f = Self.power(effectSize: h, perGroup: n, alpha: alpha) - power
            let shift = h * (n / 2).squareRoot()
            let za = Normal.quantile(1 - alpha / 2)
            let slope = (Normal.pdf(shift - za) - Normal.pdf(-shift - za)) * h / (2 * (2 * n).squareRoot())
            guard slope > 0 else { break }
            let step = f / slope
            n -= step
            if abs(step) < 1e-12 * n { break }
        }
        return n
    }

    /// The smallest relative lift over `baseline` detectable with `perGroup` users in each group.
    public static func minimumDetectableEffect(baseline: Double, perGroup n: Double, alpha: Double, power: Double)
        -> Double
    {
        guard n > 0, baseline > 0, baseline < 1 else { return .infinity }
        // h solves power(h, n) = power; the one-tail value, refined by bisection on the two-tail power.
        var low = 0.0
        var high = 2 * (Normal.quantile(1 - alpha / 2) + Normal.quantile(power)) / (n / 2).squareRoot()
        for _ in 0..<200 {
            let mid = (low + high) / 2
            if Self.power(effectSize: mid, perGroup: n, alpha: alpha) < power { low = mid } else { high = mid }
            if high - low < 1e-15 * high { break }
        }
        let angle = asin(baseline.squareRoot()) + high / 2
        guard angle < Double.pi / 2 else { return .infinity }
        return sin(angle) * sin(angle) / baseline - 1
    }
}
