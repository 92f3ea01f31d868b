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
            switch email(user.email) {
            case .success(let email): normalized.email = email
            case .failure(let problem): issues.add(path.field("email"), problem.message)
            }
        }
        if !user.phone.isEmpty {
            switch phone(user.phone) {
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

    struct Problem: Error {
        let message: String
    }

    /// The stored form of an email address: lower case, its domain in IDNA (RFC 5891), checked against RFC 5321's
    /// lengths.
    static func email(_ text: String) -> Result<String, Problem> {
        if let address = asciiEmail(text) { return .success(address) }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let at = trimmed.lastIndex(of: "@") else {
            return .failure(Problem(message: "expected an address like ada@example.com"))
        }
        let local = String(trimmed[..<at]).precomposedStringWithCanonicalMapping.lowercased()
        let domain = String(trimmed[trimmed.index(after: at)...]).precomposedStringWithCanonicalMapping
        guard !local.isEmpty, local.utf8.count <= 64 else {
            return .failure(Problem(message: "the part before @ has 1 to 64 bytes"))
        }
        guard !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else {
            return .failure(Problem(message: "the part before @ has a misplaced dot"))
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~.-")
        guard local.allSatisfy({ allowed.contains($0) || !$0.isASCII }) else {
            return .failure(Problem(message: "the part before @ has a character an address cannot hold"))
        }
        guard let ascii = Punycode.asciiDomain(domain) else {
            return .failure(Problem(message: "the domain cannot be written in IDNA"))
        }
        let labels = ascii.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, ascii.count <= 253,
            labels.allSatisfy({ label in
                (1...63).contains(label.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                    && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            })
        else {
            return .failure(
                Problem(
                    message:
                        "\"\(domain.prefix(64))\" is not a domain (labels of letters, digits and hyphens, and a top-level one)"
                ))
        }
        let address = local + "@" + ascii
        guard address.utf8.count <= 254 else { return .failure(Problem(message: "longer than 254 bytes")) }
        return .success(address)
    }

    /// The common case without Unicode or IDNA work: an address of ASCII letters, digits and the usual punctuation,
    /// lower-cased; nil when the full rules (`email`) have to decide.
    static func asciiEmail(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { b -> String? in
            guard (3...254).contains(b.count) else { return nil }
            var at = -1
            for (i, c) in b.enumerated() {
                switch c {
                case 64:  // @
                    guard at < 0 else { return nil }
                    at = i
                case 97...122, 48...57, 45, 95, 43: break  // a-z 0-9 - _ +
                case 65...90: break  // A-Z: lowered below
                case 46:  // a dot: not first, last, doubled, or beside the @
                    guard i > 0, i < b.count - 1, b[i - 1] != 46, b[i - 1] != 64, b[i + 1] != 64 else { return nil }
                default: return nil
                }
            }
            guard at > 0, at <= 64, at < b.count - 1 else { return nil }
            // The domain: labels of 1-63 letters, digits and inner hyphens, at least two, the last not all digits.
            var labelStart = at + 1
            var labels = 0
            var lastAllDigits = true
            for i in (at + 1)...b.count {
                guard i == b.count || b[i] == 46 else { continue }
                let length = i - labelStart
                guard (1...63).contains(length), b[labelStart] != 45, b[i - 1] != 45 else { return nil }
                lastAllDigits = (labelStart..<i).allSatisfy { (48...57).contains(b[$0]) }
                for j in labelStart..<i where b[j] == 95 || b[j] == 43 { return nil }
                labels += 1
                labelStart = i + 1
            }
            guard labels >= 2, !lastAllDigits else { return nil }
            return String(unsafeUninitializedCapacity: b.count) { out in
                for (i, c) in b.enumerated() { out[i] = (65...90).contains(c) ? c + 32 : c }
                return b.count
            }
        }
    }

    /// The E.164 form of a phone number: `+`, a country code, at most 15 digits in all. Spaces, dots, dashes and
    /// brackets are dropped; a leading `00` is `+`.
    static func phone(_ text: String) -> Result<String, Problem> {
        // Already E.164 (the common case of an import): checked byte by byte.
        if text.utf8.first == UInt8(ascii: "+"), (9...16).contains(text.utf8.count),
            text.utf8.dropFirst().allSatisfy({ (48...57).contains($0) }), text.utf8.dropFirst().first != 48
        {
            return .success(text)
        }
        var digits = text.filter { !" .-()/".contains($0) }
        if digits.hasPrefix("00") { digits = "+" + digits.dropFirst(2) }
        guard digits.hasPrefix("+") else {
            return .failure(Problem(message: "expected E.164: + and the country code, e.g. +33612345678"))
        }
        let number = digits.dropFirst()
        guard (8...15).contains(number.count), number.allSatisfy({ $0.isASCII && $0.isNumber }), number.first != "0"
        else {
            return .failure(Problem(message: "expected E.164: + then 8 to 15 digits, the first not 0"))
        }
        return .success("+" + number)
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

/// Quiet hours in a user's day: from `start` to `end` minutes after midnight, wrapping past midnight when `end` is
/// earlier.
struct QuietHours: Equatable {
    let start: Int
    let end: Int

    init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let start = Self.minutes(parts[0]), let end = Self.minutes(parts[1]), start != end
        else { return nil }
        self.start = start
        self.end = end
    }

    static func minutes(_ text: Substring) -> Int? {
        let hm = text.split(separator: ":")
        guard hm.count == 2, hm[0].count == 2, hm[1].count == 2, let h = Int(hm[0]), let m = Int(hm[1]),
            (0...23).contains(h), (0...59).contains(m)
        else { return nil }
        return h * 60 + m
    }
}
