import Foundation
import HeraldCore

/// Before user-directory says it is ready: every key the stored personal data names is in the ring and opens it,
/// and the blind-index key makes the indexes that are stored. A wrong or missing key is a `ConfigError` (the process
/// exits 78 naming the setting), not a service that answers every read with an internal error or whose lookups by
/// email silently find nothing.
enum KeyCheck {
    static func verify(_ store: UserStore) async throws {
        let cipher = try store.cipher()
        let ring = store.ring
        for (table, id) in try await store.keyIDsInUse() {
            let setting = id == ring.currentID ? "ENCRYPTION_KEY" : "ENCRYPTION_PREVIOUS_KEYS"
            guard ring.keys[id] != nil else {
                throw KeyRing.problem(
                    "ENCRYPTION_PREVIOUS_KEYS",
                    "every key stored data is sealed with: users.\(table) holds values sealed with key \"\(id)\", which is "
                        + "neither ENCRYPTION_KEY (id \"\(ring.currentID)\", from ENCRYPTION_KEY_ID) nor among the previous keys"
                )
            }
            guard let sample = try await store.sample(table, keyID: id) else { continue }
            do {
                _ = try cipher.open(sample.email, .email)
                _ = try cipher.open(sample.phone, .phone)
                _ = try cipher.open(sample.displayName, .displayName)
                _ = try cipher.open(sample.token, .deviceToken)
            } catch {
                throw KeyRing.problem(
                    setting,
                    "the key stored data was sealed with under id \"\(id)\": this one does not open users.\(table) "
                        + "(a different key under the same id?)")
            }
            if let sealed = sample.email, let stored = sample.emailIndex,
                try cipher.index(try cipher.open(sealed, .email), .email) != stored
            {
                throw KeyRing.problem(
                    "ENCRYPTION_INDEX_KEY_ID",
                    "the id of the key the stored blind indexes were made with: lookups by email and phone would find "
                        + "nobody")
            }
        }
    }
}
