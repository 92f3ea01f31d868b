import Domain
import Foundation

/// How one conversion's credit is shared among the touches before it (sorted oldest first), by model. The shares
/// add up to 1 whenever there is a touch.
enum Credit {
    static func shares(
        _ touches: [Date], conversionAt: Date, model: AttributionModel, halfLifeDays: Double
    ) -> [Double] {
        let n = touches.count
        guard n > 0 else { return [] }
        switch model {
        case .firstTouch: return (0..<n).map { $0 == 0 ? 1 : 0 }
        case .lastTouch: return (0..<n).map { $0 == n - 1 ? 1 : 0 }
        case .linear: return Array(repeating: 1 / Double(n), count: n)
        case .timeDecay:
            let weights = touches.map { pow(0.5, conversionAt.timeIntervalSince($0) / (halfLifeDays * 86_400)) }
            let total = weights.reduce(0, +)
            return weights.map { $0 / total }
        case .positionBased:
            if n == 1 { return [1] }
            if n == 2 { return [0.5, 0.5] }
            return (0..<n).map { $0 == 0 || $0 == n - 1 ? 0.4 : 0.2 / Double(n - 2) }
        }
    }
}
