import Crypto
import Foundation

/// Seals personal data for storage and computes blind indexes, with a `KeyRing`. A sealed value is
/// `1 ‖ length of the key id ‖ key id ‖ AES-256-GCM(nonce ‖ ciphertext ‖ tag)`, authenticated with its field as
/// associated data: a value copied into another column does not open. (Not with its row: an import seals values
/// before the merge tells which existing row they update.)
///
/// - Important: not thread-safe (OpenSSL contexts): one per task or batch.
final class PIICipher {
    let ring: KeyRing
    private var ciphers: [String: AESGCM] = [:]
    private let index: HMACSHA256

    /// The personal fields, as named in sealed values and indexes.
    enum Field: String {
        case email, phone
        case displayName = "display_name"
        case deviceToken = "device_token"
    }

    init(_ ring: KeyRing) throws {
        self.ring = ring
        index = try HMACSHA256(key: ring.indexKey)
    }

    private func cipher(_ id: String) throws -> AESGCM {
        if let cipher = ciphers[id] { return cipher }
        guard let key = ring.keys[id] else {
            throw SealedValueError(
                field: nil, "sealed with key \"\(id)\", which the key ring lacks (ENCRYPTION_PREVIOUS_KEYS?)")
        }
        let cipher = try AESGCM(key: key)
        ciphers[id] = cipher
        return cipher
    }

    private static func associated(_ field: Field) -> [UInt8] { Array(field.rawValue.utf8) }

    /// `text` sealed with the current key; nil for empty text (nothing to keep).
    func seal(_ text: String, _ field: Field) throws -> [UInt8]? {
        guard !text.isEmpty else { return nil }
        let id = Array(ring.currentID.utf8)
        return [1, UInt8(id.count)] + id
            + (try cipher(ring.currentID).seal(Array(text.utf8), associated: Self.associated(field)))
    }

    /// The key id a sealed value names.
    static func keyID(of sealed: [UInt8]) -> String? {
        guard sealed.count > 2, sealed[0] == 1, sealed.count > 2 + Int(sealed[1]) else { return nil }
        return String(decoding: sealed[2..<(2 + Int(sealed[1]))], as: UTF8.self)
    }

    /// The text of a sealed value ("" for nil). A value this ring cannot open (an unknown key, altered bytes, another
    /// column's value) throws.
    func open(_ sealed: [UInt8]?, _ field: Field) throws -> String {
        guard let sealed, !sealed.isEmpty else { return "" }
        guard let id = Self.keyID(of: sealed) else {
            throw SealedValueError(field: field, "not a sealed value")
        }
        let start = 2 + Int(sealed[1])
        do {
            let plain = try cipher(id).open(Array(sealed[start...]), associated: Self.associated(field))
            return String(decoding: plain, as: UTF8.self)
        } catch let error as SealedValueError {
            throw SealedValueError(field: field, error.problem)
        } catch {
            throw SealedValueError(
                field: field, "does not open with key \"\(id)\" (a wrong key, or altered data): \(error)")
        }
    }

    /// The blind index of a normalized value: equal values give equal indexes, and nothing else can be learned
    /// without the index key.
    func index(_ normalized: String, _ field: Field) throws -> [UInt8]? {
        guard !normalized.isEmpty else { return nil }
        return try index.authenticate(Array("\(field.rawValue):\(normalized)".utf8))
    }
}

/// A stored value this process cannot open: the wrong key, a key missing from the ring, altered bytes. The
/// readiness check (`KeyCheck`) refuses to serve with such keys; past it, this is an internal error, logged.
struct SealedValueError: Error, CustomStringConvertible {
    let field: PIICipher.Field?
    let problem: String

    init(field: PIICipher.Field?, _ problem: String) {
        self.field = field
        self.problem = problem
    }

    var description: String { (field.map { "\($0.rawValue): " } ?? "") + problem }
}
