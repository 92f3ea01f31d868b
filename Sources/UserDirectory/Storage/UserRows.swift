import Codec
import Domain
import Foundation
import Postgres
import ServiceKit

/// How the directory's rows become domain values: the columns its queries select, personal data opened on the
/// way, preferences from their JSON.
enum UserRows {
    static let columns = """
        u.id, u.external_id, u.email_enc, u.phone_enc, u.display_name_enc, u.locale, u.timezone, u.attributes, u.created_at,
        u.updated_at, u.version, u.preferences
        """

    /// A profile from `columns`, with its devices.
    static func profile(_ row: PostgresRow, devices: [Device], cipher: PIICipher) throws -> UserProfile {
        UserProfile(
            id: try row.decode("id"), externalID: try row.decode("external_id", as: String?.self) ?? "",
            email: try cipher.open(try bytes(row, "email_enc"), .email),
            phone: try cipher.open(try bytes(row, "phone_enc"), .phone),
            displayName: try cipher.open(try bytes(row, "display_name_enc"), .displayName),
            locale: try row.decode("locale", as: String?.self) ?? "",
            timezone: try row.decode("timezone", as: String?.self) ?? "",
            attributes: try row.json("attributes", as: JSONValue.self), deviceTokens: devices.map(\.token),
            createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"),
            version: try row.decode("version"),
            devices: devices)
    }

    static func bytes(_ row: PostgresRow, _ column: String) throws -> [UInt8]? {
        try row.decode(column, as: Data?.self).map { [UInt8]($0) }
    }

    /// The devices of the rows of `result` (columns user_id, token_enc, platform, app_id, registered_at), by user.
    static func devices(_ result: PostgresResult, cipher: PIICipher) throws -> [UUID: [Device]] {
        var devices: [UUID: [Device]] = [:]
        for row in result {
            let user: UUID = try row.decode("user_id")
            devices[user, default: []].append(
                Device(
                    token: try cipher.open(try bytes(row, "token_enc"), .deviceToken),
                    platform: DevicePlatform(rawValue: try row.decode("platform")), appID: try row.decode("app_id"),
                    registeredAt: try row.decode("registered_at")))
        }
        return devices
    }

    static let deviceColumns = "d.user_id, d.token_enc, d.platform, d.app_id, d.registered_at"

    // MARK: Preferences as JSON

    static func preferences(_ json: JSONValue?) -> UserPreferences {
        guard let json else { return UserPreferences() }
        func strings(_ key: String) -> [String] { json[key].items.compactMap(\.string) }
        return UserPreferences(
            preferredChannels: strings("channels").compactMap(NotificationChannel.init(rawValue:)),
            language: json["language"].string ?? "",
            topics: strings("topics"), maxMessagesPerDay: Int32(json["max_messages_per_day"].number ?? 0),
            quietHours: json["quiet_hours"].string ?? "", unsubscribedTopics: strings("unsubscribed_topics"))
    }

    static func json(_ p: UserPreferences) -> JSONValue {
        .object([
            ("channels", .array(p.preferredChannels.map { .string($0.rawValue) })), ("language", .string(p.language)),
            ("topics", .array(p.topics.map { .string($0) })),
            ("unsubscribed_topics", .array(p.unsubscribedTopics.map { .string($0) })),
            ("max_messages_per_day", .number(String(p.maxMessagesPerDay))), ("quiet_hours", .string(p.quietHours)),
        ])
    }
}
