import Foundation

/// The special functions the distributions rest on, computed in log space where their terms would overflow.
public enum SpecialFunctions {
    /// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).
    public static func logBeta(_ a: Double, _ b: Double) -> Double { lgamma(a) + lgamma(b) - lgamma(a + b) }

    /// The regularized incomplete beta function I_x(a, b), by its continued fraction (modified Lentz), using the
    /// symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges faster.
    public static func incompleteBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        incompleteBeta(x, complement: 1 - x, a, b)
    }

    /// I_x(a, b) given x and 1 − x separately, for callers that know 1 − x to more digits than `1 - x` keeps.
    public static func incompleteBeta(_ x: Double, complement y: Double, _ a: Double, _ b: Double) -> Double {
        precondition(a > 0 && b > 0, "incompleteBeta needs a, b > 0")
        if x <= 0 { return 0 }
        if y <= 0 { return 1 }
        let logFront = a * log(x) + b * log(y) - logBeta(a, b)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * betaFraction(x, a, b) / a
        }
        return 1 - exp(logFront) * betaFraction(y, b, a) / b
    }

    /// The continued fraction of I_x(a, b) (Numerical Recipes' betacf), to full double precision.
    static func betaFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b
        let qap = a + 1
        let qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        let limit = 10_000 + Int(20 * (max(a, b)).squareRoot())
        for m in 1...limit {
            let m = Double(m)
            let m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }

    /// The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a): the chi-squared survival
    /// function is Q(k/2, x/2).
    public static func upperIncompleteGamma(_ a: Double, _ x: Double) -> Double {
        precondition(a > 0, "upperIncompleteGamma needs a > 0")
        if x <= 0 { return 1 }
        if x < a + 1 { return 1 - gammaSeries(a, x) }
        return gammaFraction(a, x)
    }

    /// P(a, x) by its series.
    static func gammaSeries(_ a: Double, _ x: Double) -> Double {
        var term = 1 / a
        var sum = term
        var n = a
        for _ in 0..<100_000 {
            n += 1
            term *= x / n
            sum += term
            if abs(term) < abs(sum) * 1e-17 { break }
        }
        return sum * exp(-x + a * log(x) - lgamma(a))
    }

    /// Q(a, x) by its continued fraction (modified Lentz).
    static func gammaFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1...100_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return exp(-x + a * log(x) - lgamma(a)) * h
    }
}
