import ArgumentParser
import Foundation
import HeraldCore

/// `heraldctl`: Herald's command-line tool.
@main
struct Heraldctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heraldctl",
        abstract: "Run, migrate and inspect the Herald platform.",
        subcommands: [
            Up.self, Down.self, Status.self, CampaignCommand.self, UsersCommand.self, Bench.self, Fuzz.self,
            FuzzHTTP.self, Migrate.self,
            ConfigCheck.self, Proto.self,
            Health.self, Call.self,
        ])
}

/// Options every subcommand that reads the configuration shares.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default: $HERALD_CONFIG, else Config/herald.yaml).")
    var config: String?

    /// Loads and validates the configuration, or exits non-zero with every problem on stderr.
    func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> HeraldConfig {
        do {
            let loaded = try HeraldConfig.load(path: config, environment: environment)
            HeraldLogging.bootstrap(service: "heraldctl", level: loaded.logLevel)
            return loaded
        } catch let error as ConfigError {
            printError(error.description)
            throw ExitCode(78)  // EX_CONFIG
        }
    }
}

func printError(_ text: String) {
    var standardError = StandardError()
    print(text, to: &standardError)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        var text = string
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = fwriteStderr(bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
