import Codec
import Domain
import Foundation
import HeraldCore

extension SyntheticPopulation {
    /// User `i`'s activity over the `days` days before `end`: views, add-to-carts and purchases around their preferred
    /// hour (in their time zone), mostly in the categories they favour; the lookalike group buys about three times as
    /// often. Ids are stable (`syn-i-k`), so tracking the same activity twice stores it once.
    public func activities(of i: Int, days: Int, end: Date = SyntheticPopulation.epoch) -> [UserActivity] {
        let user = user(i)
        var r = random(i, stream: 1)
        let offset = TimeZone(identifier: user.profile.timezone).map { Double($0.secondsFromGMT(for: end)) } ?? 0
        let perDay = user.truth.inLookalikeGroup ? 2.0 : 0.6
        let buyShare = user.truth.inLookalikeGroup ? 0.3 : 0.1
        let dayStart = (end.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
        var activities: [UserActivity] = []
        for day in 1...max(days, 1) {
            var events = 0
            var threshold = Double.random(in: 0..<1, using: &r)
            while threshold > exp(-perDay) && events < 20 {  // Poisson by multiplying uniforms
                events += 1
                threshold *= Double.random(in: 0..<1, using: &r)
            }
            for _ in 0..<events {
                // Around the preferred local hour: a triangular spread of about an hour either way.
                let hour =
                    Double(user.truth.preferredHour) + Double.random(in: -1...1, using: &r)
                    + Double.random(in: -1...1, using: &r) * 0.5
                let at = dayStart - Double(day) * 86_400 + hour * 3600 - offset
                guard at < end.timeIntervalSince1970 else { continue }
                let category =
                    Double.random(in: 0..<1, using: &r) < 0.8
                    ? user.truth.affinities.randomElement(using: &r)! : Self.categories.randomElement(using: &r)!
                let roll = Double.random(in: 0..<1, using: &r)
                let type = roll < buyShare ? "purchase" : roll < buyShare + 0.2 ? "add_to_cart" : "view"
                var properties: [(String, JSONValue)] = [
                    ("category", .string(category)),
                    ("item", .string("\(category)-\(Int.random(in: 1...50, using: &r))")),
                ]
                if type == "purchase" {
                    properties.append(
                        ("revenue", .number(String(format: "%.2f", Double.random(in: 5...150, using: &r)))))
                }
                activities.append(
                    UserActivity(
                        id: "syn-\(i)-\(activities.count)", type: type, at: Date(timeIntervalSince1970: at.rounded()),
                        properties: .object(properties)))
            }
        }
        return activities.sorted { ($0.at ?? end) < ($1.at ?? end) }
    }
}
