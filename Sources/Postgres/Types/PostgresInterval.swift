import HeraldCore

/// An `interval` as PostgreSQL stores it: months, days and microseconds, which do not convert into each other
/// (a month is not a fixed number of days).
public struct PostgresInterval: Hashable, Sendable, CustomStringConvertible, PostgresDecodable, PostgresEncodable {
    public var months: Int
    public var days: Int
    public var microseconds: Int

    public init(months: Int = 0, days: Int = 0, microseconds: Int = 0) {
        self.months = months
        self.days = days
        self.microseconds = microseconds
    }

    /// An interval of exact time.
    public init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(microseconds: Int(seconds) * 1_000_000 + Int(attoseconds / 1_000_000_000_000))
    }

    /// ISO 8601 (`P1Y2M3DT4H5M6.5S`), which PostgreSQL reads back exactly.
    public var description: String {
        var text = "P"
        if months / 12 != 0 { text += "\(months / 12)Y" }
        if months % 12 != 0 { text += "\(months % 12)M" }
        if days != 0 { text += "\(days)D" }
        if microseconds != 0 {
            let negative = microseconds < 0
            let magnitude = microseconds.magnitude
            let hours = magnitude / 3_600_000_000
            let minutes = magnitude / 60_000_000 % 60
            let seconds = magnitude / 1_000_000 % 60
            let fraction = magnitude % 1_000_000
            let sign = negative ? "-" : ""
            text += "T"
            if hours != 0 { text += "\(sign)\(hours)H" }
            if minutes != 0 { text += "\(sign)\(minutes)M" }
            if seconds != 0 || fraction != 0 {
                text += "\(sign)\(seconds)"
                if fraction != 0 {
                    var digits = Civil.pad(Int(fraction), 6)
                    while digits.hasSuffix("0") { digits.removeLast() }
                    text += ".\(digits)"
                }
                text += "S"
            }
        }
        return text == "P" ? "PT0S" : text
    }

    public var postgresText: String? { description }

    /// Connections run with `IntervalStyle=iso_8601`, so intervals arrive as `P1Y2M3DT4H5M6.5S`.
    public static func decode(from cell: PostgresCell) throws -> PostgresInterval {
        try cell.expect(PostgresTypeOID.interval, as: "interval")
        guard let value = parse(cell.text) else { throw cell.malformed("interval (ISO 8601)") }
        return value
    }

    static func parse(_ text: String) -> PostgresInterval? {
        var s = TextScanner(text)
        guard s.take("P") else { return nil }
        var result = PostgresInterval()
        var inTime = false
        while !s.atEnd {
            if s.take("T") {
                inTime = true
                continue
            }
            let negative = s.take("-")
            guard let whole = s.number() else { return nil }
            let fraction = s.take(".") ? s.fractionMicros() : 0
            let sign = negative ? -1 : 1
            guard let unit = s.peek else { return nil }
            s.index += 1
            switch (inTime, unit) {
            case (false, UInt8(ascii: "Y")): result.months += sign * whole * 12
            case (false, UInt8(ascii: "M")): result.months += sign * whole
            case (false, UInt8(ascii: "W")): result.days += sign * whole * 7
            case (false, UInt8(ascii: "D")): result.days += sign * whole
            case (true, UInt8(ascii: "H")): result.microseconds += sign * (whole * 3_600_000_000 + fraction * 3600)
            case (true, UInt8(ascii: "M")): result.microseconds += sign * (whole * 60_000_000 + fraction * 60)
            case (true, UInt8(ascii: "S")): result.microseconds += sign * (whole * 1_000_000 + fraction)
            default: return nil
            }
        }
        return result
    }
}
