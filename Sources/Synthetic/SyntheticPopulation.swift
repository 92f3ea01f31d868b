import Codec
import Domain
import Foundation
import HeraldCore

/// Herald's one synthetic-data generator: a population of users with attributes, devices, consent, activity and
/// engagement, seeded, so that every benchmark, the demo and the tests that need volume see the same people for the
/// same seed. Each user is drawn from its own generator (the seed and its number), so user `i` is the same however
/// many are made, in any order, on any thread.
///
/// Planted structure, which analyses are expected to find (`SyntheticUser.truth` says what was planted):
/// - preferred hours: each user engages around an hour of their local day (a mode, with a spread of about an hour);
/// - item affinities: each user favours a few of `SyntheticPopulation.categories`, viewing and buying those far more;
/// - a lookalike group: `lookalikeShare` of the users share a profile (plan `pro`, country `DE`, high lifetime
///   value, the `audio` and `photo` categories) and buy far more often than the rest.
public struct SyntheticPopulation: Sendable {
    public let seed: UInt64
    public let count: Int
    /// Share of users planted in the lookalike group.
    public let lookalikeShare: Double

    public static let categories = [
        "audio", "photo", "books", "garden", "kitchen", "games", "fitness", "travel", "fashion", "toys", "music",
        "tools",
    ]
    static let countries: [(code: String, timezone: String, locale: String, phonePrefix: String)] = [
        ("US", "America/New_York", "en-US", "+1201555"), ("US", "America/Los_Angeles", "en-US", "+1310555"),
        ("GB", "Europe/London", "en-GB", "+44770090"), ("DE", "Europe/Berlin", "de-DE", "+4915510"),
        ("FR", "Europe/Paris", "fr-FR", "+3370010"), ("JP", "Asia/Tokyo", "ja-JP", "+81700000"),
        ("BR", "America/Sao_Paulo", "pt-BR", "+55119000"), ("IN", "Asia/Kolkata", "hi-IN", "+91700000"),
    ]
    static let plans = ["free", "free", "free", "basic", "basic", "pro"]
    static let givenNames = [
        "Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Margaret", "Dennis", "Frances", "Niklaus", "Radia", "Tim",
        "Hedy", "Linus", "Sophie", "Yukihiro",
    ]

    public init(seed: UInt64 = 42, count: Int, lookalikeShare: Double = 0.02) {
        self.seed = seed
        self.count = count
        self.lookalikeShare = lookalikeShare
    }

    /// The generator of user `i`'s draws (`stream` separates independent draws of the same user: profile, activity).
    func random(_ i: Int, stream: UInt64 = 0) -> SeededRandom {
        var mix = SeededRandom(seed: seed ^ (UInt64(i) &* 0x9E37_79B9_7F4A_7C15) ^ (stream << 56))
        _ = mix.next()
        return mix
    }

    /// User `i` (0-based).
    public func user(_ i: Int) -> SyntheticUser {
        var r = random(i)
        let lookalike = Double.random(in: 0..<1, using: &r) < lookalikeShare
        let country = lookalike ? Self.countries[3] : Self.countries.randomElement(using: &r)!
        let given = Self.givenNames.randomElement(using: &r)!
        let plan = lookalike ? "pro" : Self.plans.randomElement(using: &r)!
        var affinities = Array(Self.categories.indices.shuffled(using: &r).prefix(3))
        if lookalike { affinities = [0, 1] + affinities.filter { $0 > 1 }.prefix(1) }
        let preferredHour = lookalike ? 20 : Int.random(in: 6...23, using: &r)
        let lifetimeValue = lookalike ? Double.random(in: 800...2000, using: &r) : Double.random(in: 0...400, using: &r)
        let signupDays = Int.random(in: 1...1500, using: &r)
        let attributes: JSONValue = .object([
            (
                "age",
                .number(String(lookalike ? Int.random(in: 30...45, using: &r) : Int.random(in: 18...80, using: &r)))
            ),
            ("country", .string(country.code)),
            ("interests", .array(affinities.map { .string(Self.categories[$0]) })),
            ("last_order_at", .string(Self.timestamp(daysAgo: Int.random(in: 0...signupDays, using: &r)))),
            ("lifetime_value", .number(String(format: "%.2f", lifetimeValue))),
            ("newsletter", .bool(Bool.random(using: &r))),
            ("plan", .string(plan)),
            ("score", .number(String(Int.random(in: 0...100, using: &r)))),
            ("signup_days", .number(String(signupDays))),
            ("vip", .bool(lookalike || lifetimeValue > 350)),
        ])
        let devices = (0..<Int.random(in: 0...2, using: &r)).map { d in
            Device(
                token: String(format: "%016llx%016llx", r.next(), r.next()) + "-\(i)-\(d)",
                platform: Bool.random(using: &r) ? .apns : .fcm, appID: "com.example.herald")
        }
        let marketing = lookalike || Double.random(in: 0..<1, using: &r) < 0.8
        let analytics = Double.random(in: 0..<1, using: &r) < 0.9
        let profile = UserProfile(
            externalID: "synthetic-\(i)", email: "\(given.lowercased()).\(i)@example.com",
            phone: country.phonePrefix + String(format: "%04d", i % 10_000), displayName: "\(given) \(i)",
            locale: country.locale, timezone: country.timezone, attributes: attributes)
        return SyntheticUser(
            number: i, profile: profile, devices: devices,
            consent: ConsentUpdate(
                channels: [.init(channel: .email, granted: true), .init(channel: .sms, granted: marketing)],
                marketing: marketing, analytics: analytics, source: "synthetic", legalBasis: "consent"),
            truth: .init(
                preferredHour: preferredHour, affinities: affinities.map { Self.categories[$0] },
                inLookalikeGroup: lookalike))
    }

    /// User `i`'s id where a benchmark uses the population without importing it (user-directory assigns its own ids
    /// on import): a random-looking UUID (version 4 bits) from the seed and the number.
    public func id(_ i: Int) -> UUID {
        var r = random(i, stream: 7)
        var bytes = withUnsafeBytes(of: (r.next(), r.next())) { Array($0) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        return bytes.withUnsafeBytes { UUID(uuid: $0.load(as: uuid_t.self)) }
    }

    /// Users `range`, in order.
    public func users(_ range: Range<Int>) -> [SyntheticUser] { range.map(user) }

    /// The population's "now": a fixed instant (2026-09-21), so that the same seed gives the same data any day.
    public static let epoch = Date(timeIntervalSince1970: 1_790_000_000)

    /// RFC 3339 midnight UTC `daysAgo` days before `epoch` (day arithmetic, not a formatter: it runs a million times).
    static func timestamp(daysAgo: Int) -> String {
        let (year, month, day) = Civil.date(days: Int(epoch.timeIntervalSince1970) / 86_400 - daysAgo)
        return "\(Civil.pad(year, 4))-\(Civil.pad(month, 2))-\(Civil.pad(day, 2))T00:00:00Z"
    }
}

/// One synthetic user: what is stored about them, and the structure planted in them.
public struct SyntheticUser: Sendable, Equatable {
    /// What was planted, for tests and benchmarks to check an analysis against.
    public struct Truth: Sendable, Equatable {
        /// The hour of the user's local day they engage around.
        public let preferredHour: Int
        /// The categories the user favours, strongest first.
        public let affinities: [String]
        public let inLookalikeGroup: Bool
    }

    public let number: Int
    public let profile: UserProfile
    public let devices: [Device]
    public let consent: ConsentUpdate
    public let truth: Truth

    /// The row an import of this user sends.
    public var importRow: ImportRow { ImportRow(user: profile, consent: consent) }
}
