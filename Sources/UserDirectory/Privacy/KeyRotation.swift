import Foundation
import HeraldCore
import Logging
import ServiceKit
import Synchronization

/// Key rotation: after `ENCRYPTION_KEY` changes (the old key moved to `ENCRYPTION_PREVIOUS_KEYS`), values sealed
/// with a previous key are re-sealed with the current one in the background, a batch at a time, until none is left;
/// then a previous key can be dropped. Every process does its share (rows another holds are skipped).
enum KeyRotation {
    static func work(_ store: UserStore, batch: Int = 500, idle: Duration = .seconds(60)) -> BackgroundWork {
        Metrics.shared.describe(
            "herald_users_resealed_total", "Personal-data rows re-encrypted with the current key by key rotation.")
        let logger = Logger(label: "herald.user-directory.keys")
        // New values are always sealed with the current key: once a pass finds nothing left, nothing ever will be
        // in this process's life (the table is not scanned for it every minute).
        let finished = Atomic<Bool>(false)
        return BackgroundWork("key rotation", every: idle, logger: logger) {
            guard !finished.load(ordering: .relaxed) else { return false }
            let count = try await store.reseal(batch: batch)
            if count == 0 { finished.store(true, ordering: .relaxed) }
            if count > 0 {
                Metrics.shared.increment("herald_users_resealed_total", by: Double(count))
                logger.info(
                    "personal data re-encrypted with the current key",
                    metadata: ["rows": "\(count)", "key": "\(store.ring.currentID)"])
            }
            return count > 0
        }
    }
}
