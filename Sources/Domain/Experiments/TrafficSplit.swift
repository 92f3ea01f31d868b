import Foundation
import HeraldCore

/// Deterministic, sticky assignment: FNV-1a (64-bit) over the UTF-8 of `seed + "." + unit` into 10,000 buckets.
/// The experiments service and the workflow engine's random split both use it, so a user lands in the same branch
/// everywhere; any language can reproduce it from that one sentence.
public enum TrafficSplit {
    public static let buckets = 10_000

    /// The FNV-1a state after `seed + "."`: hashing a unit continues from it.
    public static func prefix(seed: String) -> UInt64 { FNV1a.hash(Array(seed.utf8) + [UInt8(ascii: ".")]) }

    /// The bucket of `unit` under the seed whose `prefix(seed:)` is `state`.
    public static func bucket(prefix state: UInt64, unit: String) -> Int {
        var unit = unit
        return unit.withUTF8 { Int(FNV1a.hash($0, from: state) % UInt64(buckets)) }
    }

    public static func bucket(seed: String, unit: String) -> Int { bucket(prefix: prefix(seed: seed), unit: unit) }

    /// The bucket of a user id (its canonical lower-case text), without making the string.
    public static func bucket(prefix state: UInt64, user: UUID) -> Int {
        withUnsafeBytes(of: user.uuid) { bytes in
            let digits: StaticString = "0123456789abcdef"
            var hash = state
            for index in 0..<16 {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    hash = (hash ^ UInt64(UInt8(ascii: "-"))) &* FNV1a.prime
                }
                hash = (hash ^ UInt64(digits.utf8Start[Int(bytes[index] >> 4)])) &* FNV1a.prime
                hash = (hash ^ UInt64(digits.utf8Start[Int(bytes[index] & 0x0F)])) &* FNV1a.prime
            }
            return Int(hash % UInt64(buckets))
        }
    }
}

/// Which arm owns which of the 10,000 buckets. Built from weights by largest remainder; re-weighted with the fewest
/// buckets changing hands (a shrinking arm gives up its highest buckets, a growing one takes those), so changing
/// weights moves as few not-yet-assigned users as possible.
public struct BucketRanges: Codable, Equatable, Sendable {
    /// `[lower, upper)` owned by `arm`.
    public struct Range: Codable, Equatable, Sendable {
        public var lower: Int
        public var upper: Int
        public var arm: Int

        public init(_ lower: Int, _ upper: Int, arm: Int) {
            self.lower = lower
            self.upper = upper
            self.arm = arm
        }
    }

    public var ranges: [Range]

    public init(ranges: [Range]) { self.ranges = ranges }

    /// Contiguous ranges in arm order, sized by `weights` (any positive scale).
    public init(weights: [Double]) {
        var lower = 0
        ranges = Self.counts(weights).enumerated().compactMap { arm, count in
            defer { lower += count }
            return count > 0 ? Range(lower, lower + count, arm: arm) : nil
        }
    }

    /// Buckets per arm for `weights`, summing to 10,000 (largest remainder).
    public static func counts(_ weights: [Double]) -> [Int] {
        let total = weights.reduce(0) { $0 + max($1, 0) }
        guard total > 0 else { return weights.map { _ in 0 } }
        let exact = weights.map { max($0, 0) / total * Double(TrafficSplit.buckets) }
        var counts = exact.map { Int($0.rounded(.down)) }
        let order = exact.indices.sorted { exact[$0] - Double(counts[$0]) > exact[$1] - Double(counts[$1]) }
        for i in order.prefix(TrafficSplit.buckets - counts.reduce(0, +)) { counts[i] += 1 }
        return counts
    }

    /// Buckets each arm owns.
    public func counts(arms: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: arms)
        for r in ranges where r.arm < arms { counts[r.arm] += r.upper - r.lower }
        return counts
    }

    /// The arm of every bucket, for assigning at speed.
    public func table() -> [Int16] {
        var table = [Int16](repeating: -1, count: TrafficSplit.buckets)
        for r in ranges { for b in r.lower..<r.upper { table[b] = Int16(r.arm) } }
        return table
    }

    /// The same split re-weighted: each arm keeps all it can of its buckets.
    public func rebalanced(to weights: [Double]) -> BucketRanges {
        let target = Self.counts(weights)
        var owned = counts(arms: weights.count)
        var kept: [Range] = []
        var freed: [(Int, Int)] = []
        // Shrinking arms give up their highest buckets.
        for r in ranges.sorted(by: { $0.lower > $1.lower }) {
            guard r.arm < weights.count else {
                freed.append((r.lower, r.upper))
                continue
            }
            let excess = owned[r.arm] - target[r.arm]
            let give = min(max(excess, 0), r.upper - r.lower)
            if give > 0 {
                freed.append((r.upper - give, r.upper))
                owned[r.arm] -= give
            }
            if r.upper - give > r.lower { kept.append(Range(r.lower, r.upper - give, arm: r.arm)) }
        }
        // Growing arms take the freed buckets, lowest first.
        var pool = freed.sorted { $0.0 < $1.0 }
        for arm in weights.indices {
            var need = target[arm] - owned[arm]
            while need > 0, !pool.isEmpty {
                let (lower, upper) = pool.removeFirst()
                let take = min(need, upper - lower)
                kept.append(Range(lower, lower + take, arm: arm))
                if lower + take < upper { pool.insert((lower + take, upper), at: 0) }
                need -= take
            }
        }
        return BucketRanges(ranges: Self.merged(kept))
    }

    static func merged(_ ranges: [Range]) -> [Range] {
        var result: [Range] = []
        for r in ranges.sorted(by: { $0.lower < $1.lower }) {
            if let last = result.last, last.upper == r.lower, last.arm == r.arm {
                result[result.count - 1].upper = r.upper
            } else {
                result.append(r)
            }
        }
        return result
    }
}
