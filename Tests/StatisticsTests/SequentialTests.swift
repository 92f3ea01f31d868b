import HeraldCore
import Statistics
import Testing

/// WatchTestResults shows significance continuously, so the sequential test must hold its false-positive rate
/// however often it is looked at, where a fixed-horizon test looked at as often does not.
@Suite("Sequential testing under peeking")
struct SequentialTests {
    struct Simulation {
        var sequentialRejections = 0
        var naiveRejections = 0
        var runs = 0
        var sequentialRate: Double { Double(sequentialRejections) / Double(runs) }
        var naiveRate: Double { Double(naiveRejections) / Double(runs) }
    }

    /// `runs` tests of two arms converting at `control` and `treatment`, each looked at after every `step` users
    /// per arm up to `horizon`; a test counts as a rejection if any look is significant at α = 0.05.
    static func simulate(runs: Int, control: Double, treatment: Double, step: Int = 250, horizon: Int = 10_000)
        -> Simulation
    {
        var random = SeededRandom(seed: 7_919)
        let sequence = ConfidenceSequence(alpha: 0.05, tuningSampleSize: 5_000)
        var result = Simulation()
        for _ in 0..<runs {
            var xc = 0.0
            var xt = 0.0
            var n = 0.0
            var sequential = false
            var naive = false
            for _ in 0..<(horizon / step) {
                for _ in 0..<step {
                    if Double.random(in: 0..<1, using: &random) < control { xc += 1 }
                    if Double.random(in: 0..<1, using: &random) < treatment { xt += 1 }
                }
                n += Double(step)
                let c = Moments.proportion(xc, of: n)
                let t = Moments.proportion(xt, of: n)
                if sequence.compare(t, c).pValue < 0.05 { sequential = true }
                if Frequentist.twoProportionZTest(xt, n, xc, n).pValue < 0.05 { naive = true }
            }
            result.runs += 1
            if sequential { result.sequentialRejections += 1 }
            if naive { result.naiveRejections += 1 }
        }
        return result
    }

    @Test("A/A: 1,000 null tests looked at 40 times each keep the false-positive rate within 5 % + 1 %")
    func aaSimulation() {
        let aa = Self.simulate(runs: 1_000, control: 0.1, treatment: 0.1)
        #expect(aa.sequentialRate <= 0.06, "sequential false-positive rate \(aa.sequentialRate)")
        // The same looks with a fixed-horizon z-test inflate it: the simulation can tell the difference.
        #expect(aa.naiveRate > 0.12, "peeking z-test false-positive rate \(aa.naiveRate)")
    }

    @Test("a real 20 % lift is still found under the same peeking")
    func power() {
        let ab = Self.simulate(runs: 200, control: 0.1, treatment: 0.12)
        #expect(ab.sequentialRate > 0.8, "sequential power \(ab.sequentialRate)")
    }

    @Test("the interval and the always-valid p-value agree: 0 is outside exactly when p < α")
    func intervalMatchesPValue() {
        let sequence = ConfidenceSequence(alpha: 0.05, tuningSampleSize: 5_000)
        for (xt, xc) in [(1_100.0, 1_000.0), (1_200, 1_000), (1_060, 1_000), (900, 1_000)] {
            let result = sequence.compare(Moments.proportion(xt, of: 10_000), Moments.proportion(xc, of: 10_000))
            #expect((result.pValue < 0.05) == !result.interval.contains(0), "\(xt) vs \(xc): \(result)")
        }
    }
}
