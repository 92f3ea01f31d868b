import ArgumentParser
import EventLoop
import Foundation
import HeraldCore
import Postgres

/// `heraldctl migrate`: applies pending migrations, or lists them with `--status`.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending SQL migrations in order, each in its own transaction.",
        discussion: """
            Refuses to run when a migration that was already applied has been edited or removed. \
            Safe to run from several processes at once (an advisory lock serialises them).
            """)

    @OptionGroup var options: ConfigOptions

    @Flag(name: .long, help: "List applied and pending migrations instead of applying them.")
    var status = false

    @Option(name: .long, help: "Directory of NNNN_name.sql files.")
    var directory = "Migrations"

    @Option(name: .long, help: "Database URL (default: database.url of the configuration, or $HERALD_DATABASE_URL).")
    var databaseURL: String?

    func run() async throws {
        let config = try options.load()
        let migrator: Migrator
        do {
            migrator = try Migrator(directory: directory)
        } catch {
            printError("heraldctl migrate: \(error)")
            throw ExitCode.failure
        }
        let url = databaseURL ?? config.database.url
        do {
            let connection = try await PostgresConnection.connect(
                .init(
                    conninfo: url, connectTimeout: config.database.connectTimeout, applicationName: "heraldctl migrate")
            )
            if status {
                for line in try await migrator.status(connection) {
                    let when = line.appliedAt.map { "applied \($0.formatted(.iso8601))" } ?? "pending"
                    print("\(line.fileName.padding(44)) \(when)")
                }
                return
            }
            let applied = try await migrator.migrate(connection)
            if applied.isEmpty {
                print("migrations: up to date (\(migrator.migrations.count) applied)")
            } else {
                for migration in applied { print("applied \(migration.fileName)") }
                print("migrations: \(applied.count) applied, \(migrator.migrations.count) in all")
            }
        } catch {
            printError("heraldctl migrate: \(error)")
            throw ExitCode.failure
        }
    }
}
