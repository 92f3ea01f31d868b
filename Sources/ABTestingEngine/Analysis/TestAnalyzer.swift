import Domain
import Foundation
import Statistics

/// A test's statistics from its totals: per metric and variant the frequentist, Bayesian and sequential results
/// against the control (CUPED-adjusted when every participant has a covariate), multiple-comparison corrections,
/// the sample-ratio check, sample size and minimum detectable effect, and whether a variant has won.
///
/// Significance uses the sequential test (always valid, so WatchTestResults may show it continuously) in the
/// frequentist engine, the chance to beat the control in the Bayesian one; either way only once every variant has
/// `minSampleSize` participants and the split is not mismatched.
struct TestAnalyzer: Sendable {
    let confidenceLevel: Double
    let minSampleSize: Int
    let power = 0.8
    /// Default relative lift to plan for when a metric names none.
    let defaultEffect = 0.05
    /// The split is broken when the sample-ratio test's p is below this.
    let srmThreshold = 0.001

    var alpha: Double { 1 - confidenceLevel }

    /// One metric's per-variant moments, and whether CUPED adjusted them.
    struct MetricData {
        var metric: SuccessMetric
        var moments: [Moments]
        var converted: [Double]
        var cuped: Bool
        var rawBinary: Bool { metric.kind != .continuous && !cuped }
    }

    func analyze(_ stored: StoredTest, _ totals: TestTotals) -> TestAnalysis {
        let test = stored.test
        let arms = test.variants.count
        let control = stored.controlIndex
        let engine = test.engine ?? .bayesian
        let participants = (0..<arms).map { totals.exposures[$0]?.participants ?? 0 }
        let data = test.successMetrics.map { metricData($0, totals, arms: arms, participants: participants) }
        var metrics = data.map { self.results($0, test: test, control: control) }
        correct(&metrics)

        // Against the split expected under the weights each participant was assigned with (the current weights for
        // participants recorded without it).
        let expected = (0..<arms).map { totals.exposures[$0]?.expected ?? 0 }
        let shares =
            expected.reduce(0, +) > 0 ? expected : stored.ranges.counts(arms: arms).map(Double.init)
        let srm = Frequentist.chiSquaredGoodnessOfFit(observed: participants, shares: shares)
        // A bandit's split follows its changing weights by design: no intended ratio to check it against.
        let mismatch =
            test.trafficAllocation?.bandit != true && participants.reduce(0, +) > 0
            && srm.pValue < srmThreshold

        var significance = StatisticalSignificance(
            engine: engine, confidenceLevel: confidenceLevel, sampleRatioMismatch: mismatch)
        significance.srmPValue = srm.pValue
        let primary = data.first
        let required = requiredSampleSize(primary, control: control)
        significance.requiredSampleSize = Int64(min(required, 1e15).rounded(.up))
        let smallest = participants.min() ?? 0
        significance.minimumDetectableEffect = minimumDetectableEffect(primary, control: control, perGroup: smallest)

        var results = TestResults(variants: metrics.first?.variants ?? [])
        results.metrics = metrics
        results.totalParticipants = Int64(participants.reduce(0, +))
        results.holdoutParticipants = Int64(totals.exposures[-1]?.participants ?? 0)
        if let primary {
            let converted = primary.converted.reduce(0, +)
            results.conversions = Int64(converted)
            results.conversionRate = results.totalParticipants > 0 ? converted / Double(results.totalParticipants) : 0
        }
        let enough = smallest >= Double(max(minSampleSize, 1))
        let decision = leader(results.variants, control: control, engine: engine)
        if let decision {
            significance.significant = decision.significant && enough && !mismatch
            if significance.significant { significance.leadingVariant = results.variants[decision.index].variantID }
            let lead = results.variants[decision.best]
            results.effect = lead.lift
            results.pValue = lead.adjustedPValue
            results.confidence = engine == .bayesian ? lead.chanceToBeatControl : 1 - lead.adjustedPValue
        }
        return TestAnalysis(
            testID: test.id, results: results, significance: significance,
            recommendation: recommendation(
                test, results, significance, enough: enough, required: required, smallest: smallest))
    }

    func metricData(_ metric: SuccessMetric, _ totals: TestTotals, arms: Int, participants: [Double]) -> MetricData {
        let sums = (0..<arms).map { totals.metrics[metric.name]?[$0] ?? VariantSums() }
        let exposures = (0..<arms).map { totals.exposures[$0] ?? VariantSums() }
        let binary = metric.kind != .continuous
        let groups = (0..<arms).map { i in
            CovariateSums(
                count: participants[i], sumY: binary ? sums[i].converted : sums[i].valueSum,
                sumY2: binary ? sums[i].converted : sums[i].valueSquares, sumX: exposures[i].covariateSum,
                sumX2: exposures[i].covariateSquares,
                sumXY: binary ? sums[i].convertedCovariateSum : sums[i].valueCovariateSum)
        }
        // CUPED only when every participant brought a covariate and it varies.
        let covered = (0..<arms).allSatisfy { exposures[$0].covariates == participants[$0] && participants[$0] > 1 }
        let cuped = covered && CUPED.theta(groups) != nil
        let moments =
            cuped ? CUPED.adjust(groups) : groups.map { Moments(count: $0.count, sum: $0.sumY, sumOfSquares: $0.sumY2) }
        return MetricData(metric: metric, moments: moments, converted: sums.map(\.converted), cuped: cuped)
    }

    func results(_ d: MetricData, test: ABTest, control: Int) -> MetricResults {
        let arms = d.moments.count
        let posteriors: [Posterior] = (0..<arms).map { i in
            d.rawBinary
                ? .conversionRate(successes: d.converted[i], trials: d.moments[i].count)
                : .mean(d.moments[i])
        }
        let usable = d.moments.allSatisfy { $0.count > 1 && $0.variance > 0 } || d.rawBinary
        let bayes = usable ? BayesianComparison(posteriors) : nil
        let beat = bayes?.chanceToBeat(control: control) ?? Array(repeating: 0.5, count: arms)
        let loss = bayes?.expectedLoss(control: control) ?? Array(repeating: 0, count: arms)
        let best = bayes?.probabilityToBeBest ?? Array(repeating: 1 / Double(arms), count: arms)
        let sequence = ConfidenceSequence(
            alpha: alpha, tuningSampleSize: Double(max(minSampleSize, 100) * max(arms, 2)))
        let c = d.moments[control]
        let variants = test.variants.indices.map { i in
            let m = d.moments[i]
            var r = VariantResults(
                variantID: test.variants[i].id, participants: Int64(m.count), conversions: Int64(d.converted[i]),
                conversionRate: m.count > 0 ? d.converted[i] / m.count : 0)
            r.mean = m.mean
            let interval =
                d.rawBinary
                ? Frequentist.wilsonInterval(d.converted[i], m.count, confidence: confidenceLevel)
                : Frequentist.meanInterval(m, confidence: confidenceLevel)
            r.ciLower = finite(interval.lower)
            r.ciUpper = finite(interval.upper)
            r.probabilityToBeBest = best[i]
            r.chanceToBeatControl = beat[i]
            r.expectedLoss = loss[i]
            if i != control, m.count > 1, c.count > 1 {
                let lift = Frequentist.relativeLift(m, over: c, confidence: confidenceLevel)
                r.lift = finite(lift.lift)
                r.liftCILower = finite(lift.interval.lower)
                r.liftCIUpper = finite(lift.interval.upper)
                r.pValue =
                    d.rawBinary
                    ? Frequentist.twoProportionZTest(d.converted[i], m.count, d.converted[control], c.count).pValue
                    : Frequentist.welchTTest(m, c).pValue
                r.sequentialPValue = sequence.compare(m, c).pValue
            } else {
                r.pValue = 1
                r.sequentialPValue = 1
            }
            r.adjustedPValue = r.sequentialPValue
            return r
        }
        return MetricResults(
            metric: d.metric.name, kind: d.metric.kind ?? .binary, primary: d.metric.primary, variants: variants,
            cuped: d.cuped)
    }

    /// Holm across the primary metric's variants; Benjamini–Hochberg across every secondary metric's.
    func correct(_ metrics: inout [MetricResults]) {
        guard !metrics.isEmpty else { return }
        let primary = metrics[0].variants.map(\.sequentialPValue)
        for (i, p) in MultipleComparisons.holm(primary).enumerated() { metrics[0].variants[i].adjustedPValue = p }
        let secondary = metrics.indices.dropFirst().flatMap { m in metrics[m].variants.indices.map { (m, $0) } }
        let adjusted = MultipleComparisons.benjaminiHochberg(
            secondary.map { metrics[$0.0].variants[$0.1].sequentialPValue })
        for ((m, v), p) in zip(secondary, adjusted) { metrics[m].variants[v].adjustedPValue = p }
    }

    /// The arm with the best mean; significant when it beats the control (or, when it is the control, when every
    /// other arm is significantly worse). `index` is the arm significance points to, `best` the one reported.
    func leader(_ variants: [VariantResults], control: Int, engine: StatisticalEngine) -> (
        index: Int, best: Int, significant: Bool
    )? {
        guard variants.count > 1 else { return nil }
        let best = variants.indices.max { variants[$0].mean < variants[$1].mean } ?? control
        func better(_ i: Int) -> Bool {
            engine == .bayesian
                ? variants[i].chanceToBeatControl >= confidenceLevel
                : variants[i].adjustedPValue < alpha && variants[i].lift > 0
        }
        func worse(_ i: Int) -> Bool {
            engine == .bayesian
                ? variants[i].chanceToBeatControl <= 1 - confidenceLevel
                : variants[i].adjustedPValue < alpha && variants[i].lift < 0
        }
        if best == control {
            let others = variants.indices.filter { $0 != control }
            let reported = others.max { variants[$0].mean < variants[$1].mean } ?? control
            return (control, reported, others.allSatisfy(worse))
        }
        return (best, best, better(best))
    }

    func requiredSampleSize(_ d: MetricData?, control: Int) -> Double {
        guard let d else { return Double(minSampleSize) }
        let effect = d.metric.minimumDetectableEffect > 0 ? d.metric.minimumDetectableEffect : defaultEffect
        let c = d.moments[control]
        let needed: Double
        if d.metric.kind != .continuous {
            let baseline = c.count > 0 && c.mean > 0 && c.mean < 1 ? c.mean : 0.1
            needed = SampleSize.perGroup(baseline: baseline, relativeEffect: effect, alpha: alpha, power: power)
        } else if c.mean != 0, c.variance > 0 {
            let z = Normal.quantile(1 - alpha / 2) + Normal.quantile(power)
            let delta = effect * abs(c.mean)
            needed = 2 * z * z * c.variance / (delta * delta)
        } else {
            needed = Double(minSampleSize)
        }
        return max(needed, Double(minSampleSize))
    }

    func minimumDetectableEffect(_ d: MetricData?, control: Int, perGroup n: Double) -> Double {
        guard let d, n > 1 else { return 0 }
        let c = d.moments[control]
        if d.metric.kind != .continuous {
            guard c.mean > 0, c.mean < 1 else { return 0 }
            return finite(SampleSize.minimumDetectableEffect(baseline: c.mean, perGroup: n, alpha: alpha, power: power))
        }
        guard c.mean != 0 else { return 0 }
        let z = Normal.quantile(1 - alpha / 2) + Normal.quantile(power)
        return finite(z * (2 * c.variance / n).squareRoot() / abs(c.mean))
    }

    func recommendation(
        _ test: ABTest, _ results: TestResults, _ s: StatisticalSignificance, enough: Bool, required: Double,
        smallest: Double
    ) -> String {
        if s.sampleRatioMismatch {
            return String(
                format: "the split does not match the allocation (sample-ratio p = %.2g): check the assignment",
                s.srmPValue)
        }
        if test.status == .draft { return "start the test to assign users" }
        if !enough {
            return "keep running: every variant needs \(minSampleSize) participants (the smallest has \(Int(smallest)))"
        }
        if s.significant {
            let lead = results.variants.first { $0.variantID == s.leadingVariant }
            return String(
                format: "%@ wins on %@ (%+.1f %% lift): select it", s.leadingVariant,
                test.successMetrics.first?.name ?? "the primary metric", (lead?.lift ?? 0) * 100)
        }
        if smallest < required {
            return "keep running: about \(Int((required - smallest).rounded(.up))) more participants per variant "
                + "to detect the planned effect"
        }
        return "no significant difference yet at the planned sample size; keep running or stop the test"
    }

    func finite(_ x: Double) -> Double { x.isFinite ? x : 0 }
}
