// user-directory: herald.users.v1.UserDirectory on its port (8071 by default), see ServiceHost. Personal data is
// sealed with ENCRYPTION_KEY (see KeyRing); a missing or wrong key stops the process with status 78.
import Foundation
import HeraldCore
import RPC
import ServiceRuntime
import UserDirectory

ServiceHost.run("user-directory") { context in
    let ring = try KeyRing.from(
        encryptionKey: context.config.security.encryptionKey, environment: ProcessInfo.processInfo.environment)
    var services = ServiceRegistry()
    let users = UserDirectoryService(pool: context.pool, ring: ring, config: context.config.users)
    users.register(in: &services)
    return .init(services, shutdown: { users.shutdown() }, whenReady: { try await users.whenReady() })
}
