import Codec
import Domain
import Foundation

/// Valid campaign definitions the tests start from and then break one field at a time.
enum Fixtures {
    static let segment = "3f0e7a2c-1111-4222-8333-944455556666"

    /// start -> condition -(true)-> email -> end; condition -(false)-> delay -> sms -> end.
    static var workflow: WorkflowDefinition {
        WorkflowDefinition(
            nodes: [
                WorkflowNode(id: "start", type: .start),
                WorkflowNode(id: "engaged", type: .condition, config: .condition(expression: "user.opens_30d > 0")),
                WorkflowNode(
                    id: "mail", type: .message,
                    config: .message(
                        MessageNodeConfig(
                            channel: .email, content: MessageContent(subject: "Hi {{first_name}}", body: "Welcome!")))),
                WorkflowNode(
                    id: "wait", type: .delay, config: .delay(DelayNodeConfig(duration: TimeSpan(seconds: 86_400)))),
                WorkflowNode(
                    id: "text", type: .message,
                    config: .message(MessageNodeConfig(channel: .sms, content: MessageContent(body: "We miss you")))),
                WorkflowNode(id: "end", type: .end),
            ],
            edges: [
                WorkflowEdge(id: "e1", source: "start", target: "engaged"),
                WorkflowEdge(id: "e2", source: "engaged", target: "mail", label: "true"),
                WorkflowEdge(id: "e3", source: "engaged", target: "wait", label: "false"),
                WorkflowEdge(id: "e4", source: "wait", target: "text"),
                WorkflowEdge(id: "e5", source: "mail", target: "end"),
                WorkflowEdge(id: "e6", source: "text", target: "end"),
            ])
    }

    static var definition: CampaignDefinition {
        CampaignDefinition(
            name: "Welcome series", description: "New sign-ups", type: .oneTime, channels: [.email, .sms],
            targetSegments: [segment],
            workflow: workflow,
            personalization: PersonalizationConfig(
                enabled: true, profileFields: ["first_name"], fallbackValues: ["first_name": "there"]),
            abTests: [
                ABTestConfig(
                    name: "subject", type: .subjectLine,
                    variants: [
                        VariantConfig(id: "a", name: "A", allocation: 50, content: ["subject": .string("Hi")]),
                        VariantConfig(id: "b", name: "B", allocation: 50, content: ["subject": .string("Hello")]),
                    ], successMetric: "open_rate", trafficPercentage: 20)
            ],
            schedule: CampaignSchedule(
                type: .immediate, timezone: "Europe/Paris",
                businessHours: BusinessHours(days: [1, 2, 3, 4, 5], startTime: "09:00", endTime: "18:00")),
            budget: CampaignBudget(
                total: 1000, currency: "EUR", dailyLimit: 100, costPerMessage: ["email": 0.001, "sms": 0.05]),
            goals: [CampaignGoal(metric: "open_rate", target: 0.3, window: TimeSpan(seconds: 604_800))],
            tags: ["onboarding", "q4"], metadata: ["owner": .string("growth"), "priority": .number("2")])
    }
}
