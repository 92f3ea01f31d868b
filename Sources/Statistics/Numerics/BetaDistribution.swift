import Foundation

/// The Beta(α, β) distribution: the posterior of a conversion rate.
public struct BetaDistribution: Sendable {
    public let alpha: Double
    public let beta: Double
    let logNormalizer: Double

    public init(alpha: Double, beta: Double) {
        precondition(alpha > 0 && beta > 0, "Beta needs α, β > 0")
        self.alpha = alpha
        self.beta = beta
        logNormalizer = SpecialFunctions.logBeta(alpha, beta)
    }

    public var mean: Double { alpha / (alpha + beta) }
    public var variance: Double {
        let s = alpha + beta
        return alpha * beta / (s * s * (s + 1))
    }

    public func pdf(_ x: Double) -> Double {
        guard x > 0 && x < 1 else { return 0 }
        return exp((alpha - 1) * log(x) + (beta - 1) * log1p(-x) - logNormalizer)
    }

    public func cdf(_ x: Double) -> Double { SpecialFunctions.incompleteBeta(x, alpha, beta) }
}
