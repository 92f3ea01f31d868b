import Domain
import Foundation

/// Whether a message may go to its user now, by what user-directory knows of them. A refusal is kept with its
/// reason (SUPPRESSED); quiet hours defer a message to the end of the user's quiet window, they never drop it.
///
/// Transactional messages (a receipt, a password reset) are what the user asked for: they need no purpose consent,
/// ignore channel opt-outs, preferred channels and quiet hours; the suppression list still applies to them.
enum SendPolicy {
    enum Decision: Equatable {
        case send
        case suppress(String)
        case postpone(until: Date, String)
    }

    static func decide(
        channel: NotificationChannel, purpose: ConsentPurpose, contact: UserContact, now: Date
    ) -> Decision {
        guard purpose != .transactional else { return .send }
        guard contact.consent.granted(purpose) else {
            return .suppress("no \(purpose.rawValue) consent")
        }
        guard contact.consent.allows(channel) else {
            return .suppress("the user opted out of \(channel.rawValue)")
        }
        let preferred = contact.preferences.preferredChannels
        guard preferred.isEmpty || preferred.contains(channel) else {
            return .suppress("\(channel.rawValue) is not among the user's preferred channels")
        }
        if let quiet = QuietHours(contact.preferences.quietHours) {
            let zone = TimeZone(identifier: contact.timezone) ?? TimeZone(identifier: "UTC")!
            let sendable = quiet.sendable(at: now, in: zone)
            if sendable > now {
                return .postpone(
                    until: sendable, "quiet hours \(contact.preferences.quietHours) in \(contact.timezone)")
            }
        }
        return .send
    }
}
