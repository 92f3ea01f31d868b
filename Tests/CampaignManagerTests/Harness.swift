import Codec
import RPC
import TestSupport
import Testing

@testable import CampaignManager

/// campaign-manager in a `ServiceHarness`, with a campaign definition to create from.
@dynamicMemberLookup
struct Harness: Sendable, ServiceHarnessWrapper {
    let base: ServiceHarness
    let service: CampaignService

    /// Runs `body` with a fresh campaign-manager and tears it down afterwards, whatever happens.
    static func with(_ body: (Harness) async throws -> Void) async throws {
        let box = ServiceBox<CampaignService>()
        try await ServiceHarness.with(service: CampaignService.name) { pool in
            let service = try CampaignService(pool: pool)
            box.service = service
            return (service.register, service.shutdown)
        } body: { base in
            try await body(Harness(base: base, service: box.service!))
        }
    }

    subscript<T>(dynamicMember path: KeyPath<ServiceHarness, T>) -> T { base[keyPath: path] }

    /// A campaign definition as JSON, from the fixture with `changes` applied to its top-level members.
    func definition(_ changes: [String: String] = [:]) -> String {
        var members = Self.fixtureMembers
        for (key, value) in changes {
            if let i = members.firstIndex(where: { $0.0 == key }) {
                members[i].1 = value
            } else {
                members.append((key, value))
            }
        }
        return "{" + members.filter { !$0.1.isEmpty }.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    func create(_ changes: [String: String] = [:]) async throws -> SchemaJSON {
        try await call("CreateCampaign", "{\"createdBy\": \"\(base.user)\", \"campaign\": \(definition(changes))}")[
            "campaign"]
    }

    static let fixtureMembers: [(String, String)] = [
        ("name", "\"Welcome series\""),
        ("type", "\"CAMPAIGN_TYPE_ONE_TIME\""),
        ("channels", "[\"NOTIFICATION_CHANNEL_EMAIL\"]"),
        ("targetSegments", "[\"3f0e7a2c-1111-4222-8333-944455556666\"]"),
        (
            "workflow",
            """
            {"nodes": [{"id": "start", "type": "NODE_TYPE_START"},
              {"id": "mail", "type": "NODE_TYPE_MESSAGE", "config": {"message": {"channel": "NOTIFICATION_CHANNEL_EMAIL",
                "content": {"subject": "Hi {{first_name}}", "body": "Welcome!"}}}},
              {"id": "end", "type": "NODE_TYPE_END"}],
             "edges": [{"source": "start", "target": "mail"}, {"source": "mail", "target": "end"}]}
            """
        ),
        ("goals", "[{\"metric\": \"open_rate\", \"target\": 0.5}, {\"metric\": \"bounce_rate\", \"target\": 0.02}]"),
        ("tags", "[\"onboarding\"]"),
    ]
}
