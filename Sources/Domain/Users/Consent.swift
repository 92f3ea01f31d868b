import Foundation

/// What consent is for (`herald.users.v1.ConsentPurpose`).
public enum ConsentPurpose: String, WireEnum {
    public static let wirePrefix = "CONSENT_PURPOSE_"
    case marketing, transactional, analytics, personalization
}

/// Consent for one channel.
public struct ChannelConsent: Equatable, Sendable {
    public var channel: NotificationChannel?
    public var granted: Bool
    public var updatedAt: Date?
    /// Where the consent was given or withdrawn: "signup_form", "unsubscribe_link", ...
    public var source: String
    /// GDPR Art. 6 basis: "consent", "contract", "legitimate_interest", ...
    public var legalBasis: String

    public init(
        channel: NotificationChannel?, granted: Bool, updatedAt: Date? = nil, source: String = "",
        legalBasis: String = ""
    ) {
        self.channel = channel
        self.granted = granted
        self.updatedAt = updatedAt
        self.source = source
        self.legalBasis = legalBasis
    }
}

/// Consent for one purpose.
public struct PurposeConsent: Equatable, Sendable {
    public var purpose: ConsentPurpose?
    public var granted: Bool
    public var updatedAt: Date?
    public var source: String
    public var legalBasis: String

    public init(
        purpose: ConsentPurpose?, granted: Bool, updatedAt: Date? = nil, source: String = "", legalBasis: String = ""
    ) {
        self.purpose = purpose
        self.granted = granted
        self.updatedAt = updatedAt
        self.source = source
        self.legalBasis = legalBasis
    }
}

/// One change of consent, kept for ever.
public struct ConsentChange: Equatable, Sendable {
    /// What the consent is about: a channel or a purpose.
    public enum Subject: Equatable, Sendable, Hashable {
        case channel(NotificationChannel)
        case purpose(ConsentPurpose)
    }

    public var at: Date
    public var subject: Subject
    public var granted: Bool
    public var source: String
    public var legalBasis: String

    public init(at: Date, subject: Subject, granted: Bool, source: String, legalBasis: String) {
        self.at = at
        self.subject = subject
        self.granted = granted
        self.source = source
        self.legalBasis = legalBasis
    }
}

/// What a user has agreed to: each channel and purpose, and the history of every change.
public struct ConsentStatus: Equatable, Sendable {
    public var userID: UUID
    public var channels: [ChannelConsent]
    /// The marketing purpose's state (also in `purposes`).
    public var marketing: Bool
    /// The analytics purpose's state (also in `purposes`).
    public var analytics: Bool
    public var updatedAt: Date?
    public var purposes: [PurposeConsent]
    /// Oldest first; only when asked for.
    public var history: [ConsentChange]

    public init(
        userID: UUID, channels: [ChannelConsent] = [], marketing: Bool = false, analytics: Bool = false,
        updatedAt: Date? = nil,
        purposes: [PurposeConsent] = [], history: [ConsentChange] = []
    ) {
        self.userID = userID
        self.channels = channels
        self.marketing = marketing
        self.analytics = analytics
        self.updatedAt = updatedAt
        self.purposes = purposes
        self.history = history
    }

    /// Whether `purpose` was granted (never recorded: not granted).
    public func granted(_ purpose: ConsentPurpose) -> Bool {
        purposes.first { $0.purpose == purpose }?.granted ?? false
    }

    /// Whether `channel` may be used: granted, or never recorded (channel consent is an opt-out).
    public func allows(_ channel: NotificationChannel) -> Bool {
        channels.first { $0.channel == channel }?.granted ?? true
    }
}

/// A change of consent: the channels and purposes listed, and marketing/analytics only when set (nil leaves them).
public struct ConsentUpdate: Equatable, Sendable {
    public var channels: [ChannelConsent]
    public var marketing: Bool?
    public var analytics: Bool?
    /// Where the change comes from; required.
    public var source: String
    public var purposes: [PurposeConsent]
    /// The legal basis of every change here that names none of its own.
    public var legalBasis: String

    public init(
        channels: [ChannelConsent] = [], marketing: Bool? = nil, analytics: Bool? = nil, source: String = "",
        purposes: [PurposeConsent] = [],
        legalBasis: String = ""
    ) {
        self.channels = channels
        self.marketing = marketing
        self.analytics = analytics
        self.source = source
        self.purposes = purposes
        self.legalBasis = legalBasis
    }

    /// Every change the update makes, purposes marketing and analytics included, each with its legal basis; a
    /// subject named twice counts once, as its last mention says.
    public var changes: [(subject: ConsentChange.Subject, granted: Bool, legalBasis: String)] {
        var changes: [(subject: ConsentChange.Subject, granted: Bool, legalBasis: String)] = []
        for c in channels {
            if let channel = c.channel {
                changes.append((.channel(channel), c.granted, c.legalBasis.isEmpty ? legalBasis : c.legalBasis))
            }
        }
        for p in purposes {
            if let purpose = p.purpose {
                changes.append((.purpose(purpose), p.granted, p.legalBasis.isEmpty ? legalBasis : p.legalBasis))
            }
        }
        if let marketing, !purposes.contains(where: { $0.purpose == .marketing }) {
            changes.append((.purpose(.marketing), marketing, legalBasis))
        }
        if let analytics, !purposes.contains(where: { $0.purpose == .analytics }) {
            changes.append((.purpose(.analytics), analytics, legalBasis))
        }
        var seen = Set<ConsentChange.Subject>()
        return changes.reversed().filter { seen.insert($0.subject).inserted }.reversed()
    }
}
