import Domain
import Foundation
import Postgres
import RPC
import TestSupport
import Testing
import TypedClients

/// Segments and their members, as other services (`SegmentationEngineClient`) and clients in any language see them.
@Suite("segmentation-engine: segments and members")
struct SegmentTests {
    static func plan(_ value: String) -> SegmentCondition {
        SegmentCondition(field: "plan", operator: .equals, value: .string(value))
    }

    @Test("a dynamic segment is evaluated when saved: its size, members, each member's segments, its plan")
    func dynamic() async throws {
        try await Harness.with { h in
            let pro = try await h.segments.create(
                SegmentDefinition(name: "Pro plan", type: .dynamic, conditions: [Self.plan("pro")], tags: ["plan"]),
                by: UUID(canonical: h.user))
            #expect(pro.size == 2)
            #expect(pro.lastUpdated != nil)
            #expect(try await h.members(pro.id) == ["ann", "eve"])
            #expect(try await h.segments.segments(of: h.users["ann"]!) == [pro.id])
            #expect(try await h.segments.segments(of: h.users["bob"]!) == [])
            await #expect(throws: RPCError.self) { try await h.segments.segments(of: h.users["fay"]!) }
            let explained = try await h.segments.explain(pro.id)
            #expect(explained.segment == pro)
            #expect(explained.queryPlan.contains("users"), "\(explained.queryPlan)")
            // Replaced whole: members follow the new definition.
            let basic = try await h.segments.update(
                pro.id, to: SegmentDefinition(name: "Basic plan", type: .dynamic, conditions: [Self.plan("basic")]))
            #expect(basic.name == "Basic plan" && basic.size == 1)
            #expect(try await h.members(pro.id) == ["bob"])
            // (the first members are where a segment starts, not entries: only the update's moves are in the feed)
            let changes = try await h.pool.query(
                "SELECT entered, count(*) AS n FROM segments.membership_changes WHERE segment_id = $1 GROUP BY entered ORDER BY entered",
                [pro.id])
            #expect(
                try changes.map {
                    [try $0.decode("entered", as: Bool.self) ? 1 : 0, Int(try $0.decode("n", as: Int64.self))]
                } == [[0, 2], [1, 1]])
            let page = try await h.segments.list(type: .dynamic)
            #expect(page.items.map(\.id) == [pro.id])
            #expect(try await h.segments.list(type: .static).items.isEmpty)
        }
    }

    @Test("static segments list their members; unknown users are refused at their index")
    func staticMembers() async throws {
        try await Harness.with { h in
            let listed = try await h.segments.create(
                SegmentDefinition(name: "VIPs", type: .static, userIDs: [h.users["bob"]!, h.users["dee"]!]))
            #expect(listed.size == 2)
            #expect(try await h.members(listed.id) == ["bob", "dee"])
            let stranger = UUID()
            do {
                _ = try await h.segments.create(
                    SegmentDefinition(name: "x", type: .static, userIDs: [h.users["ann"]!, stranger]))
                Issue.record("a static segment with an unknown user was created")
            } catch let error as RPCError {
                #expect(error.code == .invalidArgument)
                #expect(
                    error.message.contains("segment.user_ids[") && error.message.contains("no user"), "\(error.message)"
                )
            }
            #expect(try await h.count("segments.segments") == 1)
            // Members by the customer's own ids too; a user named twice is one member.
            let byExternal = try await h.segments.create(
                SegmentDefinition(
                    name: "Imported list", type: .static, userIDs: [h.users["bob"]!],
                    externalIDs: ["ann-1", "cem-1", "bob-1"]))
            #expect(byExternal.size == 3)
            #expect(try await h.members(byExternal.id) == ["ann", "bob", "cem"])
            do {
                _ = try await h.segments.create(
                    SegmentDefinition(name: "x", type: .static, externalIDs: ["ann-1", "nobody-7"]))
                Issue.record("a static segment with an unknown external id was created")
            } catch let error as RPCError {
                #expect(error.code == .invalidArgument)
                #expect(
                    error.message.contains("segment.external_ids[1]: no user with external id \"nobody-7\""),
                    "\(error.message)")
            }
            let paged = try await h.segments.members(of: listed.id, page: PageRequest(size: 1))
            #expect(paged.items.count == 1 && !paged.nextToken.isEmpty)
            let rest = try await h.segments.members(of: listed.id, page: PageRequest(size: 1, token: paged.nextToken))
            #expect(h.names((paged.items + rest.items).map(\.userID)) == ["bob", "dee"])
        }
    }

    @Test("membership of other segments: evaluated in order, cycles refused, a segment read by another not deleted")
    func references() async throws {
        try await Harness.with { h in
            let pro = try await h.segments.create(
                SegmentDefinition(name: "Pro", type: .dynamic, conditions: [Self.plan("pro")]))
            let buyers = try await h.segments.create(
                SegmentDefinition(
                    name: "Buyers", type: .behavioral,
                    conditions: [SegmentCondition(activity: ActivityCondition(event: "purchase"))]))
            let proBuyers = try await h.segments.create(
                SegmentDefinition(
                    name: "Pro buyers", type: .dynamic,
                    conditions: [
                        SegmentCondition(field: "segment", operator: .in, value: .array([.string(pro.id.lowercased)])),
                        SegmentCondition(
                            field: "segment", operator: .in, value: .array([.string(buyers.id.lowercased)])),
                    ]))
            #expect(try await h.members(proBuyers.id) == ["ann"])
            // pro reading proBuyers would close a cycle.
            do {
                _ = try await h.segments.update(
                    pro.id,
                    to: SegmentDefinition(
                        name: "Pro", type: .dynamic,
                        conditions: [
                            SegmentCondition(
                                field: "segment", operator: .notIn, value: .array([.string(proBuyers.id.lowercased)]))
                        ]))
                Issue.record("a cycle of segments was saved")
            } catch let error as RPCError {
                #expect(error.code == .invalidArgument && error.message.contains("cycle"), "\(error.message)")
            }
            #expect(try await h.segments.get(pro.id).conditions == [Self.plan("pro")])
            await #expect(throws: RPCError.self) { try await h.segments.delete(pro.id) }
            // Changing pro re-evaluates what reads it.
            _ = try await h.segments.update(
                pro.id, to: SegmentDefinition(name: "Basic", type: .dynamic, conditions: [Self.plan("basic")]))
            #expect(try await h.members(proBuyers.id) == ["bob"])
            // A static segment's new list re-evaluates what reads it too.
            let listed = try await h.segments.create(
                SegmentDefinition(name: "Listed", type: .static, userIDs: [h.users["ann"]!]))
            let inListed = try await h.segments.create(
                SegmentDefinition(
                    name: "In the list", type: .dynamic,
                    conditions: [
                        SegmentCondition(
                            field: "segment", operator: .in, value: .array([.string(listed.id.lowercased)]))
                    ]))
            #expect(try await h.members(inListed.id) == ["ann"])
            _ = try await h.segments.update(
                listed.id, to: SegmentDefinition(name: "Listed", type: .static, userIDs: [h.users["cem"]!]))
            #expect(try await h.members(inListed.id) == ["cem"])
            try await h.segments.delete(inListed.id)
            try await h.segments.delete(proBuyers.id)
            try await h.segments.delete(pro.id)
            await #expect(throws: RPCError(.notFound, "no segment \(pro.id.lowercased)")) {
                try await h.segments.get(pro.id)
            }
            #expect(try await h.segments.list().items.map(\.id) == [listed.id, buyers.id])
        }
    }

    @Test("overlap: sizes, pairs with Jaccard, the triple, the union and every Venn region, from memberships")
    func overlap() async throws {
        try await Harness.with { h in
            // pro: ann and eve; beta: ann and eve; listed: ann and bob.
            let pro = try await h.segments.create(
                SegmentDefinition(name: "Pro", type: .dynamic, conditions: [Self.plan("pro")]))
            let beta = try await h.segments.create(
                SegmentDefinition(
                    name: "Beta", type: .dynamic,
                    conditions: [SegmentCondition(field: "tags", operator: .contains, value: .string("beta"))]))
            let listed = try await h.segments.create(
                SegmentDefinition(name: "Listed", type: .static, userIDs: [h.users["ann"]!, h.users["bob"]!]))
            let analysis = try await h.segments.overlap(of: [pro.id, beta.id, listed.id])
            #expect(analysis.sizes == [pro.id: 2, beta.id: 2, listed.id: 2])
            #expect(analysis.unionSize == 3)
            #expect(analysis.overlaps.count == 4)
            #expect(analysis.overlaps[0] == SegmentOverlap(segmentIDs: [pro.id, beta.id], size: 2, jaccard: 1))
            #expect(analysis.overlaps[1] == SegmentOverlap(segmentIDs: [pro.id, listed.id], size: 1, jaccard: 1.0 / 3))
            #expect(analysis.overlaps[3] == SegmentOverlap(segmentIDs: [pro.id, beta.id, listed.id], size: 1))
            #expect(
                Set(analysis.regions.map { [$0.segmentIDs.count, Int($0.size)] }) == [[3, 1], [2, 1], [1, 1]])
            let error = try await h.failure("AnalyzeSegmentOverlap", #"{"segmentIds": ["\#(pro.id)"]}"#)
            #expect(error.code == .invalidArgument && error.message.contains("expected 2 to 8"))
        }
    }

    @Test("StreamSegmentMembers sends every member once, ascending, in the batches asked for")
    func stream() async throws {
        try await Harness.with { h in
            // 2,345 more users on the pro plan: bulk-inserted, so the feed re-evaluates everything once.
            try await h.pool.query(
                """
                INSERT INTO users.users (id, attributes) SELECT gen_random_uuid(), '{"plan": "pro"}' FROM generate_series(1, 2345)
                """)
            let pro = try await h.segments.create(
                SegmentDefinition(name: "Pro", type: .dynamic, conditions: [Self.plan("pro")]))
            #expect(pro.size == 2347)
            var received: [UUID] = []
            var batches = 0
            for try await batch in try h.segments.streamMembers(of: pro.id, batchSize: 1000) {
                #expect(batch.userIDs.count <= 1000)
                received += batch.userIDs
                batches += 1
            }
            #expect(batches == 3 && received.count == 2347)
            #expect(received == received.sorted { $0.uuidString.lowercased() < $1.uuidString.lowercased() })
            #expect(Set(received).count == received.count)
        }
    }

    @Test("range conditions on attributes the directory has build expression indexes; unknown attributes none")
    func attributeIndexes() async throws {
        try await Harness.with { h in
            try await h.pool.query("INSERT INTO users.attribute_types (name, type) VALUES ('age', 'number')")
            for field in ["age", "nosuch"] {
                _ = try await h.segments.create(
                    SegmentDefinition(
                        name: field, type: .dynamic,
                        conditions: [SegmentCondition(field: field, operator: .greaterThan, value: .number("30"))]))
            }
            let indexes = { () async throws -> [String] in
                try await h.pool.query(
                    "SELECT indexdef FROM pg_indexes WHERE schemaname = 'users' AND indexname LIKE 'idx_users_segment_%'"
                ).map { try $0.decode("indexdef") }
            }
            let built = try await h.eventually { try await indexes().count == 1 }
            #expect(built != nil, "no index was built")
            try await Task.sleep(for: .milliseconds(300))
            let definitions = try await indexes()
            #expect(
                definitions.count == 1 && definitions[0].contains("json_number((attributes -> 'age'::text))"),
                "\(definitions)")
        }
    }
}
