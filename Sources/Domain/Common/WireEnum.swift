/// A domain enum whose cases are a proto enum's values 1, 2, 3, ... in declaration order (0 is `_UNSPECIFIED`),
/// and whose raw values are the names Herald stores (PostgreSQL enum labels, JSON).
public protocol WireEnum: CaseIterable, RawRepresentable, Hashable, Codable, Sendable
where RawValue == String, AllCases == [Self] {
    /// The proto enum's value prefix, e.g. "CAMPAIGN_TYPE_" (values are the prefix and the raw value upper-cased).
    static var wirePrefix: String { get }
}

extension WireEnum {
    /// The case for a wire number; nil for 0 (`_UNSPECIFIED`) and for numbers this build does not know.
    public init?(wire: Int32) {
        guard wire >= 1, Int(wire) <= Self.allCases.count else { return nil }
        self = Self.allCases[Int(wire) - 1]
    }

    public var wire: Int32 { Int32(Self.allCases.firstIndex(of: self)! + 1) }

    /// The proto name of this value, e.g. "CAMPAIGN_TYPE_ONE_TIME".
    public var wireName: String { Self.wirePrefix + rawValue.uppercased() }

    /// "NOTIFICATION_CHANNEL_EMAIL, ... or NOTIFICATION_CHANNEL_IN_APP": for error messages.
    public static var expectedNames: String {
        let names = allCases.map(\.wireName)
        return names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " or " + names.last!
    }

    /// Reads a wire enum value, recording an issue at `path` when it is unspecified or unknown.
    public static func read(_ wire: Int32, _ path: String, _ issues: inout FieldIssues, required: Bool = true) -> Self?
    {
        if let value = Self(wire: wire) { return value }
        if wire != 0 {
            issues.add(path, "unknown value \(wire); expected \(expectedNames)")
        } else if required {
            issues.add(path, "required; expected \(expectedNames)")
        }
        return nil
    }
}

/// The spec's NotificationChannel (`herald.common.v1.NotificationChannel`, `common.notification_channel`).
public enum NotificationChannel: String, WireEnum {
    public static let wirePrefix = "NOTIFICATION_CHANNEL_"
    case email, sms, push
    case inApp = "in_app"
}
