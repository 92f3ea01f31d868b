import ArgumentParser
import HeraldCore

/// `heraldctl config`: validates the configuration and prints the effective values.
struct ConfigCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Validate the configuration (file plus environment) and print the services.")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let config = try options.load()
        print("log level: \(config.logLevel)")
        print("database:  \(redact(config.database.url)) (pool \(config.database.poolMaxConnections))")
        for service in config.services.values.sorted(by: { $0.port < $1.port }) {
            print("\(service.name.padding(24)) port \(service.port)  admin \(service.adminPort)")
        }
    }
}

/// Hides a password in a libpq URL (`postgresql://user:secret@host` → `postgresql://user:***@host`).
func redact(_ url: String) -> String {
    guard let at = url.firstIndex(of: "@"), let scheme = url.range(of: "://"), scheme.upperBound < at else {
        return url
    }
    let userInfo = url[scheme.upperBound..<at]
    guard let colon = userInfo.firstIndex(of: ":") else { return url }
    return String(url[..<url.index(after: colon)]) + "***" + String(url[at...])
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
