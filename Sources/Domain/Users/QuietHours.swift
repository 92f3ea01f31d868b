import Foundation

/// Quiet hours in a user's day: from `start` to `end` minutes after midnight, wrapping past midnight when `end` is
/// earlier.
public struct QuietHours: Equatable, Sendable {
    public let start: Int
    public let end: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let start = Self.minutes(parts[0]), let end = Self.minutes(parts[1]), start != end
        else { return nil }
        self.start = start
        self.end = end
    }

    /// When a message due at `date` may be sent to a user in `timeZone`: `date` itself outside the quiet window,
    /// else the window's end (the next time the user's clock reads `end`; on a day whose clock skips that time, the
    /// first minute after it).
    public func sendable(at date: Date, in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        let now = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        let quiet = start < end ? (now >= start && now < end) : (now >= start || now < end)
        guard quiet else { return date }
        let wanted = DateComponents(hour: end / 60, minute: end % 60, second: 0)
        return calendar.nextDate(after: date, matching: wanted, matchingPolicy: .nextTime) ?? date
    }

    static func minutes(_ text: Substring) -> Int? {
        let hm = text.split(separator: ":")
        guard hm.count == 2, hm[0].count == 2, hm[1].count == 2, let h = Int(hm[0]), let m = Int(hm[1]),
            (0...23).contains(h), (0...59).contains(m)
        else { return nil }
        return h * 60 + m
    }
}
