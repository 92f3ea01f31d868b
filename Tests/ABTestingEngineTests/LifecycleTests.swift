import Domain
import Foundation
import RPC
import TestSupport
import Testing

/// Creating, listing, starting, pausing and stopping tests, as a client in any language calls them.
@Suite("ab-testing-engine: tests and their lifecycle")
struct LifecycleTests {
    @Test("a bad definition is INVALID_ARGUMENT naming every problem at its path, and nothing is stored")
    func validation() async throws {
        try await Harness.with { h in
            let error = try await h.failure(
                "CreateTest",
                """
                {"test": {"campaignId": "\(h.campaign)", "name": "",
                  "variants": [{"id": "a", "allocation": 70}, {"id": "a", "allocation": 20, "isControl": true},
                               {"id": "c d!", "allocation": 20, "isControl": true}],
                  "trafficAllocation": {"percentage": 0, "holdoutPercentage": 100},
                  "successMetrics": [{"name": "purchase", "primary": true}, {"name": "purchase", "primary": true,
                    "minimumDetectableEffect": -1}]}}
                """)
            #expect(error.code == .invalidArgument)
            for fragment in [
                "test.name: required", "test.type: required", "test.variants[1].id: \"a\" names an earlier variant",
                "test.variants[2].id: letters, digits", "test.variants: the variants' allocations add up to 110",
                "is_control: only one variant can be the control",
                "test.traffic_allocation.percentage: share of the audience",
                "test.traffic_allocation.holdout_percentage",
                "test.success_metrics[1].name: \"purchase\" repeats", "test.success_metrics: 2 metrics are primary",
                "test.success_metrics[1].minimum_detectable_effect",
            ] {
                #expect(error.message.contains(fragment), "\(fragment) not in \(error.message)")
            }
            let unknownCampaign = try await h.failure(
                "CreateTest",
                #"{"test": {"campaignId": "\#(UUID())", "name": "x", "type": "TEST_TYPE_CONTENT", "variants": [{"id": "a"}, {"id": "b"}]}}"#
            )
            #expect(unknownCampaign.code == .invalidArgument)
            #expect(unknownCampaign.message.contains("test.campaign_id: no campaign"))
            #expect(try await h.count("experiments.ab_tests") == 0)
        }
    }

    @Test("defaults: equal allocations, the first variant the control, a primary conversion metric, a seed")
    func defaults() async throws {
        try await Harness.with { h in
            let test = try await h.call(
                "CreateTest",
                """
                {"test": {"campaignId": "\(h.campaign)", "name": "Three bodies", "type": "TEST_TYPE_CONTENT",
                  "variants": [{"name": "Short"}, {"name": "Long story"}, {"name": "Emoji"}]}}
                """)["test"]
            #expect(test["status"].string == "TEST_STATUS_DRAFT")
            #expect(test["variants"].items.map { $0["id"].string } == ["short", "long-story", "emoji"])
            #expect(test["variants"][0]["isControl"].bool == true)
            for v in test["variants"].items { #expect(abs((v["allocation"].number ?? 0) - 100.0 / 3) < 1e-9) }
            #expect(test["successMetrics"][0]["name"].string == "conversion")
            #expect(test["successMetrics"][0]["primary"].bool == true)
            #expect(test["trafficAllocation"]["seed"].string == test["id"].string)
            #expect(test["engine"].string == "STATISTICAL_ENGINE_FREQUENTIST")
        }
    }

    @Test("draft → running → paused → running → completed; each wrong step is FAILED_PRECONDITION saying why")
    func lifecycle() async throws {
        try await Harness.with { h in
            let test = try await h.tests.create(
                ABTestDefinition(
                    campaignID: h.campaign, name: "Send time", type: .sendTime,
                    variants: [
                        TestVariant(id: "9am", name: "9am", allocation: 0),
                        TestVariant(id: "6pm", name: "6pm", allocation: 0),
                    ]))
            let user = UUID()
            let draft = try await h.failure(
                "AssignVariant", #"{"testId": "\#(test.id.lowercased)", "userId": "\#(user.lowercased)"}"#)
            #expect(draft.code == .failedPrecondition)
            #expect(draft.message.contains("is a draft: start it"))
            #expect(
                try await h.failure("PauseTest", #"{"testId": "\#(test.id.lowercased)"}"#).code == .failedPrecondition)
            let started = try await h.tests.start(test.id)
            #expect(started.status == .running)
            #expect(started.startDate != nil)
            let assigned = try await h.tests.assignVariant(in: test.id, to: user)
            #expect(assigned.inTest)
            #expect(try await h.tests.pause(test.id).status == .paused)
            // Paused: nobody new enters (the control is shown); the participant keeps their variant.
            let newcomer = try await h.tests.assignVariant(in: test.id, to: UUID())
            #expect(!newcomer.inTest && newcomer.variant?.id == "9am")
            #expect(try await h.tests.assignVariant(in: test.id, to: user) == assigned)
            #expect(try await h.tests.start(test.id).status == .running)
            let stopped = try await h.tests.stop(test.id)
            #expect(stopped.status == .completed && stopped.winner.isEmpty && stopped.endDate != nil)
            let again = try await h.failure("StopTest", #"{"testId": "\#(test.id.lowercased)"}"#)
            #expect(again.code == .failedPrecondition)
            #expect(again.message.contains("is completed"))
            let list = try await h.tests.list(campaign: h.campaign, status: .completed)
            #expect(list.items.map(\.id) == [test.id])
            #expect(try await h.tests.list(campaign: h.campaign, status: .running).items.isEmpty)
            let missing = try await h.failure("GetTest", #"{"testId": "\#(UUID().uuidString)"}"#)
            #expect(missing.code == .notFound)
        }
    }

    @Test(
        "a multivariate test's factors become every combination, sharing traffic; the first combination is the control")
    func multivariate() async throws {
        try await Harness.with { h in
            let test = try await h.tests.create(
                ABTestDefinition(
                    campaignID: h.campaign, name: "Subject × button", type: .multivariate, variants: [],
                    factors: [
                        Factor(name: "subject", levels: ["short", "long"]),
                        Factor(name: "button", levels: ["red", "green", "blue"]),
                    ]))
            #expect(test.variants.count == 6)
            #expect(
                test.variants.map(\.id) == [
                    "short-red", "short-green", "short-blue", "long-red", "long-green", "long-blue",
                ])
            #expect(test.variants[0].isControl && test.variants.dropFirst().allSatisfy { !$0.isControl })
            #expect(test.variants[4].content == .object([("subject", .string("long")), ("button", .string("green"))]))
            #expect(test.factors.count == 2)
            let refused = try await h.failure(
                "CreateTest",
                #"{"test": {"campaignId": "\#(h.campaign)", "name": "x", "type": "TEST_TYPE_CONTENT", "factors": [{"name": "f", "levels": ["1"]}]}}"#
            )
            #expect(refused.message.contains("test.type: factors need TEST_TYPE_MULTIVARIATE"))
            #expect(refused.message.contains("test.factors[0].levels: 1 levels"))
            // Factors of many levels each: refused by count, not multiplied into an overflow.
            let levels = (0..<20_000).map { "\"l\($0)\"" }.joined(separator: ",")
            let factors = (0..<5).map { #"{"name": "f\#($0)", "levels": [\#(levels)]}"# }.joined(separator: ",")
            let huge = try await h.failure(
                "CreateTest",
                #"{"test": {"campaignId": "\#(h.campaign)", "name": "x", "type": "TEST_TYPE_MULTIVARIATE", "factors": [\#(factors)]}}"#
            )
            #expect(huge.code == .invalidArgument)
            #expect(huge.message.contains("test.factors: more than 20 combinations"))
        }
    }
}
