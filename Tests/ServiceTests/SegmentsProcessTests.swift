import Foundation
import HeraldCore
import Postgres
import TestSupport
import Testing

/// The segmentation-engine process as users run it: called by a Python grpcio client generated from Protos/.
@Suite("segmentation-engine process")
struct SegmentsProcessTests {
    @Test("a Python grpcio client generated from Protos/ calls every method and meets the errors")
    func polyglot() async throws {
        let database = try await TestDatabase.migratedDatabaseWithUser()
        defer { Task { try? await TestDatabase.dropDatabase(database.name) } }
        let db = try await PostgresConnection.connect(TestDatabase.configuration(url: database.url))
        try await db.query(
            """
            INSERT INTO users.users (attributes) VALUES ('{"plan": "pro"}'), ('{"plan": "pro"}'), ('{"plan": "basic"}')
            """)
        let service = try await ServiceProcess.start("segmentation-engine", databaseURL: database.url)
        defer { service.stop() }
        try await runPolyglotClient("segments_client.py", port: service.port, user: database.user)
    }
}
