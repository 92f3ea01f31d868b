import Domain

/// SQL predicates over a user row `u` of `users.users` that mean the same wherever they are asked (user-directory's
/// ListUsers filters, the segmentation engine's conditions): one definition of "consented" and "reachable".
/// Each takes the placeholder of its parameter (`$3`), never a value.
public enum DirectorySQL {
    /// Users who granted consent to the purpose named by `parameter` ("marketing", …): consent for a purpose is
    /// opt-in, so only a granted row counts.
    public static func consented(toPurpose parameter: String) -> String {
        "EXISTS (SELECT 1 FROM users.consent c WHERE c.user_id = u.id AND c.subject = 'purpose:' || \(parameter) AND c.granted)"
    }

    /// Reachable on the channel named by `parameter`: an address for it, its consent not withdrawn, and it among
    /// the preferred channels when the user chose any.
    public static func reachable(on parameter: String, _ channel: NotificationChannel) -> String {
        let address =
            switch channel {
            case .email: "u.email_index IS NOT NULL"
            case .sms: "u.phone_index IS NOT NULL"
            case .push: "EXISTS (SELECT 1 FROM users.devices d WHERE d.user_id = u.id)"
            case .inApp: "true"
            }
        return """
            (\(address) AND NOT EXISTS (SELECT 1 FROM users.consent c WHERE c.user_id = u.id AND c.subject = 'channel:' || \(parameter) AND NOT c.granted)
             AND (jsonb_array_length(COALESCE(u.preferences -> 'channels', '[]')) = 0 OR u.preferences -> 'channels' ? \(parameter)))
            """
    }

    /// Users who exist: not deleted, not erased.
    public static let present = "u.deleted_at IS NULL AND u.erased_at IS NULL"
}
