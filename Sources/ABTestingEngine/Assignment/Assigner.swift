import Domain
import Foundation

/// Where a user stands in a test.
enum Arm: Equatable, Sendable {
    /// A participant of variant `index` (stored as their exposure).
    case variant(Int)
    /// Held out of the campaign entirely (stored too: analytics' incrementality compares with them).
    case holdout
    /// Not in the test; shown `index` (the control while paused, the winner once there is one), or nothing.
    case outside(Int?)

    /// The exposures table's `variant` column: the index, -1 for the holdout; nil when nothing is stored.
    var stored: Int? {
        switch self {
        case .variant(let index): index
        case .holdout: -1
        case .outside: nil
        }
    }

    init(stored: Int) { self = stored < 0 ? .holdout : .variant(stored) }
}

/// A running test's assignment function: three independent hashes of the user (holdout, traffic, variant), so that
/// growing the traffic share only adds users and re-weighting variants never moves anyone between holdout and test.
/// The variant hash is `TrafficSplit`'s FNV-1a of the test's seed, the one the workflow engine's split uses.
struct Assigner: Sendable {
    let holdoutPrefix: UInt64
    let trafficPrefix: UInt64
    let variantPrefix: UInt64
    /// Buckets below these are held out / in the test.
    let holdoutBuckets: Int
    let trafficBuckets: Int
    let table: [Int16]

    init(_ stored: StoredTest) {
        let traffic = stored.test.trafficAllocation ?? TrafficAllocation(percentage: 100)
        let seed = traffic.seed.isEmpty ? stored.test.id.lowercased : traffic.seed
        variantPrefix = TrafficSplit.prefix(seed: seed)
        trafficPrefix = TrafficSplit.prefix(seed: seed + "/traffic")
        holdoutPrefix = TrafficSplit.prefix(seed: seed + "/holdout")
        holdoutBuckets = Int((traffic.holdoutPercentage * Double(TrafficSplit.buckets) / 100).rounded())
        trafficBuckets = Int((traffic.percentage * Double(TrafficSplit.buckets) / 100).rounded())
        table = stored.ranges.table()
    }

    func arm(_ user: UUID) -> Arm {
        if holdoutBuckets > 0, TrafficSplit.bucket(prefix: holdoutPrefix, user: user) < holdoutBuckets {
            return .holdout
        }
        if trafficBuckets < TrafficSplit.buckets,
            TrafficSplit.bucket(prefix: trafficPrefix, user: user) >= trafficBuckets
        {
            return .outside(nil)
        }
        let index = Int(table[TrafficSplit.bucket(prefix: variantPrefix, user: user)])
        return index >= 0 ? .variant(index) : .outside(nil)
    }
}
