/// A length of time as protobuf's Duration holds it: seconds and nanoseconds of the same sign.
public struct TimeSpan: Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var seconds: Int64
    public var nanos: Int32

    public init(seconds: Int64, nanos: Int32 = 0) {
        self.seconds = seconds
        self.nanos = nanos
    }

    public var isPositive: Bool { seconds > 0 || (seconds == 0 && nanos > 0) }
    public var duration: Duration { .seconds(seconds) + .nanoseconds(Int64(nanos)) }
    public var totalSeconds: Double { Double(seconds) + Double(nanos) / 1e9 }

    public static func < (a: TimeSpan, b: TimeSpan) -> Bool { (a.seconds, a.nanos) < (b.seconds, b.nanos) }

    /// "90s", "1.5s": protobuf's JSON form.
    public var description: String {
        nanos == 0 ? "\(seconds)s" : "\(totalSeconds)s"
    }
}
