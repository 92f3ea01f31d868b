import Domain
import Foundation
import HeraldCore
import Postgres
import RPC
import Statistics
import TestSupport
import Testing

@testable import ABTestingEngine

/// Conversions counted once, analyses that match the stored facts, and winners selected only when earned.
@Suite("ab-testing-engine: conversions, analysis and winners")
struct ResultsTests {
    /// Converts each participant of `assignments` with the rate of their variant (seeded), recording `value` each;
    /// the conversions recorded per variant.
    static func convert(
        _ h: Harness, _ test: UUID, _ users: [UUID], _ assignments: [Assignment], rates: [String: Double],
        metric: String = "purchase", value: (Int) -> Double = { _ in 0 }
    ) async throws -> [String: Int] {
        var random = SeededRandom(seed: 5)
        var counted: [String: Int] = [:]
        for (i, (user, a)) in zip(users, assignments).enumerated() where a.inTest {
            guard Double.random(in: 0..<1, using: &random) < rates[a.variantID, default: 0] else { continue }
            let result = try await h.tests.recordConversion(
                ConversionRequest(testID: test, userID: user, conversionType: metric, value: value(i)))
            #expect(result.counted)
            counted[a.variantID, default: 0] += 1
        }
        return counted
    }

    @Test("a conversion counts once, for participants only, within the window, for a metric of the test")
    func conversions() async throws {
        try await Harness.with { h in
            let test = try await h.running()
            let user = UUID()
            _ = try await h.tests.assignVariant(in: test.id, to: user)
            func record(_ user: UUID, id: String = "", at: Date? = nil, value: Double = 10) async throws
                -> ConversionResult
            {
                try await h.tests.recordConversion(
                    ConversionRequest(
                        testID: test.id, userID: user, conversionType: "purchase", value: value, conversionID: id,
                        occurredAt: at))
            }
            #expect(try await record(user).counted)
            let repeated = try await record(user)
            #expect(!repeated.counted && repeated.reason.contains("already recorded"))
            #expect(try await record(user, id: "order-2", value: 5).counted)
            #expect(try await record(user, id: "order-2", value: 5).reason.contains("conversion_id order-2"))
            #expect(try await record(UUID()).reason == "the user is not a participant of the test")
            #expect(
                try await record(user, id: "old", at: Date(timeIntervalSinceNow: -86_400)).reason.contains("before"))
            #expect(
                try await record(user, id: "late", at: Date(timeIntervalSinceNow: 31 * 86_400)).reason.contains(
                    "window"))
            let wrongType = try await h.failure(
                "RecordConversion",
                #"{"testId": "\#(test.id.lowercased)", "userId": "\#(user.lowercased)", "conversionType": "signup"}"#)
            #expect(wrongType.code == .invalidArgument)
            #expect(wrongType.message.contains("conversion_type: \"signup\" is not a success metric of the test"))
            // One participant converted once, with 15 in value: the totals say exactly that.
            let totals = try await h.service.store.totals(test.id)
            let sums = try #require(totals.metrics["purchase"]?.values.first)
            #expect(sums.converted == 1 && sums.valueSum == 15 && sums.valueSquares == 225)
            #expect(try await h.count("experiments.conversions") == 2)
        }
    }

    @Test("the analysis agrees with the stored facts and finds the planted winner; SelectWinner then completes it")
    func plantedWinner() async throws {
        try await Harness.with { h in
            let test = try await h.running()
            let users = Harness.users(6_000, seed: 21)
            let assigned = try await h.assign(test.id, users)
            let counted = try await Self.convert(h, test.id, users, assigned, rates: ["a": 0.05, "b": 0.10])
            let analysis = try await h.tests.analyze(test.id)
            let results = try #require(analysis.results)
            // Ground truth straight from the exposures and conversions, not from the running totals.
            let truth = try await h.pool.query(
                """
                SELECT e.variant, count(*)::int8 AS n, count(c.user_id)::int8 AS x FROM experiments.exposures e
                LEFT JOIN experiments.conversions c USING (test_id, user_id) WHERE e.test_id = $1 GROUP BY e.variant
                ORDER BY e.variant
                """, [test.id])
            for row in truth {
                let v = results.variants[try row.decode("variant", as: Int.self)]
                #expect(v.participants == (try row.decode("n", as: Int64.self)))
                #expect(v.conversions == (try row.decode("x", as: Int64.self)))
            }
            #expect(results.variants.map(\.conversions) == [Int64(counted["a"] ?? 0), Int64(counted["b"] ?? 0)])
            let (a, b) = (results.variants[0], results.variants[1])
            let z = Frequentist.twoProportionZTest(
                Double(b.conversions), Double(b.participants), Double(a.conversions), Double(a.participants))
            #expect(abs(b.pValue - z.pValue) <= 1e-12 * max(z.pValue, 1e-300))
            #expect(b.lift > 0.5 && b.liftCILower > 0 && b.chanceToBeatControl > 0.99)
            let significance = try #require(analysis.significance)
            #expect(significance.significant && significance.leadingVariant == "b")
            #expect(!significance.sampleRatioMismatch && significance.srmPValue > 0.001)
            #expect(analysis.recommendation.contains("b wins on purchase"))
            // A forced pick of the loser is refused unless forced; the winner is selected.
            let refused = try await h.failure(
                "SelectWinner", #"{"testId": "\#(test.id.lowercased)", "variantId": "a"}"#)
            #expect(refused.code == .failedPrecondition)
            #expect(refused.message.contains("a is not the significant winner (b is)"))
            let winner = try await h.tests.selectWinner(of: test.id)
            #expect(winner.id == "b")
            let done = try await h.tests.get(test.id)
            #expect(done.status == .completed && done.winner == "b" && done.results?.variants.count == 2)
            let decision = try await h.pool.query("SELECT winner, reason, decided_by FROM experiments.decisions")
            #expect(try decision[0].decode("reason", as: String.self) == "significant")
            // After the test: newcomers get the winner (outside the test), participants keep their variant.
            let newcomer = try await h.tests.assignVariant(in: test.id, to: UUID())
            #expect(!newcomer.inTest && newcomer.variant?.id == "b")
            #expect(try await h.tests.assignVariant(in: test.id, to: users[0]).variant?.id == assigned[0].variantID)
            let recommendations = try await h.tests.optimize(campaign: h.campaign)
            #expect(recommendations.first?.recommendation.contains("use b (subject: \"48 hours left\")") == true)
            #expect((recommendations.first?.expectedLift ?? 0) > 0.5)
        }
    }

    @Test("no winner while the difference is noise: FAILED_PRECONDITION with the reason, unless forced")
    func noWinnerFromNoise() async throws {
        try await Harness.with { h in
            let test = try await h.running()
            let users = Harness.users(3_000, seed: 22)
            let assigned = try await h.assign(test.id, users)
            _ = try await Self.convert(h, test.id, users, assigned, rates: ["a": 0.08, "b": 0.08])
            let analysis = try await h.tests.analyze(test.id)
            #expect(analysis.significance?.significant == false)
            let refused = try await h.failure("SelectWinner", #"{"testId": "\#(test.id.lowercased)"}"#)
            #expect(refused.code == .failedPrecondition)
            #expect(refused.message.contains("no variant is significantly better yet"))
            #expect(try await h.tests.get(test.id).status == .running)
            #expect(try await h.tests.selectWinner(of: test.id, variant: "a", force: true).id == "a")
            let reason = try await h.pool.query("SELECT reason FROM experiments.decisions")[0].decode(
                "reason", as: String.self)
            #expect(reason == "forced")
        }
    }

    @Test("a split that departs from the allocation is flagged (sample-ratio mismatch) and blocks the winner")
    func sampleRatioMismatch() async throws {
        try await Harness.with { h in
            let test = try await h.running()
            let users = Harness.users(4_000, seed: 27)
            let assigned = try await h.assign(test.id, users)
            _ = try await Self.convert(h, test.id, users, assigned, rates: ["a": 0.05, "b": 0.12])
            #expect(try await h.tests.analyze(test.id).significance?.significant == true)
            // A broken assignment elsewhere puts 400 more users into a (as if the campaign bypassed the hash).
            try await h.pool.query(
                """
                INSERT INTO experiments.exposures (test_id, user_id, variant) SELECT $1, gen_random_uuid(), 0
                FROM generate_series(1, 400);
                """, [test.id])
            try await h.pool.query(
                "INSERT INTO experiments.variant_totals (test_id, variant, metric, participants) VALUES ($1, 0, '', 400)",
                [test.id])
            let analysis = try await h.tests.analyze(test.id)
            #expect(analysis.significance?.sampleRatioMismatch == true)
            #expect(analysis.significance?.significant == false)
            #expect(analysis.recommendation.contains("the split does not match the allocation"))
            let refused = try await h.failure("SelectWinner", #"{"testId": "\#(test.id.lowercased)"}"#)
            #expect(refused.message.contains("the sample-ratio check failed"))
        }
    }

    @Test("a revenue metric: Welch's test on per-participant totals, and CUPED narrows it with a pre-period covariate")
    func revenueWithCUPED() async throws {
        try await Harness.with { h in
            let test = try await h.running(
                metrics: [SuccessMetric(name: "revenue", primary: true, kind: .continuous)])
            let users = Harness.users(2_000, seed: 23)
            var random = SeededRandom(seed: 6)
            // Pre-period spend explains most of the revenue; b adds 2 on average.
            let covariates = users.map { _ in Double.random(in: 0...100, using: &random).rounded() }
            let assigned = try await h.assign(test.id, users, covariates: covariates)
            var values: [String: [Double]] = [:]
            for (i, a) in assigned.enumerated() where a.inTest {
                let y = (0.5 * covariates[i] + Double.random(in: 0...10, using: &random) + (a.variantID == "b" ? 2 : 0))
                    .rounded()
                values[a.variantID, default: []].append(y)
                _ = try await h.tests.recordConversion(
                    ConversionRequest(testID: test.id, userID: users[i], conversionType: "revenue", value: y))
            }
            let analysis = try await h.tests.analyze(test.id)
            let metric = try #require(analysis.results?.metrics.first)
            #expect(metric.cuped)
            // The unadjusted means are the per-variant means of the recorded values.
            let plain = ["a", "b"].map { id in
                Moments(
                    count: Double(values[id]!.count), sum: values[id]!.reduce(0, +),
                    sumOfSquares: values[id]!.reduce(0) { $0 + $1 * $1 })
            }
            let unadjusted = Frequentist.welchTTest(plain[1], plain[0])
            let b = metric.variants[1]
            #expect(b.pValue < unadjusted.pValue / 100, "CUPED p \(b.pValue) vs plain \(unadjusted.pValue)")
            #expect(abs(b.mean - metric.variants[0].mean - 2) < 1)
            #expect(analysis.significance?.significant == true)
        }
    }

    @Test("a policy selects the winner itself once significant; a bandit shifts traffic to the better arm")
    func policyAndBandit() async throws {
        try await Harness.with { h in
            let policy = WinnerPolicy(automatic: true, minParticipantsPerVariant: 500, fallback: .control)
            let test = try await h.running(policy: policy)
            let users = Harness.users(6_000, seed: 24)
            let assigned = try await h.assign(test.id, users)
            _ = try await Self.convert(h, test.id, users, assigned, rates: ["a": 0.05, "b": 0.11])
            _ = try await h.promoter.step()
            let decided = try await h.tests.get(test.id)
            #expect(decided.status == .completed && decided.winner == "b")
            let row = try await h.pool.query("SELECT reason, decided_by FROM experiments.decisions")
            #expect(try row[0].decode("decided_by", as: String.self) == "policy")

            let bandit = try await h.running(
                [
                    TestVariant(id: "x", name: "X", allocation: 0), TestVariant(id: "y", name: "Y", allocation: 0),
                    TestVariant(id: "z", name: "Z", allocation: 0),
                ], traffic: TrafficAllocation(percentage: 100, seed: "bandit", bandit: true))
            let more = Harness.users(3_000, seed: 25)
            let banditAssigned = try await h.assign(bandit.id, more)
            _ = try await Self.convert(h, bandit.id, more, banditAssigned, rates: ["x": 0.02, "y": 0.03, "z": 0.12])
            _ = try await h.promoter.step()
            let reweighted = try await h.tests.get(bandit.id)
            let shares = reweighted.variants.map(\.allocation)
            #expect(shares[2] > 80, "shares \(shares)")
            #expect(shares.allSatisfy { $0 >= 100 * Promotion.banditFloor / 3 - 1e-9 })
            #expect(reweighted.status == .running)
        }
    }

    @Test("at the deadline without a winner the policy's fallback is selected; a test past its end date ends")
    func deadlines() async throws {
        try await Harness.with { h in
            let policy = WinnerPolicy(automatic: true, deadlineHours: 1, fallback: .control)
            let withPolicy = try await h.running(policy: policy)
            let plain = try await h.running()
            let users = Harness.users(400, seed: 28)
            _ = try await h.assign(withPolicy.id, users)
            _ = try await h.promoter.step()
            #expect(try await h.tests.get(withPolicy.id).status == .running)
            try await h.pool.query(
                "UPDATE experiments.ab_tests SET start_date = now() - interval '2 hours' WHERE id = $1", [withPolicy.id]
            )
            try await h.pool.query(
                "UPDATE experiments.ab_tests SET end_date = now() - interval '1 second' WHERE id = $1", [plain.id])
            _ = try await h.promoter.step()
            let fallback = try await h.tests.get(withPolicy.id)
            #expect(fallback.status == .completed && fallback.winner == "a")
            let ended = try await h.tests.get(plain.id)
            #expect(ended.status == .completed && ended.winner.isEmpty)
            let reasons = try await h.pool.query("SELECT reason FROM experiments.decisions ORDER BY reason").map {
                try $0.decode("reason", as: String.self)
            }
            #expect(reasons == ["deadline-control", "stopped"])
        }
    }

    @Test("WatchTestResults sends the analysis, then a new one as participants arrive")
    func watch() async throws {
        try await Harness.with { h in
            let test = try await h.running()
            let stream = try h.tests.watchResults(of: test.id, timeout: .seconds(15))
            var iterator = stream.makeAsyncIterator()
            let first = try await iterator.next()
            #expect(first?.results?.totalParticipants == 0)
            _ = try await h.assign(test.id, Harness.users(50, seed: 26))
            let second = try await iterator.next()
            #expect(second?.results?.totalParticipants == 50)
        }
    }
}
