import CampaignManager
import Domain
import Foundation
import HeraldCore
import Testing

@Suite("Campaign validation")
struct ValidationTests {
    func issues(_ change: (inout CampaignDefinition) -> Void) -> [String] {
        var definition = Fixtures.definition
        change(&definition)
        var issues = FieldIssues()
        CampaignValidator(maxWorkflowNodes: 10).validate(definition, at: "campaign", into: &issues)
        return issues.issues.map(\.description)
    }

    @Test("the fixture campaign is valid")
    func valid() { #expect(issues { _ in }.isEmpty) }

    /// Each broken definition and a fragment of the one issue it must produce.
    static let cases: [(String, @Sendable (inout CampaignDefinition) -> Void, String)] = [
        ("empty name", { $0.name = "  " }, "campaign.name: required"),
        ("long name", { $0.name = String(repeating: "x", count: 256) }, "campaign.name: 256 characters"),
        ("no type", { $0.type = nil }, "campaign.type: required; expected CAMPAIGN_TYPE_ONE_TIME"),
        (
            "node without type", { $0.workflow.nodes[5].type = nil },
            "campaign.workflow.nodes[5].type: required; expected NODE_TYPE_START"
        ),
        (
            "no channels",
            {
                $0.channels = []
                $0.workflow.nodes.removeAll { $0.type == .message }
                $0.workflow.edges = []
            }, "campaign.channels: at least one"
        ),
        (
            "duplicate channel", { $0.channels = [.email, .sms, .email] },
            "campaign.channels[2]: duplicate channel email"
        ),
        ("bad segment", { $0.targetSegments = ["seg-1"] }, "campaign.target_segments[0]: expected a segment id"),
        (
            "message channel outside the campaign's", { $0.channels = [.email] },
            "campaign.workflow.nodes[4].config.message.channel: sms is not one of"
        ),
        (
            "two start nodes", { $0.workflow.nodes.append(.init(id: "start2", type: .start)) },
            "exactly one start node required, found 2"
        ),
        (
            "dangling edge", { $0.workflow.edges.append(.init(id: "e9", source: "mail", target: "nowhere")) },
            "campaign.workflow.edges[6].target: no node \"nowhere\""
        ),
        (
            "unreachable node", { $0.workflow.nodes.append(.init(id: "island", type: .end)) },
            "campaign.workflow.nodes[6]: node \"island\" is not reachable"
        ),
        (
            "cycle without delay", { $0.workflow.edges[4] = .init(id: "e5", source: "mail", target: "engaged") },
            "cycle without a delay node: \"engaged\" -> \"mail\" -> \"engaged\""
        ),
        (
            "message without content", { $0.workflow.nodes[2].config = .message(.init(channel: .email, content: nil)) },
            "campaign.workflow.nodes[2].config.message.content: a message needs a body"
        ),
        (
            "email without subject",
            { $0.workflow.nodes[2].config = .message(.init(channel: .email, content: .init(body: "x"))) },
            "content.subject: an email needs a subject"
        ),
        (
            "delay without duration", { $0.workflow.nodes[3].config = .delay(.init(duration: nil)) },
            "campaign.workflow.nodes[3].config.delay.duration: a positive duration"
        ),
        (
            "node drawn at no finite position", { $0.workflow.nodes[1].position = .init(x: .nan, y: -.infinity) },
            "campaign.workflow.nodes[1].position.y: must be a finite number"
        ),
        (
            "condition without expression", { $0.workflow.nodes[1].config = .condition(expression: " ") },
            "config.condition.expression: an expression is required"
        ),
        (
            "config of another type", { $0.workflow.nodes[1].config = .delay(.init(duration: TimeSpan(seconds: 1))) },
            "a condition node needs condition configuration, not delay"
        ),
        (
            "split weights",
            {
                $0.workflow.nodes[1] = .init(
                    id: "engaged", type: .split,
                    config: .split(branches: [.init(label: "true", weight: 70), .init(label: "false", weight: 20)]))
            }, "config.split.branches: weights must sum to 100, got 90"
        ),
        (
            "too many nodes",
            {
                for i in 0..<5 {
                    $0.workflow.nodes.append(.init(id: "m\(i)", type: .merge))
                    $0.workflow.edges.append(.init(source: "start", target: "m\(i)"))
                }
            }, "campaign.workflow.nodes: 11 nodes; at most 10"
        ),
        (
            "unknown time zone", { $0.schedule?.timezone = "Mars/Olympus" },
            "campaign.schedule.timezone: unknown IANA time zone"
        ),
        (
            "start after end",
            {
                $0.schedule?.startDate = Date(timeIntervalSince1970: 2_000_000_000)
                $0.schedule?.endDate = Date(timeIntervalSince1970: 1_900_000_000)
            }, "campaign.schedule.end_date: must be after start_date"
        ),
        (
            "business hours reversed",
            { $0.schedule?.businessHours = .init(days: [1], startTime: "18:00", endTime: "09:00") },
            "business_hours.end_time: must be after start_time 18:00"
        ),
        (
            "business hours bad day",
            { $0.schedule?.businessHours = .init(days: [8], startTime: "09:00", endTime: "18:00") },
            "business_hours.days[0]: expected an ISO weekday"
        ),
        (
            "scheduled without start", { $0.schedule?.type = .scheduled },
            "campaign.schedule.start_date: required for a scheduled campaign"
        ),
        (
            "recurring campaign, immediate schedule", { $0.type = .recurring },
            "campaign.schedule.type: a recurring campaign needs a recurring schedule"
        ),
        (
            "bad cron",
            {
                $0.type = .recurring
                $0.schedule?.type = .recurring
                $0.schedule?.recurrence = .init(frequency: .cron, cron: "61 * * * *")
            }, "frequency.cron: minute field \"61\""
        ),
        (
            "weekly without days",
            {
                $0.type = .recurring
                $0.schedule?.type = .recurring
                $0.schedule?.recurrence = .init(frequency: .weekly)
            }, "frequency.days_of_week: a weekly recurrence needs ISO weekdays"
        ),
        ("negative budget", { $0.budget?.total = -1 }, "campaign.budget.total: must be a non-negative amount"),
        (
            "daily limit above total", { $0.budget?.dailyLimit = 2000 },
            "campaign.budget.daily_limit: must not exceed total"
        ),
        ("bad currency", { $0.budget?.currency = "euro" }, "campaign.budget.currency: expected an ISO 4217 code"),
        (
            "cost of an unknown channel", { $0.budget?.costPerMessage["fax"] = 1 },
            "campaign.budget.cost_per_message[\"fax\"]: expected a channel name"
        ),
        (
            "unknown goal metric", { $0.goals[0].metric = "happiness" },
            "campaign.goals[0].metric: unknown metric \"happiness\""
        ),
        ("rate goal above 1", { $0.goals[0].target = 30 }, "campaign.goals[0].target: a rate is a fraction"),
        (
            "A/B allocations", { $0.abTests[0].variants[1].allocation = 40 },
            "campaign.ab_tests[0].variants: allocations must sum to 100, got 90"
        ),
        (
            "A/B one variant",
            {
                $0.abTests[0].variants.removeLast()
                $0.abTests[0].variants[0].allocation = 100
            }, "campaign.ab_tests[0].variants: an A/B test needs at least two variants"
        ),
        (
            "A/B traffic", { $0.abTests[0].trafficPercentage = 0 },
            "campaign.ab_tests[0].traffic_percentage: must be in (0, 100]"
        ),
        ("duplicate tag", { $0.tags = ["a", "a"] }, "campaign.tags[1]: duplicate tag \"a\""),
    ]

    @Test("each broken field is reported at its path", arguments: cases.indices)
    func broken(_ index: Int) {
        let (name, change, expected) = Self.cases[index]
        let found = issues(change)
        #expect(found.contains { $0.contains(expected) }, "\(name): expected \(expected), got \(found)")
    }

    @Test("a loop through a delay node is allowed")
    func loopThroughDelay() {
        #expect(issues { $0.workflow.edges.append(.init(id: "again", source: "text", target: "wait")) }.isEmpty)
    }

    @Test("every problem is reported at once")
    func allAtOnce() {
        let found = issues {
            $0.name = ""
            $0.budget?.currency = "x"
            $0.workflow.edges.append(.init(source: "a", target: "b"))
        }
        #expect(found.count == 4, "\(found)")  // name, currency, and the edge's source and target
    }
}

@Suite("Campaign lifecycle")
struct LifecycleTests {
    static let legal: [(CampaignStatus, CampaignTransition, CampaignStatus)] = [
        (.draft, .schedule, .scheduled), (.draft, .activate, .active), (.scheduled, .activate, .active),
        (.active, .pause, .paused),
        (.paused, .resume, .active), (.active, .complete, .completed), (.paused, .complete, .completed),
        (.completed, .archive, .archived),
        (.draft, .terminate, .completed), (.scheduled, .terminate, .completed), (.active, .terminate, .completed),
        (.paused, .terminate, .completed),
    ]

    @Test("legal transitions", arguments: legal.indices)
    func legalTransition(_ i: Int) throws {
        let (from, transition, to) = Self.legal[i]
        #expect(try from.applying(transition) == to)
    }

    @Test("every other transition is FAILED_PRECONDITION naming the state and the transition")
    func illegal() {
        for status in CampaignStatus.allCases {
            for transition in CampaignTransition.allCases
            where !Self.legal.contains(where: { $0.0 == status && $0.1 == transition }) {
                #expect(throws: IllegalTransition(status: status, transition: transition)) {
                    try status.applying(transition)
                }
            }
        }
        let error = IllegalTransition(status: .archived, transition: .pause)
        #expect(error.statusCode == .failedPrecondition)
        #expect(error.statusMessage == "cannot pause a campaign that is archived (pause needs active)")
    }
}
