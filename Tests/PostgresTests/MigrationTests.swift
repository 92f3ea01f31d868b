import Foundation
import Postgres
import TestSupport
import Testing

@Suite("Migrations")
struct MigrationTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Migrations").path

    /// Runs `body` against a new empty database, dropped afterwards.
    func withFreshDatabase(_ body: (String) async throws -> Void) async throws {
        let (name, url) = try await TestDatabase.createDatabase()
        do {
            try await body(url)
        } catch {
            try await TestDatabase.dropDatabase(name)
            throw error
        }
        try await TestDatabase.dropDatabase(name)
    }

    @Test("applies every file, and a second run is a no-op")
    func applyTwice() async throws {
        try await withFreshDatabase { url in
            let migrator = try Migrator(directory: Self.directory)
            let connection = try await PostgresConnection.connect(TestDatabase.configuration(url: url))
            let first = try await migrator.migrate(connection)
            #expect(first.map(\.fileName) == migrator.migrations.map(\.fileName))
            #expect(try await migrator.migrate(connection).isEmpty)
            let status = try await migrator.status(connection)
            #expect(status.allSatisfy { $0.appliedAt != nil })

            // The spec's schema is there: every service schema, the users table, every index.
            let schemas = try await connection.query(
                "SELECT count(*)::int8 AS n FROM pg_namespace WHERE nspname = ANY($1)",
                [
                    [
                        "users", "campaigns", "workflows", "segments", "personalization", "experiments", "analytics",
                        "triggers", "delivery",
                    ]
                ])
            #expect(try schemas.first?.decode("n", as: Int.self) == 9)
            let indexes = try await connection.query(
                "SELECT count(*)::int8 AS n FROM pg_indexes WHERE indexname LIKE 'idx\\_%' AND schemaname <> 'pg_catalog' AND tablename NOT LIKE 'campaign\\_events\\_%'"
            )
            #expect(try indexes.first!.decode("n", as: Int.self) >= 18)
        }
    }

    @Test("campaign events land in monthly partitions, and the partition function is idempotent")
    func partitions() async throws {
        try await withFreshDatabase { url in
            let connection = try await PostgresConnection.connect(TestDatabase.configuration(url: url))
            _ = try await Migrator(directory: Self.directory).migrate(connection)
            #expect(
                try await connection.query("SELECT analytics.create_campaign_event_partitions(CURRENT_DATE, 4) AS n")
                    .first?.decode("n", as: Int.self) == 0)
            #expect(
                try await connection.query("SELECT analytics.create_campaign_event_partitions('2031-01-15', 2) AS n")
                    .first?.decode("n", as: Int.self) == 2)
            let user = try #require(
                try await connection.query("INSERT INTO users.users DEFAULT VALUES RETURNING id")
                    .first
            ).decode("id", as: UUID.self)
            let campaign = try #require(
                try await connection.query(
                    "INSERT INTO campaigns.campaigns (name, type, channels, target_segments, workflow, created_by) VALUES ('c', 'one_time', '{email}', '{}', '{}', $1) RETURNING id",
                    [user]
                ).first
            ).decode("id", as: UUID.self)
            for when in ["2031-02-03 10:00:00+00", "2040-01-01 00:00:00+00"] {
                try await connection.query(
                    "INSERT INTO analytics.campaign_events (campaign_id, user_id, event_type, timestamp, channel) VALUES ($1, $2, 'sent', $3, 'email')",
                    [campaign, user, when])
            }
            let placed = try await connection.query(
                "SELECT tableoid::regclass::text AS part FROM analytics.campaign_events ORDER BY timestamp"
            )
            .map { try $0.decode("part", as: String.self) }
            #expect(placed == ["analytics.campaign_events_2031_02", "analytics.campaign_events_default"])
        }
    }

    @Test("an edited applied migration is refused with a message naming the file")
    func editedFile() async throws {
        try await withFreshDatabase { url in
            let connection = try await PostgresConnection.connect(TestDatabase.configuration(url: url))
            let original = try Migration.load(directory: Self.directory)
            _ = try await Migrator(migrations: original).migrate(connection)

            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                TestDatabase.uniqueName("migrations"))
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            for migration in original {
                var sql = migration.sql
                if migration.version == 2 { sql += "\n-- an edit after the fact\n" }
                try sql.write(to: folder.appendingPathComponent(migration.fileName), atomically: true, encoding: .utf8)
            }
            try "CREATE TABLE public.never_created (x int);".write(
                to: folder.appendingPathComponent("0999_later.sql"), atomically: true, encoding: .utf8)
            let error = await #expect(throws: MigrationError.self) {
                try await Migrator(directory: folder.path).migrate(connection)
            }
            #expect(error?.description.contains("0002_users.sql was edited") == true)
            // Nothing pending was applied either.
            #expect(
                try await connection.query("SELECT to_regclass('public.never_created') IS NULL AS absent").first?
                    .decode("absent", as: Bool.self) == true)
        }
    }

    @Test("a failing file is rolled back and named; files before it stay applied")
    func failingFile() async throws {
        try await withFreshDatabase { url in
            let connection = try await PostgresConnection.connect(TestDatabase.configuration(url: url))
            let migrations = [
                Migration(
                    version: 1, name: "good", fileName: "0001_good.sql", sql: "CREATE TABLE good (x int);",
                    checksum: "a"),
                Migration(
                    version: 2, name: "bad", fileName: "0002_bad.sql",
                    sql: "CREATE TABLE half (x int); SELECT * FROM missing;", checksum: "b"),
            ]
            let error = await #expect(throws: MigrationError.self) {
                try await Migrator(migrations: migrations).migrate(connection)
            }
            #expect(error?.description.contains("0002_bad.sql failed") == true)
            let state = try #require(
                try await connection.query(
                    "SELECT to_regclass('public.good') IS NOT NULL AS good, to_regclass('public.half') IS NULL AS rolled_back"
                ).first)
            #expect(try state.decode("good", as: Bool.self))
            #expect(try state.decode("rolled_back", as: Bool.self))
        }
    }

    @Test("two migrators at once: one applies, the other finds nothing pending")
    func concurrent() async throws {
        try await withFreshDatabase { url in
            let migrator = try Migrator(directory: Self.directory)
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        let connection = try await PostgresConnection.connect(TestDatabase.configuration(url: url))
                        return try await migrator.migrate(connection).count
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(counts.sorted() == [0, migrator.migrations.count])
        }
    }

    @Test("a badly named file is refused")
    func badName() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(TestDatabase.uniqueName("badnames"))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "SELECT 1;".write(to: folder.appendingPathComponent("1_Oops.sql"), atomically: true, encoding: .utf8)
        let error = #expect(throws: MigrationError.self) { try Migration.load(directory: folder.path) }
        #expect(error?.description.contains("1_Oops.sql") == true)
    }
}
