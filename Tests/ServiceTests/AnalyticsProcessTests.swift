import Domain
import Foundation
import HeraldCore
import Postgres
import RPC
import ServiceClients
import TestSupport
import Testing
import TypedClients

/// The campaign-analytics process as users run it: called by a Python grpcio client generated from Protos/, and
/// killed with kill -9 in the middle of ingestion.
@Suite("campaign-analytics process")
struct AnalyticsProcessTests {
    @Test("a Python grpcio client generated from Protos/ calls every method, the stream and error cases included")
    func polyglot() async throws {
        let database = try await TestDatabase.migratedDatabaseWithUser()
        defer { Task { try? await TestDatabase.dropDatabase(database.name) } }
        let campaign = try await TestDatabase.campaign(in: database.url, createdBy: database.user)
        let pool = TestDatabase.pool(url: database.url)
        defer { pool.close() }
        try await pool.query(
            """
            UPDATE campaigns.campaigns SET budget = '{"total": 100, "currency": "EUR", "costPerMessage": {"email": 0.001}}'
            WHERE id = $1::uuid
            """, [campaign])
        let service = try await ServiceProcess.start("campaign-analytics", databaseURL: database.url)
        defer { service.stop() }
        try await runPolyglotClient("analytics_client.py", port: service.port, user: database.user, campaign: campaign)
    }

    @Test(
        "kill -9 in the middle of ingestion: every acknowledged event is stored, and retrying the rest stores each once"
    )
    func killDuringIngestion() async throws {
        let database = try await TestDatabase.migratedDatabaseWithUser()
        defer { Task { try? await TestDatabase.dropDatabase(database.name) } }
        let campaign = try #require(
            UUID(canonical: try await TestDatabase.campaign(in: database.url, createdBy: database.user)))
        let pool = TestDatabase.pool(url: database.url)
        defer { pool.close() }
        let batches = (0..<300).map { b in
            (0..<200).map { i in
                CampaignEvent(
                    id: UUID(), campaignID: campaign, userID: UUID(), eventType: .sent, channel: .email,
                    nodeID: "n\(b)-\(i)")
            }
        }
        func client(_ port: Int) -> CampaignAnalyticsClient {
            CampaignAnalyticsClient(
                ServiceClient(
                    target: "campaign-analytics", ServiceClientConfiguration(endpoints: [("127.0.0.1", port)])))
        }
        let first = try await ServiceProcess.start("campaign-analytics", databaseURL: database.url)
        let analytics = client(first.port)
        let acknowledged = Acknowledged()
        let sender = Task {
            await withTaskGroup(of: Void.self) { group in
                for lane in 0..<4 {
                    group.addTask {
                        for b in stride(from: lane, to: batches.count, by: 4) {
                            if (try? await analytics.track(batches[b])) != nil { await acknowledged.add(b) }
                        }
                    }
                }
            }
        }
        while await acknowledged.batches.count < 40 { try await Task.sleep(for: .milliseconds(20)) }
        kill(first.pid, SIGKILL)
        await sender.value
        analytics.client.close()
        first.stop()
        let done = await acknowledged.batches
        #expect(done.count < batches.count, "the kill came after every call")
        // Every acknowledged event is there.
        let ids = done.flatMap { batches[$0].map(\.id) }
        let stored = try await pool.query(
            "SELECT count(*)::int8 AS n FROM analytics.campaign_events WHERE id = ANY($1::uuid[])", [ids])
        #expect(try stored[0].decode("n", as: Int.self) == ids.count)
        // A client retrying everything not acknowledged after the restart: each event stored once, counted once.
        let second = try await ServiceProcess.start("campaign-analytics", databaseURL: database.url)
        defer { second.stop() }
        let again = client(second.port)
        defer { again.client.close() }
        for b in batches.indices where !done.contains(b) { _ = try await again.track(batches[b]) }
        let total = batches.count * 200
        #expect(
            try await pool.query("SELECT count(*)::int8 AS n FROM analytics.campaign_events")[0].decode(
                "n", as: Int.self) == total)
        #expect(try await again.metrics(of: campaign).sent == Int64(total))
    }
}

/// The batches whose calls were answered OK.
private actor Acknowledged {
    var batches: Set<Int> = []
    func add(_ batch: Int) { batches.insert(batch) }
}
