import Codec
import Domain
import Foundation
import Postgres
import RPC
import Synthetic
import TestSupport
import Testing

/// Lookalike segments on the synthetic population, whose planted lookalike group is the truth to find.
@Suite("segmentation-engine: lookalikes")
struct LookalikeTests {
    @Test("half of a planted group as the source finds the other half: high held-out AUC, recall and precision")
    func plantedGroup() async throws {
        try await Harness.with(ready: false) { h in
            let population = SyntheticPopulation(seed: 7, count: 3_000, lookalikeShare: 0.1)
            let users = population.users(0..<population.count)
            try await h.pool.query(
                "INSERT INTO users.users (id, attributes) SELECT * FROM unnest($1::uuid[], $2::jsonb[])",
                [
                    users.map { population.id($0.number) },
                    users.map { PostgresJSON(text: $0.profile.attributes!.text()) },
                ])
            let planted = users.filter(\.truth.inLookalikeGroup)
            let source = planted.filter { $0.number % 2 == 0 }.map { population.id($0.number) }
            let hidden = Set(planted.filter { $0.number % 2 == 1 }.map { population.id($0.number) })
            #expect(planted.count > 200)
            let group = try await h.segments.create(SegmentDefinition(name: "Planted", type: .static, userIDs: source))

            let result = try await h.segments.createLookalike(of: group.id, similarity: 0.5, name: "", by: nil)
            #expect(result.model == "logistic_regression")
            #expect(result.auc > 0.95, "held-out AUC \(result.auc)")
            #expect(result.segment.type == .lookalike && result.segment.sourceSegmentID == group.id)
            #expect(result.segment.name == "Like Planted")
            var members = Set<UUID>()
            for try await batch in try h.segments.streamMembers(of: result.segment.id) {
                members.formUnion(batch.userIDs)
            }
            #expect(Int64(members.count) == result.segment.size)
            #expect(members.isDisjoint(with: source), "source members are not their own lookalikes")
            let found = Double(members.intersection(hidden).count)
            #expect(found / Double(hidden.count) >= 0.9, "recall \(found) of \(hidden.count)")
            #expect(found / Double(max(members.count, 1)) >= 0.8, "precision \(found) of \(members.count)")
            // Lower similarity: more users, the planted ones still among them.
            let wider = try await h.segments.createLookalike(of: group.id, similarity: 0.05, name: "Wider", by: nil)
            #expect(wider.segment.size > result.segment.size)
            var widerMembers = Set<UUID>()
            for try await batch in try h.segments.streamMembers(of: wider.segment.id) {
                widerMembers.formUnion(batch.userIDs)
            }
            let widerFound = Double(widerMembers.intersection(hidden).count)
            #expect(widerFound / Double(hidden.count) >= 0.8, "recall at 0.05: \(widerFound) of \(hidden.count)")
            let stored = try await h.pool.query("SELECT model FROM segments.segments WHERE id = $1", [wider.segment.id])
            let model = try stored[0].json("model", as: JSONValue.self)
            #expect(model?.text().contains("attributes.plan = pro") == true)

            let tiny = try await h.segments.create(
                SegmentDefinition(name: "Two", type: .static, userIDs: Array(source.prefix(2))))
            await #expect(throws: RPCError.self) {
                _ = try await h.segments.createLookalike(of: tiny.id, similarity: 0.5, name: "x")
            }
        }
    }
}
