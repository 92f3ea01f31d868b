import Crypto
import Foundation
import HeraldCore

/// The keys personal data is sealed with: the current one (new values), the previous ones (values not yet
/// re-encrypted), and the key the blind indexes are computed with (it must stay put: an index made with another
/// key finds nothing). From `ENCRYPTION_KEY` (32 bytes, base64 or hex), `ENCRYPTION_KEY_ID` (default `k1`),
/// `ENCRYPTION_PREVIOUS_KEYS` (`id:key,id:key`) and `ENCRYPTION_INDEX_KEY_ID` (default: the current key's id).
public struct KeyRing: Sendable {
    public let currentID: String
    public let keys: [String: [UInt8]]
    /// HMAC-SHA256 key of the blind indexes, derived from the index key.
    let indexKey: [UInt8]

    /// A problem with the keys given: the process refuses to start (a `ConfigError`, status 78), naming the setting
    /// and never the key.
    static func problem(_ variable: String, _ expected: String) -> ConfigError {
        let key =
            switch variable {
            case "ENCRYPTION_KEY": "security.encryptionKey"
            default: variable
            }
        return ConfigError(problems: [.init(key: key, origin: variable, expected: expected)])
    }

    public init(current: (id: String, key: [UInt8]), previous: [String: [UInt8]] = [:], indexKeyID: String? = nil)
        throws
    {
        guard current.key.count == AESGCM.keyBytes else {
            throw Self.problem("ENCRYPTION_KEY", "32 bytes (AES-256), as base64 or hex; got \(current.key.count) bytes")
        }
        guard Self.isValidID(current.id) else {
            throw Self.problem("ENCRYPTION_KEY_ID", "1 to 32 of [A-Za-z0-9_-], got \"\(current.id.prefix(64))\"")
        }
        var keys = previous
        keys[current.id] = current.key
        for (id, key) in previous where key.count != AESGCM.keyBytes || !Self.isValidID(id) {
            throw Self.problem(
                "ENCRYPTION_PREVIOUS_KEYS", "32-byte keys with ids of [A-Za-z0-9_-]; key \"\(id.prefix(64))\" is not")
        }
        let indexID = indexKeyID ?? current.id
        guard let indexSource = keys[indexID] else {
            throw Self.problem(
                "ENCRYPTION_INDEX_KEY_ID",
                "the id of ENCRYPTION_KEY or of one of ENCRYPTION_PREVIOUS_KEYS; there is no key \"\(indexID.prefix(64))\""
            )
        }
        currentID = current.id
        self.keys = keys
        indexKey = try HMACSHA256.authenticate(Array("herald blind index v1".utf8), key: indexSource)
    }

    /// The ring the environment (or the configuration) describes; missing or malformed keys throw.
    public static func from(encryptionKey: String?, environment: [String: String]) throws -> KeyRing {
        guard let text = encryptionKey, !text.isEmpty else {
            throw Self.problem(
                "ENCRYPTION_KEY",
                "a 32-byte key, base64 or hex (e.g. openssl rand -base64 32): user-directory keeps personal data encrypted"
            )
        }
        guard let key = decode(text) else {
            throw Self.problem("ENCRYPTION_KEY", "a 32-byte key in base64 or hex (64 hex digits)")
        }
        var previous: [String: [UInt8]] = [:]
        for entry in (environment["ENCRYPTION_PREVIOUS_KEYS"] ?? "").split(separator: ",") {
            let parts = entry.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let old = decode(parts[1]) else {
                throw Self.problem("ENCRYPTION_PREVIOUS_KEYS", "id:key pairs separated by commas, each key 32 bytes")
            }
            previous[parts[0]] = old
        }
        return try KeyRing(
            current: (environment["ENCRYPTION_KEY_ID"] ?? "k1", key), previous: previous,
            indexKeyID: environment["ENCRYPTION_INDEX_KEY_ID"])
    }

    /// 32 bytes from base64 or hex text.
    static func decode(_ text: String) -> [UInt8]? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 64, trimmed.allSatisfy(\.isHexDigit) {
            var bytes: [UInt8] = []
            var index = trimmed.startIndex
            while index < trimmed.endIndex {
                let next = trimmed.index(index, offsetBy: 2)
                bytes.append(UInt8(trimmed[index..<next], radix: 16)!)
                index = next
            }
            return bytes
        }
        guard let data = Data(base64Encoded: trimmed), data.count == AESGCM.keyBytes else { return nil }
        return [UInt8](data)
    }

    static func isValidID(_ id: String) -> Bool {
        (1...32).contains(id.count)
            && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }
}
