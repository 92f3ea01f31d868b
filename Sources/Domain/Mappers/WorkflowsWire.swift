import Codec

/// `herald.workflows.v1` messages to and from the workflow domain types.
extension WorkflowDefinition {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        var nodes: [WorkflowNode] = []
        for (i, node) in m.messages(2).enumerated() {
            nodes.append(WorkflowNode(wire: node, at: path.field("nodes").index(i), &issues))
        }
        self.init(
            id: m.string(1), nodes: nodes,
            edges: m.map(3) {
                WorkflowEdge(id: $0.string(1), source: $0.string(2), target: $0.string(3), label: $0.string(4))
            },
            variables: m.map(4) {
                WorkflowVariable(
                    name: $0.string(1), type: $0.string(2), defaultValue: $0.message(3).map(WellKnownWire.value))
            },
            settings: m.message(5).map {
                WorkflowSettings(
                    maxExecutionTime: $0.timeSpan(1), retryAttempts: $0.int32(2), retryDelay: $0.timeSpan(3),
                    parallelExecutionLimit: $0.int32(4))
            })
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id)
        b.messages(2, count: nodes.count) { nodes[$0].write(to: $1) }
        b.messages(3, count: edges.count) { i, e in
            e.set(1, edges[i].id)
            e.set(2, edges[i].source)
            e.set(3, edges[i].target)
            e.set(4, edges[i].label)
        }
        b.messages(4, count: variables.count) { i, v in
            v.set(1, variables[i].name)
            v.set(2, variables[i].type)
            v.set(3, value: variables[i].defaultValue)
        }
        if let settings {
            b.message(5) { s in
                s.set(1, timeSpan: settings.maxExecutionTime)
                s.set(2, settings.retryAttempts)
                s.set(3, timeSpan: settings.retryDelay)
                s.set(4, settings.parallelExecutionLimit)
            }
        }
    }
}

extension WorkflowNode {
    init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        var config: NodeConfig?
        if let c = m.message(5) {
            let configPath = path.field("config")
            switch c.oneofCase("kind") {
            case 1:
                let message = c.message(1)!
                config = .message(
                    MessageNodeConfig(
                        channel: NotificationChannel.read(
                            message.enumValue(1), configPath.field("message.channel"), &issues, required: false),
                        content: message.message(2).map {
                            MessageContent(
                                subject: $0.string(1), body: $0.string(2), templateID: $0.string(3),
                                extras: $0.object(4))
                        }))
            case 2:
                let delay = c.message(2)!
                config = .delay(DelayNodeConfig(duration: delay.timeSpan(1), untilTimeOfDay: delay.string(2)))
            case 3:
                config = .condition(expression: c.message(3)!.string(1))
            case 4:
                config = .split(
                    branches: c.message(4)!.map(1) { SplitBranch(label: $0.string(1), weight: $0.int32(2)) })
            default:
                config = nil
            }
        }
        self.init(
            id: m.string(1), type: NodeType.read(m.enumValue(2), path.field("type"), &issues, required: false),
            position: m.message(3).map { Position(x: $0.double(1), y: $0.double(2)) }, data: m.object(4), config: config
        )
    }

    func write(to b: MessageBuilder) {
        b.set(1, id)
        b.set(2, enum: type)
        if let position {
            b.message(3) {
                $0.set(1, position.x)
                $0.set(2, position.y)
            }
        }
        b.set(4, object: data)
        guard let config else { return }
        b.message(5) { c in
            switch config {
            case .message(let message):
                c.message(1) { m in
                    m.set(1, enum: message.channel)
                    if let content = message.content {
                        m.message(2) {
                            $0.set(1, content.subject)
                            $0.set(2, content.body)
                            $0.set(3, content.templateID)
                            $0.set(4, object: content.extras)
                        }
                    }
                }
            case .delay(let delay):
                c.message(2) {
                    $0.set(1, timeSpan: delay.duration)
                    $0.set(2, delay.untilTimeOfDay)
                }
            case .condition(let expression):
                c.message(3) { $0.set(1, expression) }
            case .split(let branches):
                c.message(4) { s in
                    s.messages(1, count: branches.count) { i, branch in
                        branch.set(1, branches[i].label)
                        branch.set(2, branches[i].weight)
                    }
                }
            }
        }
    }
}

extension WorkflowDefinition: WireMapped {}

extension Workflow: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            id: issues.requiredUUID(m.string(1), at: path.field("id")),
            campaignID: issues.requiredUUID(m.string(2), at: path.field("campaign_id")),
            definition: m.read(3, at: path.field("definition"), &issues) ?? WorkflowDefinition(), version: m.int64(4),
            createdAt: m.requiredDate(5), updatedAt: m.requiredDate(6),
            createdBy: issues.requiredUUID(m.string(7), at: path.field("created_by")))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: id)
        b.set(2, id: campaignID)
        b.set(3, definition)
        b.set(4, version)
        b.set(5, date: createdAt)
        b.set(6, date: updatedAt)
        b.set(7, id: createdBy)
    }
}

extension WorkflowContext: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            campaignID: issues.requiredUUID(m.string(1), at: path.field("campaign_id")),
            campaignExecutionID: issues.optionalUUID(m.string(2), at: path.field("campaign_execution_id")),
            userIDs: issues.uuids(m.strings(3), at: path.field("user_ids")), variables: m.object(4),
            triggeredBy: m.string(5))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: campaignID)
        b.set(2, id: campaignExecutionID)
        b.set(3, ids: userIDs)
        b.set(4, object: variables)
        b.set(5, triggeredBy)
    }
}

extension WorkflowExecution: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            id: issues.requiredUUID(m.string(1), at: path.field("id")),
            workflowID: issues.requiredUUID(m.string(2), at: path.field("workflow_id")),
            context: m.read(3, at: path.field("context"), &issues),
            status: .required(m.enumValue(4), path.field("status"), &issues), startedAt: m.date(5),
            completedAt: m.date(6))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: id)
        b.set(2, id: workflowID)
        b.set(3, context)
        b.set(4, enum: status)
        b.set(5, date: startedAt)
        b.set(6, date: completedAt)
    }
}

extension WorkflowStatus: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            executionID: issues.requiredUUID(m.string(1), at: path.field("execution_id")),
            status: .required(m.enumValue(2), path.field("status"), &issues), usersTotal: m.int64(3),
            usersActive: m.int64(4),
            usersCompleted: m.int64(5), usersFailed: m.int64(6), usersAtNode: m.dictionary(7) { $0.int64(2) },
            messagesSent: m.dictionary(8) { $0.int64(2) }, updatedAt: m.date(9), errors: m.strings(10))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: executionID)
        b.set(2, enum: status)
        b.set(3, usersTotal)
        b.set(4, usersActive)
        b.set(5, usersCompleted)
        b.set(6, usersFailed)
        b.set(7, dictionary: usersAtNode) { $1.set(2, $0) }
        b.set(8, dictionary: messagesSent) { $1.set(2, $0) }
        b.set(9, date: updatedAt)
        b.set(10, repeated: errors)
    }
}

extension WorkflowOptimization: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            workflowID: issues.requiredUUID(m.string(1), at: path.field("workflow_id")),
            suggestions: m.map(2) {
                OptimizationSuggestion(nodeID: $0.string(1), suggestion: $0.string(2), expectedLift: $0.double(3))
            },
            executionsAnalyzed: m.int64(3))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: workflowID)
        b.messages(2, count: suggestions.count) { i, s in
            s.set(1, suggestions[i].nodeID)
            s.set(2, suggestions[i].suggestion)
            s.set(3, suggestions[i].expectedLift)
        }
        b.set(3, executionsAnalyzed)
    }
}
