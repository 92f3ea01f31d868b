import Codec
import Domain
import Foundation
import Synchronization

/// The directory's rules for what it stores, each problem reported at its field path: addresses normalized
/// (emails lower case with an IDNA domain, phones E.164), time zones and locales that exist, attributes of one type
/// each, preferences and consent that make sense.
enum UserValidator {
    static let maxAttributes = 100
    static let maxAttributeBytes = 16 << 10

    /// A profile to store, normalized; every problem recorded under `path`.
    static func normalize(_ user: UserProfile, at path: String, into issues: inout FieldIssues) -> UserProfile {
        var normalized = user
        issues.check(user.externalID.count <= 255, path.field("external_id"), "at most 255 characters")
        if !user.email.isEmpty {
            switch ContactAddress.email(user.email) {
            case .success(let email): normalized.email = email
            case .failure(let problem): issues.add(path.field("email"), problem.message)
            }
        }
        if !user.phone.isEmpty {
            switch ContactAddress.phone(user.phone) {
            case .success(let phone): normalized.phone = phone
            case .failure(let problem): issues.add(path.field("phone"), problem.message)
            }
        }
        issues.check(user.displayName.count <= 255, path.field("display_name"), "at most 255 characters")
        if !user.timezone.isEmpty, !isTimeZone(user.timezone) {
            issues.add(path.field("timezone"), "unknown IANA time zone \"\(user.timezone.prefix(64))\"")
        }
        if !user.locale.isEmpty {
            if let locale = locale(user.locale) {
                normalized.locale = locale
            } else {
                issues.add(
                    path.field("locale"),
                    "expected a BCP 47 tag such as en, fr-CA or zh-Hant-TW, got \"\(user.locale.prefix(64))\"")
            }
        }
        if let attributes = user.attributes {
            validate(attributes: attributes, at: path.field("attributes"), into: &issues)
        }
        return normalized
    }

    /// A BCP 47 tag in its usual case (language lower, script title, region upper), or nil.
    /// IANA time zones the system knows (looked up in a set; other names, such as aliases, through `TimeZone`).
    static let timeZones = Set(TimeZone.knownTimeZoneIdentifiers)
    static func isTimeZone(_ name: String) -> Bool { timeZones.contains(name) || TimeZone(identifier: name) != nil }

    /// Tags already normalized (imports repeat a few locales a million times).
    private static let locales = Mutex<[String: String]>([:])

    static func locale(_ text: String) -> String? {
        if let known = locales.withLock({ $0[text] }) { return known }
        guard let normalized = normalizedLocale(text) else { return nil }
        locales.withLock { if $0.count < 10_000 { $0[text] = normalized } }
        return normalized
    }

    private static func normalizedLocale(_ text: String) -> String? {
        let parts = text.replacingOccurrences(of: "_", with: "-").split(
            separator: "-", omittingEmptySubsequences: false
        ).map(String.init)
        guard let language = parts.first, (2...3).contains(language.count),
            language.allSatisfy({ $0.isASCII && $0.isLetter }),
            parts.dropFirst().allSatisfy({
                (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
            })
        else { return nil }
        var out = [language.lowercased()]
        for part in parts.dropFirst() {
            switch part.count {
            case 4 where part.allSatisfy(\.isLetter):
                out.append(part.prefix(1).uppercased() + part.dropFirst().lowercased())
            case 2 where part.allSatisfy(\.isLetter): out.append(part.uppercased())
            default: out.append(part.lowercased())
            }
        }
        return out.joined(separator: "-")
    }

    /// Attributes: an object of at most `maxAttributes` names (letters, digits, `_ . -`) and `maxAttributeBytes`.
    static func validate(attributes: JSONValue, at path: String, into issues: inout FieldIssues) {
        guard case .object(let members) = attributes else {
            issues.add(path, "expected an object of named values")
            return
        }
        issues.check(members.count <= maxAttributes, path, "\(members.count) attributes; at most \(maxAttributes)")
        issues.check(
            Self.jsonBytes(attributes) <= maxAttributeBytes, path, "more than \(maxAttributeBytes) bytes of JSON")
        for (name, _) in members.prefix(maxAttributes + 1) where !isAttributeName(name) {
            issues.add(
                path.key(String(name.prefix(64))),
                "an attribute name has 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or '_'")
        }
    }

    /// An update mask: fields an update may change (`UserStore.updatable`) or single attributes (`attributes.NAME`),
    /// each once.
    static func validate(mask: [String], at path: String, into issues: inout FieldIssues) {
        var seen = Repeats<String>()
        for (i, field) in mask.enumerated().prefix(FieldIssues.limit + 1) {
            if seen.seenBefore(field) {
                issues.add(path.index(i), "\"\(field.prefix(80))\" is named twice")
            } else if field.hasPrefix("attributes.") {
                if !isAttributeName(String(field.dropFirst("attributes.".count))) {
                    issues.add(path.index(i), "attributes.NAME names one attribute; \"\(field.prefix(80))\" does not")
                }
            } else if !UserStore.updatable.contains(field) {
                issues.add(
                    path.index(i),
                    "\"\(field.prefix(80))\" cannot be updated; expected one of \(UserStore.updatable.joined(separator: ", ")) "
                        + "or attributes.NAME")
            }
        }
    }

    /// An activity: an id of at most 255 characters, a type of at most 128, properties of at most 16 KiB of JSON.
    static func validate(_ activity: UserActivity, at path: String, into issues: inout FieldIssues) {
        issues.check(activity.id.count <= 255, path.field("id"), "at most 255 characters")
        issues.check(activity.type.count <= 128, path.field("type"), "at most 128 characters")
        if let properties = activity.properties {
            issues.check(
                Self.jsonBytes(properties) <= maxAttributeBytes, path.field("properties"),
                "more than \(maxAttributeBytes) bytes of JSON")
        }
    }

    /// ListUsers' and ExportUsers' filter.
    static func validate(_ filter: UserFilter, at path: String, into issues: inout FieldIssues) {
        if let attributes = filter.attributes {
            validate(attributes: attributes, at: path.field("attributes"), into: &issues)
        }
        if let from = filter.createdFrom, let before = filter.createdBefore, from >= before {
            issues.add(path.field("created").field("end"), "must be later than the start")
        }
        issues.check(filter.externalIDPrefix.count <= 255, path.field("external_id_prefix"), "at most 255 characters")
    }

    /// About the size of `value` as JSON text, without writing it (escapes not counted).
    static func jsonBytes(_ value: JSONValue) -> Int {
        switch value {
        case .null: 4
        case .bool(let flag): flag ? 4 : 5
        case .number(let text): text.utf8.count
        case .string(let text): text.utf8.count + 2
        case .array(let items): items.reduce(2) { $0 + jsonBytes($1) + 1 }
        case .object(let members): members.reduce(2) { $0 + $1.0.utf8.count + 4 + jsonBytes($1.1) }
        }
    }

    static func isAttributeName(_ name: String) -> Bool {
        let bytes = name.utf8
        guard let first = bytes.first, bytes.count <= 64 else { return false }
        func letter(_ c: UInt8) -> Bool { (65...90).contains(c) || (97...122).contains(c) }
        guard letter(first) || first == UInt8(ascii: "_") else { return false }
        return bytes.allSatisfy { letter($0) || (48...57).contains($0) || $0 == 95 || $0 == 46 || $0 == 45 }
    }

    /// Preferences: known channels, topics of 1 to 64 characters, 0 to 1,000 messages a day, quiet hours as
    /// `HH:MM-HH:MM`.
    static func validate(_ preferences: UserPreferences, at path: String, into issues: inout FieldIssues) {
        for (name, topics) in [("topics", preferences.topics), ("unsubscribed_topics", preferences.unsubscribedTopics)]
        {
            issues.check(topics.count <= 200, path.field(name), "\(topics.count) topics; at most 200")
            for (i, topic) in topics.prefix(201).enumerated() where topic.isEmpty || topic.count > 64 {
                issues.add(path.field(name).index(i), "a topic has 1 to 64 characters")
            }
        }
        issues.check(
            (0...1000).contains(preferences.maxMessagesPerDay), path.field("max_messages_per_day"),
            "0 (no limit) to 1000")
        issues.check(preferences.language.count <= 35, path.field("language"), "a BCP 47 tag of at most 35 characters")
        if !preferences.quietHours.isEmpty, QuietHours(preferences.quietHours) == nil {
            issues.add(path.field("quiet_hours"), "expected HH:MM-HH:MM, e.g. 22:00-07:00")
        }
    }

    /// A consent update: a source (where the change came from), and something to change.
    static func validate(_ update: ConsentUpdate, at path: String, into issues: inout FieldIssues) {
        issues.check(!update.source.isEmpty, path.field("source"), "required: where the consent was given or withdrawn")
        issues.check(update.source.count <= 255, path.field("source"), "at most 255 characters")
        issues.check(
            !update.changes.isEmpty, path, "nothing to change: give channels, purposes, marketing or analytics")
        for (i, channel) in update.channels.enumerated() where channel.channel == nil {
            issues.add(
                path.field("channels").index(i).field("channel"),
                "required; expected \(NotificationChannel.expectedNames)")
        }
        for (i, purpose) in update.purposes.enumerated() where purpose.purpose == nil {
            issues.add(
                path.field("purposes").index(i).field("purpose"), "required; expected \(ConsentPurpose.expectedNames)")
        }
    }
}
