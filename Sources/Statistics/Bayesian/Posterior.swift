import Foundation

/// The posterior of one variant's metric: Beta for a conversion rate (uniform Beta(1, 1) prior), normal for a mean
/// (flat prior: N(ȳ, s²/n)).
public enum Posterior: Sendable {
    case beta(BetaDistribution)
    case normal(mean: Double, standardDeviation: Double)

    /// A conversion rate after `successes` of `trials`.
    public static func conversionRate(successes: Double, trials: Double) -> Posterior {
        .beta(BetaDistribution(alpha: successes + 1, beta: max(trials - successes, 0) + 1))
    }

    /// A mean from its sample moments.
    public static func mean(_ m: Moments) -> Posterior {
        .normal(mean: m.mean, standardDeviation: m.varianceOfMean.squareRoot())
    }

    public var mean: Double {
        switch self {
        case .beta(let b): b.mean
        case .normal(let mean, _): mean
        }
    }

    public var standardDeviation: Double {
        switch self {
        case .beta(let b): b.variance.squareRoot()
        case .normal(_, let sd): sd
        }
    }

    func pdf(_ x: Double) -> Double {
        switch self {
        case .beta(let b): return b.pdf(x)
        case .normal(let mean, let sd): return Normal.pdf((x - mean) / sd) / sd
        }
    }

    func cdf(_ x: Double) -> Double {
        switch self {
        case .beta(let b): b.cdf(x)
        case .normal(let mean, let sd): Normal.cdf((x - mean) / sd)
        }
    }

    /// Whether the CDF has a closed form cheap enough to call at every quadrature node.
    var cheapCDF: Bool {
        if case .normal = self { return true }
        return false
    }

    var domain: ClosedRange<Double> {
        switch self {
        case .beta: 0...1
        case .normal: -Double.infinity...Double.infinity
        }
    }

    /// Where the quadrature breaks its range for this posterior: half a standard deviation apart, 16 either side.
    func breakpoints() -> [Double] {
        let sd = standardDeviation
        guard sd > 0, sd.isFinite else { return [mean] }
        return (-32...32).map { min(max(mean + Double($0) * sd / 2, domain.lowerBound), domain.upperBound) }
    }
}
