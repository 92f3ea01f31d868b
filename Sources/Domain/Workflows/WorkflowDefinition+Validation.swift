/// The rules a workflow graph must follow before anything runs it (the campaign manager checks them on every
/// create and update; the workflow engine relies on them).
extension WorkflowDefinition {
    /// Adds an issue under `path` for everything wrong with the graph.
    public func validate(at path: String, maxNodes: Int, into issues: inout FieldIssues) {
        if nodes.isEmpty {
            issues.add(path.field("nodes"), "a workflow needs at least a start node")
            return
        }
        // Past the size limits the graph's other rules go unchecked: the request is refused anyway, and checking a
        // graph costs time in proportion to a size no campaign may have.
        if nodes.count > maxNodes {
            issues.add(path.field("nodes"), "\(nodes.count) nodes; at most \(maxNodes) allowed")
            return
        }
        if edges.count > maxNodes * 10 {
            issues.add(path.field("edges"), "\(edges.count) edges; at most \(maxNodes * 10) allowed")
            return
        }
        var indexByID: [String: Int] = [:]
        for (i, node) in nodes.enumerated() {
            let nodePath = path.field("nodes").index(i)
            if node.id.isEmpty {
                issues.add(nodePath.field("id"), "required")
            } else if let first = indexByID[node.id] {
                issues.add(nodePath.field("id"), "duplicate node id \"\(node.id)\" (also nodes[\(first)])")
            } else {
                indexByID[node.id] = i
            }
            if let position = node.position {
                issues.check(position.x.isFinite, nodePath.field("position").field("x"), "must be a finite number")
                issues.check(position.y.isFinite, nodePath.field("position").field("y"), "must be a finite number")
            }
            node.validateConfig(at: nodePath, into: &issues)
        }
        let starts = nodes.indices.filter { nodes[$0].type == .start }
        if starts.count != 1 {
            issues.add(path.field("nodes"), "exactly one start node required, found \(starts.count)")
        }

        var successors = [[Int]](repeating: [], count: nodes.count)
        var outgoing = [[WorkflowEdge]](repeating: [], count: nodes.count)
        var edgeIDs: Set<String> = []
        for (i, edge) in edges.enumerated() {
            let edgePath = path.field("edges").index(i)
            if !edge.id.isEmpty && !edgeIDs.insert(edge.id).inserted {
                issues.add(edgePath.field("id"), "duplicate edge id \"\(edge.id)\"")
            }
            let source = indexByID[edge.source]
            let target = indexByID[edge.target]
            if source == nil { issues.add(edgePath.field("source"), "no node \"\(edge.source)\"") }
            if target == nil { issues.add(edgePath.field("target"), "no node \"\(edge.target)\"") }
            guard let source, let target else { continue }
            if nodes[target].type == .start { issues.add(edgePath.field("target"), "no edge may enter the start node") }
            if nodes[source].type == .end { issues.add(edgePath.field("source"), "an end node has no outgoing edges") }
            successors[source].append(target)
            outgoing[source].append(edge)
        }
        for (i, node) in nodes.enumerated() {
            validateBranches(of: node, outgoing[i], at: path.field("nodes").index(i), into: &issues)
        }
        guard starts.count == 1 else { return }

        // Every node reachable from the start.
        var reached = [Bool](repeating: false, count: nodes.count)
        var stack = [starts[0]]
        reached[starts[0]] = true
        while let node = stack.popLast() {
            for next in successors[node] where !reached[next] {
                reached[next] = true
                stack.append(next)
            }
        }
        for i in nodes.indices where !reached[i] && !nodes[i].id.isEmpty {
            issues.add(path.field("nodes").index(i), "node \"\(nodes[i].id)\" is not reachable from the start node")
        }
        if let cycle = cycleWithoutDelay(successors) {
            issues.add(
                path.field("edges"),
                "cycle without a delay node: "
                    + (cycle + [cycle[0]]).map { "\"\(nodes[$0].id)\"" }.joined(separator: " -> "))
        }
    }

    /// A cycle none of whose nodes is a delay node (a loop that would spin without waiting), as node indices.
    func cycleWithoutDelay(_ successors: [[Int]]) -> [Int]? {
        enum Mark { case unvisited, onPath, done }
        var marks = [Mark](repeating: .unvisited, count: nodes.count)
        var path: [Int] = []
        func visit(_ node: Int) -> [Int]? {
            marks[node] = .onPath
            path.append(node)
            for next in successors[node] where nodes[next].type != .delay {
                switch marks[next] {
                case .onPath: return Array(path[path.firstIndex(of: next)!...])
                case .unvisited: if let cycle = visit(next) { return cycle }
                case .done: break
                }
            }
            path.removeLast()
            marks[node] = .done
            return nil
        }
        for node in nodes.indices where marks[node] == .unvisited && nodes[node].type != .delay {
            if let cycle = visit(node) { return cycle }
        }
        return nil
    }

    /// Condition nodes branch on "true"/"false"; split nodes on their branch labels.
    func validateBranches(
        of node: WorkflowNode, _ outgoing: [WorkflowEdge], at path: String, into issues: inout FieldIssues
    ) {
        switch node.config {
        case .condition:
            let labels = Set(outgoing.map(\.label))
            if outgoing.isEmpty || !labels.isSubset(of: ["true", "false"]) {
                issues.add(path, "a condition node's outgoing edges are labelled \"true\" or \"false\"")
            }
        case .split(let branches):
            let names = Set(branches.map(\.label))
            for edge in outgoing where !names.contains(edge.label) {
                issues.add(
                    path, "edge \"\(edge.id)\" out of split node \"\(node.id)\" names no branch (\"\(edge.label)\")")
            }
        default:
            break
        }
    }
}

extension WorkflowNode {
    func validateConfig(at path: String, into issues: inout FieldIssues) {
        guard let type else {
            issues.add(path.field("type"), "required; expected \(NodeType.expectedNames)")
            return
        }
        let configPath = path.field("config")
        switch (type, config) {
        case (.start, nil), (.end, nil), (.merge, nil):
            return
        case (.start, .some), (.end, .some), (.merge, .some):
            issues.add(configPath, "a \(type.rawValue) node takes no configuration")
        case (_, nil):
            issues.add(configPath, "required for a \(type.rawValue) node")
        case (_, .some(let config)) where config.nodeType != type:
            issues.add(
                configPath,
                "a \(type.rawValue) node needs \(type.rawValue) configuration, not \(config.nodeType.rawValue)")
        case (_, .message(let message)):
            let messagePath = configPath.field("message")
            issues.check(message.channel != nil, messagePath.field("channel"), "required")
            let content = message.content
            issues.check(
                content.map { !$0.body.isEmpty || !$0.templateID.isEmpty } ?? false, messagePath.field("content"),
                "a message needs a body or a template_id")
            if message.channel == .email, let content, content.subject.isEmpty, content.templateID.isEmpty {
                issues.add(messagePath.field("content.subject"), "an email needs a subject")
            }
        case (_, .delay(let delay)):
            let delayPath = configPath.field("delay")
            issues.check(
                delay.duration?.isPositive ?? false, delayPath.field("duration"), "a positive duration is required")
            if !delay.untilTimeOfDay.isEmpty && ClockTime(delay.untilTimeOfDay) == nil {
                issues.add(delayPath.field("until_time_of_day"), "expected HH:MM, got \"\(delay.untilTimeOfDay)\"")
            }
        case (_, .condition(let expression)):
            issues.check(
                !expression.allSatisfy(\.isWhitespace), configPath.field("condition.expression"),
                "an expression is required")
        case (_, .split(let branches)):
            let splitPath = configPath.field("split.branches")
            if branches.count < 2 { issues.add(splitPath, "a split needs at least two branches") }
            var labels: Set<String> = []
            for (i, branch) in branches.enumerated() {
                if branch.label.isEmpty || !labels.insert(branch.label).inserted {
                    issues.add(splitPath.index(i).field("label"), "a unique, non-empty label is required")
                }
                issues.check(
                    branch.weight > 0, splitPath.index(i).field("weight"), "must be positive, got \(branch.weight)")
            }
            let total = branches.reduce(0) { $0 + Int($1.weight) }
            issues.check(total == 100, splitPath, "weights must sum to 100, got \(total)")
        }
    }
}
