import Codec
import Foundation

/// ListUsers' and ExportUsers' conditions: every one given must hold.
public struct UserFilter: Equatable, Sendable {
    /// Attributes that must equal these values (a JSON object).
    public var attributes: JSONValue?
    public var createdFrom: Date?
    public var createdBefore: Date?
    public var consentedTo: ConsentPurpose?
    /// An address for the channel, consent for it, and the channel among the preferred ones (if any are).
    public var reachableOn: NotificationChannel?
    public var externalIDPrefix: String

    public init(
        attributes: JSONValue? = nil, createdFrom: Date? = nil, createdBefore: Date? = nil,
        consentedTo: ConsentPurpose? = nil,
        reachableOn: NotificationChannel? = nil, externalIDPrefix: String = ""
    ) {
        self.attributes = attributes
        self.createdFrom = createdFrom
        self.createdBefore = createdBefore
        self.consentedTo = consentedTo
        self.reachableOn = reachableOn
        self.externalIDPrefix = externalIDPrefix
    }
}

/// What the send pipeline needs to address one user.
public struct UserContact: Equatable, Sendable {
    public var userID: UUID
    public var email: String
    public var phone: String
    public var devices: [Device]
    public var locale: String
    public var timezone: String
    public var preferences: UserPreferences
    public var consent: ConsentStatus
    public var displayName: String
    public var attributes: JSONValue?

    public init(
        userID: UUID, email: String = "", phone: String = "", devices: [Device] = [], locale: String = "",
        timezone: String = "",
        preferences: UserPreferences = UserPreferences(), consent: ConsentStatus, displayName: String = "",
        attributes: JSONValue? = nil
    ) {
        self.userID = userID
        self.email = email
        self.phone = phone
        self.devices = devices
        self.locale = locale
        self.timezone = timezone
        self.preferences = preferences
        self.consent = consent
        self.displayName = displayName
        self.attributes = attributes
    }
}

/// One row of an import: a profile upserted by external id, with consent to record.
public struct ImportRow: Equatable, Sendable {
    public var user: UserProfile
    public var consent: ConsentUpdate?

    public init(user: UserProfile, consent: ConsentUpdate? = nil) {
        self.user = user
        self.consent = consent
    }
}

/// A row an import refused: its number (1-based) and the field at fault.
public struct ImportRowError: Equatable, Sendable {
    public var row: Int64
    public var field: String
    public var description: String

    public init(row: Int64, field: String, description: String) {
        self.row = row
        self.field = field
        self.description = description
    }
}

/// What an import did.
public struct ImportResult: Equatable, Sendable {
    public var rows: Int64
    public var created: Int64
    public var updated: Int64
    /// The first rows refused (at most `maxListed`); `rejected` counts them all.
    public var errors: [ImportRowError]
    public var rejected: Int64

    public static let maxListed = 1000

    public init(
        rows: Int64 = 0, created: Int64 = 0, updated: Int64 = 0, errors: [ImportRowError] = [], rejected: Int64 = 0
    ) {
        self.rows = rows
        self.created = created
        self.updated = updated
        self.errors = errors
        self.rejected = rejected
    }
}
