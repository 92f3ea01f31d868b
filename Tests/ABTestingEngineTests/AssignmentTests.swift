import Domain
import Foundation
import HeraldCore
import Postgres
import TestSupport
import Testing

@testable import ABTestingEngine

/// Deterministic, sticky assignment: the same user gets the same variant everywhere and forever.
@Suite("ab-testing-engine: assignment")
struct AssignmentTests {
    @Test("the bucket is FNV-1a of seed + \".\" + user id as Python computes it from the proto's description")
    func bucketsMatchPython() async throws {
        guard let python = TestEnvironment.python() else { return }
        let users = Harness.users(500, seed: 9)
        let input = try JSONSerialization.data(withJSONObject: ["seed": "spring", "users": users.map(\.lowercased)])
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Python/buckets.py"
        let result = try await runBlocking { try runProcess(python, [script], input: Array(input)) }
        try #require(result.status == 0, "\(result.stderr)")
        let expected = try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [Int]
        let prefix = TrafficSplit.prefix(seed: "spring")
        #expect(users.map { TrafficSplit.bucket(prefix: prefix, user: $0) } == expected)
        #expect(users.map { TrafficSplit.bucket(seed: "spring", unit: $0.lowercased) } == expected)
    }

    @Test("assignments follow the allocation, are the same on every call, and AssignVariant agrees with AssignVariants")
    func deterministic() async throws {
        try await Harness.with { h in
            let test = try await h.running(
                [TestVariant(id: "a", name: "A", allocation: 20), TestVariant(id: "b", name: "B", allocation: 80)])
            let users = Harness.users(20_000)
            let first = try await h.assign(test.id, users)
            let shareB = Double(first.filter { $0.variantID == "b" }.count) / Double(users.count)
            #expect(abs(shareB - 0.8) < 0.015, "share of b \(shareB)")
            #expect(first.allSatisfy { $0.inTest })
            #expect(try await h.assign(test.id, users) == first)
            for i in [0, 7, 19_999] {
                #expect(try await h.tests.assignVariant(in: test.id, to: users[i]).variant?.id == first[i].variantID)
            }
            // Stored once each: the exposures and the totals agree.
            #expect(try await h.count("experiments.exposures") == users.count)
            let totals = try await h.service.store.totals(test.id)
            #expect(totals.exposures[0]?.participants == Double(first.filter { $0.variantID == "a" }.count))
            #expect(totals.exposures[1]?.participants == Double(first.filter { $0.variantID == "b" }.count))
        }
    }

    @Test("traffic percentage and holdout: their shares, holdouts stored and sent nothing")
    func trafficAndHoldout() async throws {
        try await Harness.with { h in
            let test = try await h.running(traffic: TrafficAllocation(percentage: 40, seed: "s", holdoutPercentage: 10))
            let users = Harness.users(20_000, seed: 2)
            let assigned = try await h.assign(test.id, users)
            let holdout = Double(assigned.filter { $0.holdout }.count) / Double(users.count)
            let inTest = Double(assigned.filter { $0.inTest }.count) / Double(users.count)
            #expect(abs(holdout - 0.10) < 0.01, "holdout \(holdout)")
            #expect(abs(inTest - 0.9 * 0.4) < 0.015, "in test \(inTest)")
            #expect(assigned.filter { $0.holdout }.allSatisfy { $0.variantID.isEmpty && !$0.inTest })
            #expect(assigned.filter { !$0.inTest && !$0.holdout }.allSatisfy { $0.variantID.isEmpty })
            let stored = try await h.pool.query(
                "SELECT count(*) FILTER (WHERE variant = -1)::int8 AS h, count(*)::int8 AS n FROM experiments.exposures"
            )
            #expect(try stored[0].decode("h", as: Int.self) == assigned.filter { $0.holdout }.count)
            #expect(try stored[0].decode("n", as: Int.self) == assigned.filter { $0.inTest || $0.holdout }.count)
            // Growing the traffic only adds users: everyone in the test before is in it with the same variant.
            try await h.pool.query(
                #"UPDATE experiments.ab_tests SET traffic_allocation = jsonb_set(traffic_allocation, '{percentage}', '80')"#
            )
            let later = try await h.assign(test.id, users)
            for (before, after) in zip(assigned, later) where before.inTest || before.holdout {
                #expect(before == after)
            }
            #expect(later.filter { $0.inTest }.count > assigned.filter { $0.inTest }.count * 3 / 2)
            // Shrinking it takes nobody out: a participant stays one with the variant first assigned.
            try await h.pool.query(
                #"UPDATE experiments.ab_tests SET traffic_allocation = jsonb_set(traffic_allocation, '{percentage}', '10')"#
            )
            #expect(try await h.assign(test.id, users) == later)
        }
    }

    @Test("new weights never move an assigned user, and move as few of the others as possible")
    func reweighting() async throws {
        try await Harness.with { h in
            let test = try await h.running(
                [
                    TestVariant(id: "a", name: "A", allocation: 50), TestVariant(id: "b", name: "B", allocation: 30),
                    TestVariant(id: "c", name: "C", allocation: 20),
                ])
            let early = Harness.users(5_000, seed: 3)
            let before = try await h.assign(test.id, early)
            let updated = try await h.tests.updateAllocation(of: test.id, ["a": 20, "b": 30, "c": 50])
            #expect(updated.variants.map(\.allocation) == [20, 30, 50])
            #expect(try await h.assign(test.id, early) == before)
            // Users not yet assigned: only the 30 % of buckets a gave up change hands (all to c).
            let late = Harness.users(20_000, seed: 4)
            let oldRanges = BucketRanges(weights: [50, 30, 20])
            let old = oldRanges.table()
            let prefix = TrafficSplit.prefix(seed: "spring")
            let after = try await h.assign(test.id, late)
            var moved = 0
            for (user, a) in zip(late, after) {
                let was = ["a", "b", "c"][Int(old[TrafficSplit.bucket(prefix: prefix, user: user)])]
                if was != a.variantID {
                    moved += 1
                    #expect(was == "a" && a.variantID == "c")
                }
            }
            #expect(abs(Double(moved) / Double(late.count) - 0.30) < 0.015, "moved \(moved)")
            let bad = try await h.failure(
                "UpdateTestAllocation", #"{"testId": "\#(test.id.lowercased)", "allocations": {"a": 50, "z": 50}}"#)
            #expect(bad.code == .invalidArgument)
            #expect(bad.message.contains("allocations[\"z\"]: no variant \"z\" in the test"))
            #expect(bad.message.contains("every variant needs a share"))
        }
    }

    @Test("AssignVariants refuses more than 10,000 users, bad ids and covariates that do not match, naming each")
    func batchLimits() async throws {
        try await Harness.with { h in
            let test = try await h.running()
            let ids = (0..<10_001).map { _ in "\"\(UUID().uuidString)\"" }.joined(separator: ",")
            let tooMany = try await h.failure(
                "AssignVariants", #"{"testId": "\#(test.id.lowercased)", "userIds": [\#(ids)]}"#)
            #expect(tooMany.message.contains("user_ids: 10001 user ids; at most 10000 a call"))
            let bad = try await h.failure(
                "AssignVariants",
                #"{"testId": "\#(test.id.lowercased)", "userIds": ["\#(UUID())", "nope"], "covariates": [1]}"#)
            #expect(bad.message.contains("user_ids[1]"))
            #expect(bad.message.contains("covariates: 1 covariates for 2 user ids"))
            #expect(try await h.count("experiments.exposures") == 0)
        }
    }
}

extension BucketRanges {
    /// Moving between two weightings, the buckets that change arm: never more than the shrinking arms give up.
    static func moved(_ a: BucketRanges, _ b: BucketRanges) -> Int {
        zip(a.table(), b.table()).filter { $0 != $1 }.count
    }
}

@Suite("Traffic split")
struct TrafficSplitTests {
    @Test("re-weighting moves exactly the buckets the shrinking arms give up, for random weights")
    func minimalMovement() {
        var random = SeededRandom(seed: 11)
        for _ in 0..<200 {
            let arms = Int.random(in: 2...8, using: &random)
            let w1 = (0..<arms).map { _ in Double.random(in: 0.1...10, using: &random) }
            let w2 = (0..<arms).map { _ in Double.random(in: 0.1...10, using: &random) }
            let a = BucketRanges(weights: w1)
            let b = a.rebalanced(to: w2)
            let c1 = BucketRanges.counts(w1)
            let c2 = BucketRanges.counts(w2)
            #expect(b.counts(arms: arms) == c2)
            #expect(c2.reduce(0, +) == TrafficSplit.buckets)
            let lowerBound = zip(c1, c2).reduce(0) { $0 + max(0, $1.0 - $1.1) }
            #expect(BucketRanges.moved(a, b) == lowerBound)
        }
    }
}
