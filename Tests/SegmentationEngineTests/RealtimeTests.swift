import Domain
import Foundation
import Postgres
import RPC
import ServiceKit
import TestSupport
import Testing

@testable import SegmentationEngine

/// Memberships follow users as user-directory records their changes: through the change feed its triggers write,
/// woken by NOTIFY, each batch applied once.
@Suite("segmentation-engine: real time")
struct RealtimeTests {
    @Test("activity moves a user into a segment, a profile change moves them out, each seen within seconds")
    func followsChanges() async throws {
        try await Harness.with { h in
            let buyers = try await h.segments.create(
                SegmentDefinition(
                    name: "Repeat buyers", type: .behavioral,
                    conditions: [
                        SegmentCondition(activity: ActivityCondition(event: "purchase", atLeast: 2, withinDays: 30))
                    ]))
            let basic = try await h.segments.create(
                SegmentDefinition(
                    name: "Basic", type: .dynamic,
                    conditions: [SegmentCondition(field: "plan", operator: .equals, value: .string("basic"))]))
            #expect(try await h.members(buyers.id) == ["ann"])
            #expect(try await h.members(basic.id) == ["bob"])
            let bob = h.users["bob"]!

            // Two purchases: bob enters the buyers (and nothing else moves).
            try await Directory.activity(bob, "purchase", daysAgo: 0, nil, on: h.pool)
            try await Directory.activity(bob, "purchase", daysAgo: 0, nil, on: h.pool)
            let entered = try await h.eventually { try await h.segments.segments(of: bob).contains(buyers.id) }
            #expect(entered != nil, "bob did not enter the buyers")
            // A profile change: bob leaves basic.
            try await h.pool.query(
                #"UPDATE users.users SET attributes = '{"plan": "pro"}', version = version + 1 WHERE id = $1"#, [bob])
            let left = try await h.eventually { !(try await h.segments.segments(of: bob).contains(basic.id)) }
            #expect(left != nil, "bob did not leave basic")
            #expect(try await h.segments.get(basic.id).size == 0)
            #expect(try await h.segments.get(buyers.id).size == 2)
            // The membership feed has each move once, in order (not the members a segment started with).
            let moves = try await h.pool.query(
                """
                SELECT segment_id, entered FROM segments.membership_changes WHERE user_id = $1 ORDER BY xid, seq
                """, [bob])
            #expect(
                try moves.map {
                    [try $0.decode("segment_id", as: UUID.self), try $0.decode("entered", as: Bool.self)]
                        as [AnyHashable]
                }
                    == [[buyers.id, true], [basic.id, false]])
            // Deleting a user ends every membership, listed ones included.
            let listed = try await h.segments.create(
                SegmentDefinition(name: "Listed", type: .static, userIDs: [h.users["ann"]!, bob]))
            try await h.pool.query("UPDATE users.users SET deleted_at = now() WHERE id = $1", [h.users["ann"]!])
            let gone = try await h.eventually { try await h.members(listed.id) == ["bob"] }
            #expect(gone != nil, "a deleted user stayed in a static segment")
            #expect(try await h.members(buyers.id) == ["bob"])
        }
    }

    @Test("a restart in the middle of the feed loses and repeats nothing; a failed batch does not advance")
    func restart() async throws {
        try await Harness.with(ready: false) { h in
            let recent = try await h.segments.create(
                SegmentDefinition(
                    name: "Recent buyers", type: .behavioral,
                    conditions: [SegmentCondition(activity: ActivityCondition(event: "purchase", withinDays: 30))]))
            #expect(recent.size == 1)
            // 6,000 new users (one 'bulk' change), then a purchase each (6,000 'activity' changes, in one statement).
            try await h.pool.query(
                "INSERT INTO users.users (id) SELECT gen_random_uuid() FROM generate_series(1, 6000)")
            try await h.pool.query(
                """
                INSERT INTO users.activity (user_id, id, at, type)
                SELECT u.id, 'p', now(), 'purchase' FROM users.users u
                WHERE u.deleted_at IS NULL AND NOT (u.id = ANY($1::uuid[]))
                """, [Array(h.users.values)])
            // A batch whose work fails leaves the position where it was.
            let feed = MembershipUpdater(pool: h.pool).feed
            struct Crash: Error {}
            await #expect(throws: Crash.self) {
                _ = try await feed.next(limit: 100, on: h.pool) { _, _ in throw Crash() }
            }
            let before = try await h.pool.query("SELECT seq FROM segments.feed_positions")
            #expect(try before.map { try $0.decode("seq", as: Int64.self) } == [0])
            // Batches of 5,000, each by a new updater (a restart between any two), until the feed is read. (A batch
            // reads only what transactions older than every running one wrote, so under load a step may read less.)
            let deadline = ContinuousClock.now + .seconds(60)
            var steps = 0
            while ContinuousClock.now < deadline {
                _ = try await MembershipUpdater(pool: h.pool).step()
                steps += 1
                let done = try await h.pool.query(
                    "SELECT p.seq = (SELECT max(seq) FROM users.changes) AS done FROM segments.feed_positions p")
                if try done[0].decode("done", as: Bool.self) { break }
            }
            #expect(steps >= 2, "the 6,001 changes were read in one batch")
            #expect(try await h.segments.get(recent.id).size == 6_001)
            let entries = try await h.pool.query(
                """
                SELECT count(*) AS entries, count(DISTINCT user_id) AS users FROM segments.membership_changes
                WHERE segment_id = $1 AND entered
                """, [recent.id])
            #expect(try entries[0].decode("entries", as: Int64.self) == 6_000)
            #expect(try entries[0].decode("users", as: Int64.self) == 6_000)
        }
    }
}
