/// A group's metric with a pre-period covariate, as running sums: n, Σy, Σy², Σx, Σx², Σxy.
public struct CovariateSums: Sendable, Equatable {
    public var count: Double
    public var sumY: Double
    public var sumY2: Double
    public var sumX: Double
    public var sumX2: Double
    public var sumXY: Double

    public init(
        count: Double = 0, sumY: Double = 0, sumY2: Double = 0, sumX: Double = 0, sumX2: Double = 0, sumXY: Double = 0
    ) {
        self.count = count
        self.sumY = sumY
        self.sumY2 = sumY2
        self.sumX = sumX
        self.sumX2 = sumX2
        self.sumXY = sumXY
    }
}

/// CUPED (Deng et al. 2013): y − θ(x − x̄) with θ = cov(x, y) / var(x) pooled over every group, which keeps each
/// group's mean difference unbiased while removing the variance the pre-period covariate explains.
public enum CUPED {
    /// θ over all groups, or nil when the covariate has no variance (nothing to adjust with).
    public static func theta(_ groups: [CovariateSums]) -> Double? {
        let n = groups.reduce(0) { $0 + $1.count }
        guard n > 1 else { return nil }
        let sx = groups.reduce(0) { $0 + $1.sumX }
        let sy = groups.reduce(0) { $0 + $1.sumY }
        let varX = groups.reduce(0) { $0 + $1.sumX2 } - sx * sx / n
        let covXY = groups.reduce(0) { $0 + $1.sumXY } - sx * sy / n
        guard varX > 0 else { return nil }
        return covXY / varX
    }

    /// Each group's adjusted moments (unadjusted when the covariate cannot help).
    public static func adjust(_ groups: [CovariateSums]) -> [Moments] {
        let plain = groups.map { Moments(count: $0.count, sum: $0.sumY, sumOfSquares: $0.sumY2) }
        guard let theta = theta(groups) else { return plain }
        let n = groups.reduce(0) { $0 + $1.count }
        let grandMeanX = groups.reduce(0) { $0 + $1.sumX } / n
        return groups.enumerated().map { index, g in
            guard g.count > 1 else { return plain[index] }
            let meanX = g.sumX / g.count
            let varX = (g.sumX2 - g.sumX * g.sumX / g.count) / (g.count - 1)
            let covXY = (g.sumXY - g.sumX * g.sumY / g.count) / (g.count - 1)
            let varY = plain[index].variance
            return Moments(
                count: g.count, mean: plain[index].mean - theta * (meanX - grandMeanX),
                variance: max(0, varY + theta * theta * varX - 2 * theta * covXY))
        }
    }
}
