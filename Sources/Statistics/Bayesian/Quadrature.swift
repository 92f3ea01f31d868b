/// Gauss–Legendre quadrature, eight nodes: exact for polynomials to degree 15.
enum GaussLegendre {
    static let nodes: [Double] = [
        -0.9602898564975363, -0.7966664774136267, -0.5255324099163290, -0.1834346424956498,
        0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363,
    ]
    static let weights: [Double] = [
        0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.3626837833783620,
        0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763,
    ]

    /// ∫ f over [a, b].
    @inline(__always)
    static func integrate(_ a: Double, _ b: Double, _ f: (Double) -> Double) -> Double {
        let half = (b - a) / 2
        let mid = (a + b) / 2
        var sum = 0.0
        for k in 0..<8 { sum += weights[k] * f(mid + half * nodes[k]) }
        return sum * half
    }
}
