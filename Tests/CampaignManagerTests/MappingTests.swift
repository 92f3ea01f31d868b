import API
import Codec
import Domain
import Foundation
import Postgres
import Testing

@Suite("Campaign wire and storage mapping")
struct MappingTests {
    static let definitionType = HeraldAPI.registry.message("herald.campaigns.v1.CampaignDefinition")!

    static var definition: CampaignDefinition {
        var d = Fixtures.definition
        d.schedule?.startDate = Date(timeIntervalSince1970: 1_893_456_000.123456)
        d.workflow.nodes[0].position = Position(x: 10, y: 20.5)
        d.workflow.nodes[0].data = ["label": .string("Entry"), "colors": .array([.string("red"), .null, .bool(true)])]
        d.workflow.variables = [WorkflowVariable(name: "limit", type: "number", defaultValue: .number("3"))]
        d.workflow.settings = WorkflowSettings(
            maxExecutionTime: TimeSpan(seconds: 3600), retryAttempts: 3,
            retryDelay: TimeSpan(seconds: 5, nanos: 500_000_000))
        return d
    }

    @Test("a definition survives the wire: domain -> protobuf -> domain")
    func wireRoundTrip() throws {
        let original = Self.definition
        let bytes = try Self.definitionType.encode { original.write(to: $0) }
        var issues = FieldIssues()
        let decoded = try Self.definitionType.decode(bytes) { CampaignDefinition(wire: $0, at: "campaign", &issues) }
        #expect(issues.isEmpty)
        #expect(decoded == original)
    }

    @Test("a definition survives storage: domain -> JSONB text -> domain, dates to the microsecond")
    func storageRoundTrip() throws {
        let original = Self.definition
        let json = try PostgresJSON(encoding: original)
        #expect(json.text.contains("\"startDate\":\"2030-01-01 00:00:00.123456+00\""))
        #expect(try json.decode(CampaignDefinition.self) == original)
    }

    @Test("enum values this build does not know are reported at their paths")
    func enumIssues() throws {
        let bytes = try Self.definitionType.encode { b in
            b.set(1, "x")
            b.set(4, repeated: [Int32(1), 9])
            b.message(6) { w in w.messages(2, count: 1) { _, node in node.set(1, "n") } }
        }
        var issues = FieldIssues()
        _ = try Self.definitionType.decode(bytes) { CampaignDefinition(wire: $0, at: "campaign", &issues) }
        #expect(
            issues.issues.map(\.description) == [
                "campaign.channels[1]: unknown value 9; expected NOTIFICATION_CHANNEL_EMAIL, NOTIFICATION_CHANNEL_SMS, NOTIFICATION_CHANNEL_PUSH or NOTIFICATION_CHANNEL_IN_APP"
            ])
    }

    @Test("page tokens round-trip exactly and reject anything else")
    func pageTokens() {
        let cursor = PageCursor(createdAt: Date(timeIntervalSince1970: 1_800_000_000.654321), id: UUID())
        let back = PageCursor(token: cursor.token)
        #expect(back?.id == cursor.id)
        #expect(back?.createdAt.map { ($0.timeIntervalSince1970 * 1e6).rounded() } == 1_800_000_000_654_321)
        #expect(PageCursor(token: PageCursor(version: 7).token)?.version == 7)
        for bad in ["x", "e30", "eyJ6IjoxfQ", "!!!"] { #expect(PageCursor(token: bad) == nil, "\(bad)") }
    }
}
