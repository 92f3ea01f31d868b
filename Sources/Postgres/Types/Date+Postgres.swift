import Foundation
import HeraldCore

extension Date: PostgresDecodable, PostgresEncodable {
    /// `timestamptz` (and `timestamp`, read as UTC). Connections run with `DateStyle=ISO` and `TimeZone=UTC`,
    /// so the text is `2024-01-02 03:04:05.123456+00`; other offsets are honoured too.
    public static func decode(from cell: PostgresCell) throws -> Date {
        try cell.expect(PostgresTypeOID.timestamptz, PostgresTypeOID.timestamp, as: "timestamptz")
        guard let date = parseTimestamp(cell.text) else { throw cell.malformed("timestamptz") }
        return date
    }

    static func parseTimestamp(_ text: String) -> Date? {
        if text == "infinity" { return .distantFuture }
        if text == "-infinity" { return .distantPast }
        var s = TextScanner(text)
        guard let year = s.number(), s.take("-"), let month = s.number(), s.take("-"), let day = s.number(),
            s.take(" ") || s.take("T"), let hour = s.number(), s.take(":"), let minute = s.number(), s.take(":"),
            let second = s.number()
        else { return nil }
        let micros = s.take(".") ? s.fractionMicros() : 0
        var offsetSeconds = 0
        if let sign = s.peek, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            s.index += 1
            guard let h = s.number() else { return nil }
            var offset = h * 3600
            if s.take(":") { offset += (s.number() ?? 0) * 60 }
            if s.take(":") { offset += s.number() ?? 0 }
            offsetSeconds = sign == UInt8(ascii: "-") ? -offset : offset
        } else if s.take("Z") {
            offsetSeconds = 0
        }
        var bc = false
        if s.take(" ") { bc = s.take("B") && s.take("C") }
        guard s.atEnd, (1...12).contains(month), (1...31).contains(day), hour < 25, minute < 60, second < 61 else {
            return nil
        }
        let days = Civil.days(year: bc ? 1 - year : year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1_000_000)
    }

    /// UTC with microseconds: `2024-01-02 03:04:05.123456+00`.
    public var postgresText: String? {
        if self == .distantFuture { return "infinity" }
        if self == .distantPast { return "-infinity" }
        let totalMicros = Int((timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = totalMicros / 1_000_000
        var micros = totalMicros % 1_000_000
        if micros < 0 {
            micros += 1_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = Civil.date(days: days)
        let yearText = year > 0 ? Civil.pad(year, 4) : Civil.pad(1 - year, 4)
        return "\(yearText)-\(Civil.pad(month, 2))-\(Civil.pad(day, 2)) \(Civil.pad(secondOfDay / 3600, 2)):"
            + "\(Civil.pad(secondOfDay / 60 % 60, 2)):\(Civil.pad(secondOfDay % 60, 2)).\(Civil.pad(micros, 6))+00"
            + (year > 0 ? "" : " BC")
    }
}

/// A calendar date without time or zone (`date`).
public struct PostgresDate: Hashable, Sendable, Comparable, CustomStringConvertible, PostgresDecodable,
    PostgresEncodable
{
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The UTC date of an instant.
    public init(_ date: Date) {
        let days = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
        (year, month, day) = Civil.date(days: days)
    }

    var daysSinceEpoch: Int { Civil.days(year: year, month: month, day: day) }

    public static func < (a: PostgresDate, b: PostgresDate) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }

    public var description: String { "\(Civil.pad(year, 4))-\(Civil.pad(month, 2))-\(Civil.pad(day, 2))" }

    public static func decode(from cell: PostgresCell) throws -> PostgresDate {
        try cell.expect(PostgresTypeOID.date, as: "date")
        var s = TextScanner(cell.text)
        guard let year = s.number(), s.take("-"), let month = s.number(), s.take("-"), let day = s.number(), s.atEnd,
            (1...12).contains(month), (1...31).contains(day)
        else { throw cell.malformed("date") }
        return PostgresDate(year: year, month: month, day: day)
    }

    public var postgresText: String? { description }
}
