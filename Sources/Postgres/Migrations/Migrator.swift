import Foundation
import HeraldCore

/// Applies `Migrations/` in order, each file in its own transaction, and records name and checksum in
/// `public.herald_migrations`.
///
/// Safe when several processes migrate at once: a session advisory lock serialises them, and whoever comes
/// second finds nothing pending. Refuses to apply anything when a file already applied was edited or removed.
public struct Migrator: Sendable {
    /// One line of `heraldctl migrate --status`.
    public struct Status: Sendable, Equatable {
        public let version: Int
        public let fileName: String
        public let appliedAt: Date?
    }

    public let migrations: [Migration]
    /// Arbitrary constant naming Herald's migration lock among the database's advisory locks.
    static let lockKey = 0x4845_5241_4c44  // "HERALD"

    public init(migrations: [Migration]) { self.migrations = migrations }

    public init(directory: String) throws { try self.init(migrations: Migration.load(directory: directory)) }

    /// Applies what is pending and returns it (empty when up to date).
    public func migrate(_ connection: PostgresConnection) async throws -> [Migration] {
        try await withLock(connection) {
            let pending = try await verifiedPending(connection)
            for migration in pending {
                let started = ContinuousClock.now
                do {
                    try await connection.withTransaction { connection in
                        try await connection.execute(script: migration.sql)
                        let elapsed = ContinuousClock.now - started
                        try await connection.query(
                            "INSERT INTO public.herald_migrations (version, name, checksum, duration_ms) VALUES ($1, $2, $3, $4)",
                            [
                                migration.version, migration.name, migration.checksum,
                                Int(elapsed.milliseconds),
                            ])
                    }
                } catch let error as PostgresError {
                    throw MigrationError("\(migration.fileName) failed and was rolled back: \(error)")
                }
            }
            return pending
        }
    }

    /// Applied and pending migrations, in order.
    public func status(_ connection: PostgresConnection) async throws -> [Status] {
        try await withLock(connection) {
            let applied = try await appliedVersions(connection)
            return migrations.map {
                Status(version: $0.version, fileName: $0.fileName, appliedAt: applied[$0.version]?.appliedAt)
            }
        }
    }

    private func withLock<T: Sendable>(_ connection: PostgresConnection, _ body: () async throws -> T) async throws -> T
    {
        try await connection.query("SELECT pg_advisory_lock($1)", [Self.lockKey])
        do {
            try await connection.execute(
                script: """
                    CREATE TABLE IF NOT EXISTS public.herald_migrations (
                        version INTEGER PRIMARY KEY,
                        name TEXT NOT NULL,
                        checksum TEXT NOT NULL,
                        applied_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
                        duration_ms INTEGER NOT NULL DEFAULT 0
                    )
                    """)
            let value = try await body()
            try await connection.query("SELECT pg_advisory_unlock($1)", [Self.lockKey])
            return value
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock($1)", [Self.lockKey])
            throw error
        }
    }

    private func appliedVersions(_ connection: PostgresConnection) async throws
        -> [Int: (name: String, checksum: String, appliedAt: Date)]
    {
        var applied: [Int: (String, String, Date)] = [:]
        for row in try await connection.query(
            "SELECT version, name, checksum, applied_at FROM public.herald_migrations")
        {
            applied[try row.decode("version")] = (
                try row.decode("name"), try row.decode("checksum"), try row.decode("applied_at")
            )
        }
        return applied
    }

    /// The migrations not yet applied, after checking that every applied one is unchanged on disk.
    private func verifiedPending(_ connection: PostgresConnection) async throws -> [Migration] {
        let applied = try await appliedVersions(connection)
        let byVersion = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for (version, record) in applied.sorted(by: { $0.key < $1.key }) {
            guard let file = byVersion[version] else {
                throw MigrationError(
                    "migration \(String(format: "%04d", version))_\(record.name).sql was applied but is missing from the migrations directory"
                )
            }
            if file.checksum != record.checksum {
                throw MigrationError(
                    "\(file.fileName) was edited after it was applied (checksum \(file.checksum.prefix(12))…, applied as \(record.checksum.prefix(12))…); add a new migration instead"
                )
            }
        }
        return migrations.filter { applied[$0.version] == nil }
    }
}
