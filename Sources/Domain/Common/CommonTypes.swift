import Foundation

/// Where a user is (the spec's GeoLocation, `herald.common.v1.GeoLocation`).
public struct GeoLocation: Codable, Equatable, Sendable {
    public var latitude: Double
    public var longitude: Double
    /// ISO 3166-1 alpha-2.
    public var country: String
    public var region: String
    public var city: String
    public var postalCode: String
    /// IANA time zone name.
    public var timezone: String

    public init(
        latitude: Double = 0, longitude: Double = 0, country: String = "", region: String = "", city: String = "",
        postalCode: String = "", timezone: String = ""
    ) {
        self.latitude = latitude
        self.longitude = longitude
        self.country = country
        self.region = region
        self.city = city
        self.postalCode = postalCode
        self.timezone = timezone
    }
}

/// A period: `start` inclusive, `end` exclusive; either open when nil (`herald.common.v1.TimeRange`).
public struct TimeRange: Codable, Equatable, Sendable {
    public var start: Date?
    public var end: Date?

    public init(start: Date? = nil, end: Date? = nil) {
        self.start = start
        self.end = end
    }
}
