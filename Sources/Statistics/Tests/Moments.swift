/// What a test needs to know of one group's metric: how many units, their mean and their sample variance.
public struct Moments: Sendable, Equatable {
    public var count: Double
    public var mean: Double
    /// The unbiased sample variance (n − 1 in the denominator).
    public var variance: Double

    public init(count: Double, mean: Double, variance: Double) {
        self.count = count
        self.mean = mean
        self.variance = variance
    }

    /// From running sums: n, Σy and Σy².
    public init(count: Double, sum: Double, sumOfSquares: Double) {
        self.count = count
        mean = count > 0 ? sum / count : 0
        variance = count > 1 ? max(0, (sumOfSquares - sum * sum / count) / (count - 1)) : 0
    }

    /// A binary metric: `successes` of `count` units.
    public static func proportion(_ successes: Double, of count: Double) -> Moments {
        Moments(count: count, sum: successes, sumOfSquares: successes)
    }

    /// The variance of the mean.
    public var varianceOfMean: Double { count > 0 ? variance / count : .infinity }
}

/// A two-sided test's outcome.
public struct TestOutcome: Sendable, Equatable {
    public var statistic: Double
    public var pValue: Double
    /// The t test's (possibly fractional) degrees of freedom; the chi-squared test's; nil for z tests.
    public var degreesOfFreedom: Double?

    public init(statistic: Double, pValue: Double, degreesOfFreedom: Double? = nil) {
        self.statistic = statistic
        self.pValue = pValue
        self.degreesOfFreedom = degreesOfFreedom
    }
}

/// A confidence (or credible) interval.
public struct Interval: Sendable, Equatable {
    public var lower: Double
    public var upper: Double

    public init(_ lower: Double, _ upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    public func contains(_ x: Double) -> Bool { lower <= x && x <= upper }
}
