import Domain
import Foundation
import RPC
import ServiceClients
import Testing
import TypedClients

/// What another service sees: CampaignManagerClient over ServiceClients against the real service.
@Suite("CampaignManager typed client")
struct TypedClientTests {
    @Test("domain values go in and come back equal; statuses arrive as RPCError")
    func roundTrip() async throws {
        try await Harness.with { h in
            let campaigns = CampaignManagerClient(
                ServiceClient(
                    target: "campaign-manager", ServiceClientConfiguration(endpoints: [("127.0.0.1", h.server.port)])))
            defer { campaigns.client.close() }
            let user = try #require(UUID(uuidString: h.user))
            var definition = Fixtures.definition
            definition.schedule?.startDate = Date(timeIntervalSince1970: 1_700_000_000.25)
            let created = try await campaigns.create(definition, by: user)
            #expect(created.definition == definition)
            #expect(created.status == .draft && created.version == 1 && created.createdBy == user)
            #expect(try await campaigns.get(created.id) == created)

            var changed = definition
            changed.name = "Changed by another service"
            let updated = try await campaigns.update(created.id, to: changed, expectedVersion: 1, by: user)
            #expect(updated.version == 2 && updated.definition.name == "Changed by another service")
            await #expect(throws: RPCError.self) {
                try await campaigns.update(created.id, to: definition, expectedVersion: 1, by: user)
            }

            let execution = try await campaigns.execute(created.id, by: user)
            #expect(execution.status == .pending && execution.campaignID == created.id)
            let status = try await campaigns.status(created.id)
            #expect(status.status == .active && status.currentExecution?.id == execution.id)
            #expect(try await campaigns.pause(created.id, by: user).status == .paused)
            #expect(try await campaigns.terminate(created.id, by: user, reason: "test").status == .completed)
            do {
                _ = try await campaigns.resume(created.id, by: user)
                Issue.record("resumed a completed campaign")
            } catch let error as RPCError {
                #expect(error.code == .failedPrecondition)
                #expect(error.message == "cannot resume a campaign that is completed (resume needs paused)")
            }
        }
    }
}
