import Foundation
import RPC

extension ServerContext {
    /// Who a call acts for, as audit rows record it: the `x-herald-actor` metadata a calling service passes on for
    /// its own caller (a user id, an operator's name), else the identity of the TLS client certificate, else the
    /// peer's address. At most 255 characters.
    public var actor: String {
        if let actor = metadata("x-herald-actor")?.trimmingCharacters(in: .whitespaces), !actor.isEmpty {
            return String(actor.prefix(255))
        }
        if let identity = peerIdentity { return String(identity.prefix(255)) }
        return "peer " + peer
    }
}
