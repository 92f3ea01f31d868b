import Codec

/// What a service holds for a campaign: plain Swift values, as a campaign-manager mapper would produce.
struct CampaignValue {
    struct Node {
        var id: String
        var type: Int32
        var x: Double
        var y: Double
        var channel: Int32 = 0
        var subject = ""
        var body = ""
        var delaySeconds: Int64 = 0
        var expression = ""
    }

    struct Edge {
        var id: String
        var source: String
        var target: String
        var label: String
    }

    var id = ""
    var name = ""
    var description = ""
    var type: Int32 = 0
    var status: Int32 = 0
    var channels: [Int32] = []
    var targetSegments: [String] = []
    var nodes: [Node] = []
    var edges: [Edge] = []
    var timezone = ""
    var budgetTotal = 0.0
    var currency = ""
    var goals: [(metric: String, target: Double)] = []
    var createdAtSeconds: Int64 = 0
    var createdBy = ""
    var version: Int64 = 0
    var tags: [String] = []
    var metadata: [(key: String, value: String)] = []

    /// A campaign as a marketer would build it: a 30-node workflow, 8 tags, 6 metadata entries.
    static func realistic() -> CampaignValue {
        var campaign = CampaignValue()
        campaign.id = "7f0c2a9e-53b1-4c1e-9a55-0b2f3c4d5e6f"
        campaign.name = "Spring sale: win back lapsed shoppers"
        campaign.description = "Three-touch re-engagement across email, push and SMS with a discount for those who click."
        campaign.type = 4
        campaign.status = 1
        campaign.channels = [1, 2, 3]
        campaign.targetSegments = (0..<5).map { "segment-\($0)-3c9d2e1f" }
        campaign.nodes.append(.init(id: "start", type: 1, x: 0, y: 0))
        for index in 1...28 {
            var node = CampaignValue.Node(id: "node-\(index)", type: [3, 4, 5][index % 3], x: Double(index) * 120, y: Double(index % 4) * 80)
            switch node.type {
            case 3:
                node.channel = Int32(1 + index % 3)
                node.subject = "{{first_name}}, your spring offer #\(index) is waiting"
                node.body = "Hi {{first_name}}, take 20% off everything in {{favourite_category}} until Sunday. Code SPRING\(index)."
            case 4: node.delaySeconds = Int64(3600 * index)
            default: node.expression = "user.orders_last_90_days == 0 && event.clicked"
            }
            campaign.nodes.append(node)
        }
        campaign.nodes.append(.init(id: "end", type: 2, x: 3600, y: 0))
        for index in 0..<29 {
            campaign.edges.append(.init(id: "edge-\(index)", source: campaign.nodes[index].id, target: campaign.nodes[index + 1].id,
                                        label: campaign.nodes[index].type == 5 ? "true" : ""))
        }
        campaign.timezone = "Europe/Paris"
        campaign.budgetTotal = 25_000
        campaign.currency = "EUR"
        campaign.goals = [("conversion_rate", 0.04), ("revenue", 120_000)]
        campaign.createdAtSeconds = 1_767_225_600
        campaign.createdBy = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
        campaign.version = 7
        campaign.tags = ["spring", "win-back", "discount", "email", "push", "sms", "eu", "q2"]
        campaign.metadata = [("owner", "growth-team"), ("brief", "JIRA-4242"), ("region", "EU"), ("priority", "high"),
                             ("approved_by", "marketing-lead"), ("budget_code", "MKT-2027-Q2")]
        return campaign
    }
}

/// The campaign mapper over Herald's codec: Swift values to the wire and back.
enum CampaignMapper {
    static func write(_ c: CampaignValue, into m: MessageBuilder) {
        m.set(1, c.id)
        m.set(2, c.name)
        m.set(3, c.description)
        m.set(4, c.type)
        m.set(5, c.status)
        m.set(6, repeated: c.channels)
        m.set(7, repeated: c.targetSegments)
        m.message(8) { w in
            w.messages(2, count: c.nodes.count) { index, n in
                let node = c.nodes[index]
                n.set(1, node.id)
                n.set(2, node.type)
                n.message(3) { p in
                    p.set(1, node.x)
                    p.set(2, node.y)
                }
                n.message(5) { config in
                    switch node.type {
                    case 3:
                        config.message(1) { message in
                            message.set(1, node.channel)
                            message.message(2) { content in
                                content.set(1, node.subject)
                                content.set(2, node.body)
                            }
                        }
                    case 4: config.message(2) { delay in delay.message(1) { $0.set(1, node.delaySeconds) } }
                    case 5: config.message(3) { $0.set(1, node.expression) }
                    default: break
                    }
                }
            }
            w.messages(3, count: c.edges.count) { index, e in
                let edge = c.edges[index]
                e.set(1, edge.id)
                e.set(2, edge.source)
                e.set(3, edge.target)
                e.set(4, edge.label)
            }
        }
        m.message(11) { $0.set(4, c.timezone) }
        m.message(12) { budget in
            budget.set(1, c.budgetTotal)
            budget.set(2, c.currency)
        }
        m.messages(13, count: c.goals.count) { index, goal in
            goal.set(1, c.goals[index].metric)
            goal.set(2, c.goals[index].target)
        }
        m.message(14) { $0.set(1, c.createdAtSeconds) }
        m.set(16, c.createdBy)
        m.set(17, c.version)
        m.set(18, repeated: c.tags)
        m.message(19) { s in
            s.messages(1, count: c.metadata.count) { index, entry in
                entry.set(1, c.metadata[index].key)
                entry.message(2) { $0.set(3, c.metadata[index].value) }
            }
        }
    }

    static func read(_ m: MessageView) -> CampaignValue {
        var c = CampaignValue()
        c.id = m.string(1)
        c.name = m.string(2)
        c.description = m.string(3)
        c.type = m.enumValue(4)
        c.status = m.enumValue(5)
        c.channels = m.enumValues(6)
        c.targetSegments = m.strings(7)
        if let w = m.message(8) {
            c.nodes = w.map(2) { n in
                var node = CampaignValue.Node(id: n.string(1), type: n.enumValue(2), x: n.message(3)?.double(1) ?? 0, y: n.message(3)?.double(2) ?? 0)
                if let config = n.message(5) {
                    if let message = config.message(1) {
                        node.channel = message.enumValue(1)
                        node.subject = message.message(2)?.string(1) ?? ""
                        node.body = message.message(2)?.string(2) ?? ""
                    } else if let delay = config.message(2) {
                        node.delaySeconds = delay.message(1)?.int64(1) ?? 0
                    } else if let condition = config.message(3) {
                        node.expression = condition.string(1)
                    }
                }
                return node
            }
            c.edges = w.map(3) { .init(id: $0.string(1), source: $0.string(2), target: $0.string(3), label: $0.string(4)) }
        }
        c.timezone = m.message(11)?.string(4) ?? ""
        c.budgetTotal = m.message(12)?.double(1) ?? 0
        c.currency = m.message(12)?.string(2) ?? ""
        c.goals = m.map(13) { ($0.string(1), $0.double(2)) }
        c.createdAtSeconds = m.message(14)?.int64(1) ?? 0
        c.createdBy = m.string(16)
        c.version = m.int64(17)
        c.tags = m.strings(18)
        c.metadata = m.message(19)?.messages(1).map { ($0.string(1), $0.message(2)?.string(3) ?? "") } ?? []
        return c
    }
}

/// A small engagement event, the message analytics receives millions of.
struct EventValue {
    var id = "e-5f6a7b8c"
    var campaignId = "7f0c2a9e-53b1-4c1e-9a55-0b2f3c4d5e6f"
    var userId = "u-9a8b7c6d5e4f"
    var eventType: Int32 = 3
    var seconds: Int64 = 1_767_225_600
    var nanos: Int32 = 123_000_000
    var channel: Int32 = 1
    var deviceType = "mobile"

    static func write(_ e: EventValue, into m: MessageBuilder) {
        m.set(1, e.id)
        m.set(2, e.campaignId)
        m.set(3, e.userId)
        m.set(4, e.eventType)
        m.message(5) { t in
            t.set(1, e.seconds)
            t.set(2, e.nanos)
        }
        m.set(6, e.channel)
        m.set(7, e.deviceType)
    }

    static func read(_ m: MessageView) -> EventValue {
        var e = EventValue()
        e.id = m.string(1)
        e.campaignId = m.string(2)
        e.userId = m.string(3)
        e.eventType = m.enumValue(4)
        e.seconds = m.message(5)?.int64(1) ?? 0
        e.nanos = m.message(5)?.int32(2) ?? 0
        e.channel = m.enumValue(6)
        e.deviceType = m.string(7)
        return e
    }
}
