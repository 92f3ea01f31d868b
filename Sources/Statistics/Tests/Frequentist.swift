import Foundation

/// The frequentist tests of a variant against its control, each matching its SciPy or statsmodels counterpart.
public enum Frequentist {
    /// Two-proportion z-test with the pooled proportion (statsmodels `proportions_ztest([x1, x2], [n1, n2])`).
    public static func twoProportionZTest(_ x1: Double, _ n1: Double, _ x2: Double, _ n2: Double) -> TestOutcome {
        let pooled = (x1 + x2) / (n1 + n2)
        let se = (pooled * (1 - pooled) * (1 / n1 + 1 / n2)).squareRoot()
        guard se > 0 else { return TestOutcome(statistic: 0, pValue: 1) }
        let z = (x1 / n1 - x2 / n2) / se
        return TestOutcome(statistic: z, pValue: 2 * Normal.survival(abs(z)))
    }

    /// Pearson's chi-squared test of independence on a k × 2 table of successes and failures, without Yates'
    /// correction (SciPy `chi2_contingency(table, correction=False)`).
    public static func chiSquaredIndependence(successes: [Double], totals: [Double]) -> TestOutcome {
        let n = totals.reduce(0, +)
        let s = successes.reduce(0, +)
        guard n > 0, s > 0, s < n, totals.count > 1 else {
            return TestOutcome(statistic: 0, pValue: 1, degreesOfFreedom: Double(max(totals.count - 1, 1)))
        }
        var statistic = 0.0
        for (x, t) in zip(successes, totals) where t > 0 {
            for (observed, share) in [(x, s / n), (t - x, (n - s) / n)] {
                let expected = t * share
                statistic += (observed - expected) * (observed - expected) / expected
            }
        }
        let dof = Double(totals.filter { $0 > 0 }.count - 1)
        return TestOutcome(
            statistic: statistic, pValue: ChiSquared.survival(statistic, degreesOfFreedom: max(dof, 1)),
            degreesOfFreedom: dof)
    }

    /// Pearson's goodness-of-fit test of observed counts against intended shares (SciPy `chisquare`): the
    /// sample-ratio-mismatch check.
    public static func chiSquaredGoodnessOfFit(observed: [Double], shares: [Double]) -> TestOutcome {
        let n = observed.reduce(0, +)
        let total = shares.reduce(0, +)
        guard n > 0, observed.count > 1, total > 0 else { return TestOutcome(statistic: 0, pValue: 1) }
        var statistic = 0.0
        for (o, share) in zip(observed, shares) where share > 0 {
            let expected = n * share / total
            statistic += (o - expected) * (o - expected) / expected
        }
        let dof = Double(observed.count - 1)
        return TestOutcome(
            statistic: statistic, pValue: ChiSquared.survival(statistic, degreesOfFreedom: dof), degreesOfFreedom: dof)
    }

    /// Welch's unequal-variance t-test of a − b (SciPy `ttest_ind(a, b, equal_var=False)`).
    public static func welchTTest(_ a: Moments, _ b: Moments) -> TestOutcome {
        let va = a.varianceOfMean
        let vb = b.varianceOfMean
        let se = (va + vb).squareRoot()
        guard se > 0, se.isFinite, a.count > 1, b.count > 1 else { return TestOutcome(statistic: 0, pValue: 1) }
        let t = (a.mean - b.mean) / se
        let df = (va + vb) * (va + vb) / (va * va / (a.count - 1) + vb * vb / (b.count - 1))
        return TestOutcome(
            statistic: t, pValue: StudentT(degreesOfFreedom: df).twoSidedTail(abs(t)), degreesOfFreedom: df)
    }

    /// The Wilson score interval of a proportion (statsmodels `proportion_confint(x, n, alpha, method="wilson")`).
    public static func wilsonInterval(_ x: Double, _ n: Double, confidence: Double) -> Interval {
        guard n > 0 else { return Interval(0, 1) }
        let z = Normal.quantile(1 - (1 - confidence) / 2)
        let p = x / n
        let z2 = z * z
        let center = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return Interval(center - half, center + half)
    }

    /// The t interval of a mean (SciPy `t.interval(confidence, n − 1, mean, sem)`).
    public static func meanInterval(_ m: Moments, confidence: Double) -> Interval {
        guard m.count > 1 else { return Interval(-.infinity, .infinity) }
        let t = StudentT(degreesOfFreedom: m.count - 1).quantile(1 - (1 - confidence) / 2)
        let half = t * m.varianceOfMean.squareRoot()
        return Interval(m.mean - half, m.mean + half)
    }

    /// The relative lift of `treatment` over `control` (mean ratio − 1) and its interval by the delta method.
    public static func relativeLift(_ treatment: Moments, over control: Moments, confidence: Double) -> (
        lift: Double, interval: Interval
    ) {
        guard control.mean != 0 else { return (0, Interval(-.infinity, .infinity)) }
        let lift = treatment.mean / control.mean - 1
        let c2 = control.mean * control.mean
        let variance =
            treatment.varianceOfMean / c2 + treatment.mean * treatment.mean * control.varianceOfMean / (c2 * c2)
        let half = Normal.quantile(1 - (1 - confidence) / 2) * variance.squareRoot()
        return (lift, Interval(lift - half, lift + half))
    }
}
