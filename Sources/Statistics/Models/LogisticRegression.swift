import Foundation

/// L2-regularized logistic regression fitted by Newton's method (iteratively reweighted least squares), for
/// standardized features: what a lookalike model scores users with. The intercept is not penalized.
public struct LogisticRegression: Sendable, Equatable {
    /// The intercept, then one weight per feature.
    public let coefficients: [Double]
    public let iterations: Int

    public var intercept: Double { coefficients[0] }
    public var weights: ArraySlice<Double> { coefficients.dropFirst() }

    public init(coefficients: [Double], iterations: Int = 0) {
        self.coefficients = coefficients
        self.iterations = iterations
    }

    /// Fits `labels` (true: a positive) on `rows` (each the same number of features); `l2` is the penalty λ on
    /// the squared weights. Stops when no coefficient moves more than `tolerance`, or after `maxIterations`.
    public static func fit(
        _ rows: [[Double]], _ labels: [Bool], l2: Double = 1, maxIterations: Int = 50, tolerance: Double = 1e-8
    ) -> LogisticRegression {
        precondition(rows.count == labels.count && !rows.isEmpty, "one label per row, at least one row")
        let d = rows[0].count + 1
        var beta = [Double](repeating: 0, count: d)
        var iteration = 0
        var x = [Double](repeating: 1, count: d)
        while iteration < maxIterations {
            iteration += 1
            var gradient = [Double](repeating: 0, count: d)
            var hessian = [Double](repeating: 0, count: d * d)
            for (row, label) in zip(rows, labels) {
                for j in 1..<d { x[j] = row[j - 1] }
                var z = 0.0
                for j in 0..<d { z += beta[j] * x[j] }
                let p = 1 / (1 + exp(-z))
                let residual = (label ? 1 : 0) - p
                let w = max(p * (1 - p), 1e-12)
                for j in 0..<d {
                    gradient[j] += residual * x[j]
                    let wx = w * x[j]
                    for k in j..<d { hessian[j * d + k] += wx * x[k] }
                }
            }
            for j in 1..<d {
                gradient[j] -= l2 * beta[j]
                hessian[j * d + j] += l2
            }
            for j in 0..<d { for k in 0..<j { hessian[j * d + k] = hessian[k * d + j] } }
            guard let step = Cholesky.solve(hessian, gradient, size: d) else { break }
            var largest = 0.0
            for j in 0..<d {
                beta[j] += step[j]
                largest = max(largest, abs(step[j]))
            }
            if largest < tolerance { break }
        }
        return LogisticRegression(coefficients: beta, iterations: iteration)
    }

    /// The linear score (log-odds) of a row.
    public func score(_ row: [Double]) -> Double {
        var z = coefficients[0]
        for (w, v) in zip(coefficients.dropFirst(), row) { z += w * v }
        return z
    }

    /// The probability of a positive.
    public func probability(_ row: [Double]) -> Double { 1 / (1 + exp(-score(row))) }
}

/// Solving a symmetric positive definite system.
enum Cholesky {
    /// x with A x = b, A row-major `size` × `size`; nil when A is not positive definite.
    static func solve(_ a: [Double], _ b: [Double], size n: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i * n + j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard sum > 0 else { return nil }
                    l[i * n + i] = sum.squareRoot()
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var sum = b[i]
            for k in 0..<i { sum -= l[i * n + k] * y[k] }
            y[i] = sum / l[i * n + i]
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<n { sum -= l[k * n + i] * x[k] }
            x[i] = sum / l[i * n + i]
        }
        return x
    }
}

/// The area under the ROC curve of scores for positives and negatives: the chance that a random positive scores
/// above a random negative (ties count half), by the Mann-Whitney rank sum.
public enum ROC {
    public static func auc(positives: [Double], negatives: [Double]) -> Double {
        guard !positives.isEmpty, !negatives.isEmpty else { return 0.5 }
        let all = (positives.map { ($0, true) } + negatives.map { ($0, false) }).sorted { $0.0 < $1.0 }
        var rankSum = 0.0
        var i = 0
        while i < all.count {
            var j = i
            while j + 1 < all.count && all[j + 1].0 == all[i].0 { j += 1 }
            let rank = Double(i + j + 2) / 2
            for k in i...j where all[k].1 { rankSum += rank }
            i = j + 1
        }
        let p = Double(positives.count)
        return (rankSum - p * (p + 1) / 2) / (p * Double(negatives.count))
    }
}
