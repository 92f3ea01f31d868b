import Foundation
import HeraldCore
import Statistics
import TestSupport
import Testing

/// Every statistic the experiments service reports, against SciPy and statsmodels on fixed and random inputs, to
/// 1e-6 relative (Python/reference.py computes the reference side).
@Suite("Statistics agree with SciPy and statsmodels")
struct ReferenceTests {
    /// One comparison: the case as the reference script reads it, and Herald's answer.
    struct Case {
        let input: [String: Any]
        let herald: [Double]
        var label: String { "\(input)" }
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Python/reference.py"

    func reference(_ cases: [Case]) throws -> [[Double]] {
        guard let python = TestEnvironment.python() else { return [] }
        let input = try JSONSerialization.data(withJSONObject: cases.map(\.input))
        let result = try runProcess(python, [Self.script], input: Array(input))
        try #require(result.status == 0, "reference.py failed: \(result.stderr.suffix(3000))")
        return try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [[Double]] ?? []
    }

    func check(_ cases: [Case], tolerance: Double = 1e-6, absolute: Double = 1e-300) throws {
        let expected = try reference(cases)
        try #require(expected.count == cases.count)
        for (c, want) in zip(cases, expected) {
            #expect(c.herald.count == want.count, "\(c.label)")
            for (got, reference) in zip(c.herald, want) {
                let close = abs(got - reference) <= max(tolerance * abs(reference), absolute) || got == reference
                #expect(close, "\(c.label.prefix(300)): Herald \(got), reference \(reference)")
            }
        }
    }

    var random = SeededRandom(seed: 20_261_207)

    mutating func uniform(_ range: ClosedRange<Double>) -> Double { Double.random(in: range, using: &random) }
    mutating func count(_ range: ClosedRange<Int>) -> Double { Double(Int.random(in: range, using: &random)) }

    @Test("distributions: normal and t quantiles, t, beta and chi-squared tails")
    mutating func distributions() throws {
        var cases: [Case] = []
        for p in [1e-300, 1e-20, 1e-8, 0.001, 0.025, 0.3, 0.5, 0.7, 0.975, 0.999, 1 - 1e-12] {
            cases.append(Case(input: ["kind": "normal_quantile", "p": p], herald: [Normal.quantile(p)]))
        }
        for _ in 0..<60 {
            let df = [uniform(0.5...5), uniform(5...100), uniform(100...1e6)][Int.random(in: 0...2, using: &random)]
            let x = uniform(-8...8)
            let p = uniform(0.0005...0.9995)
            let t = StudentT(degreesOfFreedom: df)
            cases.append(Case(input: ["kind": "t", "df": df, "x": x, "p": p], herald: [t.cdf(x), t.quantile(p)]))
            let a = [uniform(0.5...10), uniform(10...1e4), uniform(1e4...2e6)][Int.random(in: 0...2, using: &random)]
            let b = [uniform(0.5...10), uniform(10...1e4), uniform(1e4...2e6)][Int.random(in: 0...2, using: &random)]
            let mean = a / (a + b)
            let sd = (a * b / ((a + b) * (a + b) * (a + b + 1))).squareRoot()
            let xb = min(max(mean + uniform(-4...4) * sd, 1e-9), 1 - 1e-9)
            cases.append(
                Case(
                    input: ["kind": "beta_cdf", "x": xb, "a": a, "b": b],
                    herald: [BetaDistribution(alpha: a, beta: b).cdf(xb)]))
            let k = count(1...40)
            let xc = uniform(0...(5 * k))
            cases.append(
                Case(
                    input: ["kind": "chi2_sf", "x": xc, "df": k],
                    herald: [ChiSquared.survival(xc, degreesOfFreedom: k)]))
        }
        try check(cases, absolute: 1e-290)
    }

    @Test("proportions: z-test, chi-squared over k variants, Wilson intervals, sample-ratio mismatch")
    mutating func proportions() throws {
        var cases: [Case] = []
        let fixed: [(Double, Double, Double, Double)] = [
            (120, 1000, 150, 1000), (5, 40, 9, 38), (48_000, 1_000_000, 49_500, 1_000_000), (0, 100, 3, 100),
        ]
        var random: [(Double, Double, Double, Double)] = []
        for _ in 0..<40 {
            let n1 = count(20...2_000_000)
            let n2 = count(20...2_000_000)
            let rate = uniform(0.001...0.6)
            random.append(
                (
                    (n1 * rate * uniform(0.8...1.2)).rounded(), n1, (n2 * rate * uniform(0.8...1.2)).rounded(), n2
                ))
        }
        for (x1, n1, x2, n2) in fixed + random {
            let z = Frequentist.twoProportionZTest(x1, n1, x2, n2)
            cases.append(
                Case(
                    input: ["kind": "ztest", "x1": x1, "n1": n1, "x2": x2, "n2": n2], herald: [z.statistic, z.pValue]))
            let confidence = [0.9, 0.95, 0.99][Int(n1) % 3]
            let w = Frequentist.wilsonInterval(x1, n1, confidence: confidence)
            cases.append(
                Case(
                    input: ["kind": "wilson", "x": x1, "n": n1, "confidence": confidence], herald: [w.lower, w.upper]))
        }
        for _ in 0..<30 {
            let k = Int(count(2...10))
            let totals = (0..<k).map { _ in count(50...500_000) }
            let rate = uniform(0.01...0.5)
            let successes = totals.map { ($0 * rate * uniform(0.85...1.15)).rounded() }
            let chi = Frequentist.chiSquaredIndependence(successes: successes, totals: totals)
            cases.append(
                Case(
                    input: ["kind": "chi2", "successes": successes, "totals": totals],
                    herald: [chi.statistic, chi.pValue, chi.degreesOfFreedom ?? 0]))
            let shares = (0..<k).map { _ in uniform(0.05...1) }
            let observed = shares.map { ($0 * 10_000 * uniform(0.97...1.03)).rounded() }
            let srm = Frequentist.chiSquaredGoodnessOfFit(observed: observed, shares: shares)
            cases.append(
                Case(
                    input: ["kind": "srm", "observed": observed, "shares": shares],
                    herald: [srm.statistic, srm.pValue]))
        }
        try check(cases, absolute: 1e-15)
    }

    /// Revenue-like samples: most zero, the rest log-normal.
    mutating func revenue(_ n: Int, scale: Double) -> [Double] {
        (0..<n).map { _ in uniform(0...1) < 0.7 ? 0 : scale * exp(uniform(-1...1) + uniform(-1...1)) }
    }

    func moments(_ data: [Double]) -> Moments {
        Moments(count: Double(data.count), sum: data.reduce(0, +), sumOfSquares: data.reduce(0) { $0 + $1 * $1 })
    }

    @Test("means: Welch's t-test and t intervals from running sums")
    mutating func means() throws {
        var cases: [Case] = []
        for _ in 0..<30 {
            let a = revenue(Int(count(5...3000)), scale: uniform(1...100))
            let b = revenue(Int(count(5...3000)), scale: uniform(1...100))
            let welch = Frequentist.welchTTest(moments(a), moments(b))
            cases.append(
                Case(
                    input: ["kind": "welch", "a": a, "b": b],
                    herald: [welch.statistic, welch.pValue, welch.degreesOfFreedom ?? 0]))
            let confidence = uniform(0.8...0.995)
            let interval = Frequentist.meanInterval(moments(a), confidence: confidence)
            cases.append(
                Case(
                    input: ["kind": "tinterval", "data": a, "confidence": confidence],
                    herald: [interval.lower, interval.upper]))
        }
        // Sums of large values lose digits to cancellation; 1e-6 still holds at these sizes.
        try check(cases)
    }

    @Test("CUPED: θ pooled over the groups and Welch's test on the adjusted values")
    mutating func cuped() throws {
        var cases: [Case] = []
        for _ in 0..<10 {
            var xs: [[Double]] = []
            var ys: [[Double]] = []
            for group in 0..<2 {
                let n = Int(count(200...3000))
                let x = revenue(n, scale: 20)
                xs.append(x)
                ys.append(x.map { 0.6 * $0 + uniform(0...10) + (group == 1 ? 0.8 : 0) })
            }
            let sums = zip(xs, ys).map { x, y in
                CovariateSums(
                    count: Double(x.count), sumY: y.reduce(0, +), sumY2: y.reduce(0) { $0 + $1 * $1 },
                    sumX: x.reduce(0, +), sumX2: x.reduce(0) { $0 + $1 * $1 },
                    sumXY: zip(x, y).reduce(0) { $0 + $1.0 * $1.1 })
            }
            let adjusted = CUPED.adjust(sums)
            let welch = Frequentist.welchTTest(adjusted[1], adjusted[0])
            cases.append(
                Case(
                    input: ["kind": "cuped", "x": xs, "y": ys],
                    herald: [
                        CUPED.theta(sums) ?? .nan, adjusted[0].mean, adjusted[1].mean, welch.statistic, welch.pValue,
                    ]
                ))
            // The adjustment must actually reduce variance when the covariate explains the metric.
            let plain = Moments(count: sums[1].count, sum: sums[1].sumY, sumOfSquares: sums[1].sumY2)
            #expect(adjusted[1].variance < plain.variance / 2)
        }
        try check(cases)
    }

    @Test("multiple comparisons, sample size and minimum detectable effect")
    mutating func corrections() throws {
        var cases: [Case] = []
        for _ in 0..<25 {
            let p = (0..<Int(count(2...20))).map { _ in pow(uniform(0...1), 3) }
            cases.append(Case(input: ["kind": "holm", "p": p], herald: MultipleComparisons.holm(p)))
            cases.append(Case(input: ["kind": "fdr_bh", "p": p], herald: MultipleComparisons.benjaminiHochberg(p)))
            let baseline = uniform(0.005...0.5)
            let effect = uniform(0.02...0.5)
            let alpha = [0.01, 0.05, 0.1][Int(count(0...2))]
            let power = uniform(0.7...0.95)
            cases.append(
                Case(
                    input: [
                        "kind": "samplesize", "baseline": baseline, "effect": effect, "alpha": alpha, "power": power,
                    ],
                    herald: [
                        SampleSize.perGroup(baseline: baseline, relativeEffect: effect, alpha: alpha, power: power)
                    ]
                ))
            let n = count(100...1_000_000)
            cases.append(
                Case(
                    input: ["kind": "mde", "baseline": baseline, "n": n, "alpha": alpha, "power": power],
                    herald: [
                        SampleSize.minimumDetectableEffect(baseline: baseline, perGroup: n, alpha: alpha, power: power)
                    ]
                ))
        }
        try check(cases)
    }

    @Test("Bayesian: probability to be best and expected loss of beta posteriors, by integration")
    mutating func bayesian() throws {
        var cases: [Case] = []
        let fixed: [[(Double, Double)]] = [
            [(1, 1), (1, 1)], [(13, 89), (21, 81)], [(50_001, 950_001), (50_501, 949_501), (49_800, 950_202)],
            [(3, 1000), (30_000, 970_000)], [(1, 5), (200, 800)],
        ]
        var sets = fixed
        for _ in 0..<12 {
            let k = Int(count(2...6))
            let rate = uniform(0.01...0.4)
            sets.append(
                (0..<k).map { _ in
                    let n = count(30...1_000_000)
                    let x = (n * rate * uniform(0.9...1.1)).rounded()
                    return (x + 1, n - x + 1)
                })
        }
        for params in sets {
            let comparison = BayesianComparison(params.map { .beta(BetaDistribution(alpha: $0.0, beta: $0.1)) })
            cases.append(
                Case(
                    input: ["kind": "best", "params": params.map { [$0.0, $0.1] }],
                    herald: comparison.probabilityToBeBest))
            let loss = comparison.expectedLoss(control: 0)
            cases.append(
                Case(
                    input: [
                        "kind": "loss", "treatment": [params[1].0, params[1].1], "control": [params[0].0, params[0].1],
                    ],
                    herald: [loss[1]]))
            #expect(abs(comparison.probabilityToBeBest.reduce(0, +) - 1) < 1e-8)
        }
        try check(cases, absolute: 1e-9)
    }

    @Test("lookalike models: L2 logistic regression by Newton and the ROC AUC, against SciPy")
    mutating func lookalikeModels() throws {
        var cases: [Case] = []
        for (n, d, l2) in [(60, 2, 0.1), (200, 3, 1.0), (400, 6, 10.0), (150, 4, 1.0)] {
            let truth = (0...d).map { _ in uniform(-1.5...1.5) }
            var rows: [[Double]] = []
            var labels: [Bool] = []
            for _ in 0..<n {
                let row = (0..<d).map { _ in uniform(-2...2) }
                let z = truth[0] + zip(truth.dropFirst(), row).reduce(0) { $0 + $1.0 * $1.1 }
                rows.append(row)
                labels.append(uniform(0...1) < 1 / (1 + exp(-z)))
            }
            let model = LogisticRegression.fit(rows, labels, l2: l2)
            cases.append(
                Case(
                    input: ["kind": "logit", "x": rows, "y": labels.map { $0 ? 1 : 0 }, "l2": l2],
                    herald: model.coefficients))
            let scores = rows.map(model.score)
            let positives = zip(scores, labels).filter(\.1).map(\.0)
            let negatives = zip(scores, labels).filter { !$0.1 }.map(\.0)
            cases.append(
                Case(
                    input: ["kind": "auc", "positives": positives, "negatives": negatives],
                    herald: [ROC.auc(positives: positives, negatives: negatives)]))
        }
        // Ties count half.
        let tiedPositives = [1.0, 2, 2, 3, 5]
        let tiedNegatives = [0.0, 2, 2, 4]
        cases.append(
            Case(
                input: ["kind": "auc", "positives": tiedPositives, "negatives": tiedNegatives],
                herald: [ROC.auc(positives: tiedPositives, negatives: tiedNegatives)]))
        try check(cases, tolerance: 1e-6, absolute: 1e-8)
    }
}
