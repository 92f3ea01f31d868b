import Domain
import Foundation
import Testing

/// Quiet hours in the user's own zone: when a message due at a given time may go.
@Suite("Quiet hours")
struct QuietHoursTests {
    static func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test("outside the window a message goes at once; inside it waits for the window's end on the user's clock")
    func window() throws {
        let london = try #require(TimeZone(identifier: "Europe/London"))
        let quiet = try #require(QuietHours("22:00-07:00"))
        #expect(quiet.sendable(at: Self.utc("2026-12-07T12:00:00Z"), in: london) == Self.utc("2026-12-07T12:00:00Z"))
        #expect(quiet.sendable(at: Self.utc("2026-12-07T23:30:00Z"), in: london) == Self.utc("2026-12-08T07:00:00Z"))
        #expect(quiet.sendable(at: Self.utc("2026-12-07T03:00:00Z"), in: london) == Self.utc("2026-12-07T07:00:00Z"))
        // The end is exclusive: 07:00 itself may send.
        #expect(quiet.sendable(at: Self.utc("2026-12-07T07:00:00Z"), in: london) == Self.utc("2026-12-07T07:00:00Z"))
        let tokyo = try #require(TimeZone(identifier: "Asia/Tokyo"))
        // 23:30 in London is 08:30 in Tokyo: not quiet there.
        #expect(quiet.sendable(at: Self.utc("2026-12-07T23:30:00Z"), in: tokyo) == Self.utc("2026-12-07T23:30:00Z"))
        let afternoon = try #require(QuietHours("13:00-14:30"))
        #expect(
            afternoon.sendable(at: Self.utc("2026-07-01T12:10:00Z"), in: london) == Self.utc("2026-07-01T13:30:00Z"))
    }

    @Test("a window ending at a time the clock skips (a DST change) ends at the first minute after it")
    func daylightSaving() throws {
        let paris = try #require(TimeZone(identifier: "Europe/Paris"))
        // 29 March 2026: 02:00 CET becomes 03:00 CEST, so 02:30 does not exist that night.
        let quiet = try #require(QuietHours("22:00-02:30"))
        let sendable = quiet.sendable(at: Self.utc("2026-03-28T22:30:00Z"), in: paris)
        #expect(sendable == Self.utc("2026-03-29T01:00:00Z"), "\(sendable)")
    }

    @Test("HH:MM-HH:MM or nothing")
    func parsing() {
        #expect(QuietHours("22:00-07:00") == QuietHours("22:00-07:00"))
        for bad in ["", "22:00", "24:00-07:00", "22:00-22:00", "2200-0700", "22:0-07:00"] {
            #expect(QuietHours(bad) == nil)
        }
    }
}
