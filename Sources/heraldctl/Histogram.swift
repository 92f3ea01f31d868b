/// Latencies in nanoseconds in an HdrHistogram-style log-linear layout: 2,048 sub-buckets per power of two, so any
/// recorded value is reproduced within 0.1 % (three significant digits) from 1 ns to hours, in fixed memory.
struct Histogram {
    private static let subBucketBits = 11
    private static let subBucketCount = 1 << subBucketBits  // 2048
    private static let subBucketHalf = subBucketCount / 2
    private var counts: [UInt64]
    private(set) var total: UInt64 = 0
    private(set) var max: UInt64 = 0

    init() { counts = Array(repeating: 0, count: (64 - Self.subBucketBits + 1) * Self.subBucketHalf) }

    private static func index(_ value: UInt64) -> Int {
        let bucket = 64 - (value | UInt64(subBucketCount - 1)).leadingZeroBitCount - subBucketBits
        let subBucket = Int(value >> UInt64(bucket))
        return (bucket + 1) * subBucketHalf + subBucket - subBucketHalf
    }

    /// The highest value that lands in the same slot as the one at `index` (what percentiles report).
    private static func value(at index: Int) -> UInt64 {
        var bucket = index / subBucketHalf - 1
        var subBucket = index % subBucketHalf + subBucketHalf
        if bucket < 0 {
            subBucket -= subBucketHalf
            bucket = 0
        }
        let low = UInt64(subBucket) << UInt64(bucket)
        return low + (UInt64(1) << UInt64(bucket)) - 1
    }

    mutating func record(_ nanoseconds: UInt64) {
        counts[Self.index(nanoseconds)] += 1
        total += 1
        if nanoseconds > max { max = nanoseconds }
    }

    mutating func add(_ other: Histogram) {
        for i in counts.indices where other.counts[i] != 0 { counts[i] += other.counts[i] }
        total += other.total
        if other.max > max { max = other.max }
    }

    /// The value at or below which `percentile` % of the recorded values fall.
    func value(atPercentile percentile: Double) -> UInt64 {
        guard total > 0 else { return 0 }
        let wanted = Swift.max(1, UInt64((percentile / 100 * Double(total)).rounded(.up)))
        var seen: UInt64 = 0
        for (i, count) in counts.enumerated() where count != 0 {
            seen += count
            if seen >= wanted { return Swift.min(Self.value(at: i), max) }
        }
        return max
    }
}
