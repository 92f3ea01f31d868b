import Foundation
import HeraldCore
import TestSupport
import Testing

/// The ab-testing-engine process as users run it: called by a Python grpcio client generated from Protos/.
@Suite("ab-testing-engine process")
struct ExperimentsProcessTests {
    @Test(
        "a Python grpcio client generated from Protos/ calls every method, predicts assignments from the hash, and meets the errors"
    )
    func polyglot() async throws {
        let database = try await TestDatabase.migratedDatabaseWithUser()
        defer { Task { try? await TestDatabase.dropDatabase(database.name) } }
        let campaign = try await TestDatabase.campaign(in: database.url, createdBy: database.user)
        let service = try await ServiceProcess.start(
            "ab-testing-engine", databaseURL: database.url, environment: ["AB_TESTING_MIN_SAMPLE_SIZE": "100"])
        defer { service.stop() }
        try await runPolyglotClient(
            "experiments_client.py", port: service.port, user: database.user, campaign: campaign)
    }
}
