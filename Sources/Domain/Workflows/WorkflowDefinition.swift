import Codec

/// The spec's NodeType (`herald.workflows.v1.NodeType`).
public enum NodeType: String, WireEnum {
    public static let wirePrefix = "NODE_TYPE_"
    case start, end, message, delay, condition, split, merge
}

/// A workflow graph (the spec's WorkflowDefinition): what a campaign runs for each user of its audience.
public struct WorkflowDefinition: Codable, Equatable, Sendable {
    public var id: String
    public var nodes: [WorkflowNode]
    public var edges: [WorkflowEdge]
    public var variables: [WorkflowVariable]
    public var settings: WorkflowSettings?

    public init(
        id: String = "", nodes: [WorkflowNode] = [], edges: [WorkflowEdge] = [], variables: [WorkflowVariable] = [],
        settings: WorkflowSettings? = nil
    ) {
        self.id = id
        self.nodes = nodes
        self.edges = edges
        self.variables = variables
        self.settings = settings
    }
}

public struct Position: Codable, Equatable, Sendable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

public struct WorkflowNode: Codable, Equatable, Sendable {
    public var id: String
    /// nil only in a request that left it unspecified (validation reports it).
    public var type: NodeType?
    public var position: Position?
    /// Free-form data the visual editor keeps with the node.
    public var data: JSONValue?
    public var config: NodeConfig?

    public init(
        id: String, type: NodeType?, position: Position? = nil, data: JSONValue? = nil, config: NodeConfig? = nil
    ) {
        self.id = id
        self.type = type
        self.position = position
        self.data = data
        self.config = config
    }
}

/// Type-specific node configuration: the case must match the node's type.
public enum NodeConfig: Codable, Equatable, Sendable {
    case message(MessageNodeConfig)
    case delay(DelayNodeConfig)
    case condition(expression: String)
    case split(branches: [SplitBranch])

    /// The node type this configuration belongs to.
    public var nodeType: NodeType {
        switch self {
        case .message: .message
        case .delay: .delay
        case .condition: .condition
        case .split: .split
        }
    }
}

public struct MessageNodeConfig: Codable, Equatable, Sendable {
    public var channel: NotificationChannel?
    public var content: MessageContent?
    public init(channel: NotificationChannel?, content: MessageContent?) {
        self.channel = channel
        self.content = content
    }
}

public struct MessageContent: Codable, Equatable, Sendable {
    public var subject: String
    /// Text with {{placeholders}} the personalization engine fills.
    public var body: String
    public var templateID: String
    public var extras: JSONValue?
    public init(subject: String = "", body: String = "", templateID: String = "", extras: JSONValue? = nil) {
        self.subject = subject
        self.body = body
        self.templateID = templateID
        self.extras = extras
    }
}

public struct DelayNodeConfig: Codable, Equatable, Sendable {
    public var duration: TimeSpan?
    /// HH:MM in the user's time zone, or empty.
    public var untilTimeOfDay: String
    public init(duration: TimeSpan?, untilTimeOfDay: String = "") {
        self.duration = duration
        self.untilTimeOfDay = untilTimeOfDay
    }
}

public struct SplitBranch: Codable, Equatable, Sendable {
    public var label: String
    /// Percentage of users; a split's branches sum to 100.
    public var weight: Int32
    public init(label: String, weight: Int32) {
        self.label = label
        self.weight = weight
    }
}

public struct WorkflowEdge: Codable, Equatable, Sendable {
    public var id: String
    public var source: String
    public var target: String
    /// "true"/"false" out of a condition node, the branch label out of a split node.
    public var label: String
    public init(id: String = "", source: String, target: String, label: String = "") {
        self.id = id
        self.source = source
        self.target = target
        self.label = label
    }
}

public struct WorkflowVariable: Codable, Equatable, Sendable {
    public var name: String
    /// One of string, number, bool, object, list.
    public var type: String
    public var defaultValue: JSONValue?
    public init(name: String, type: String, defaultValue: JSONValue? = nil) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
    }
}

public struct WorkflowSettings: Codable, Equatable, Sendable {
    public var maxExecutionTime: TimeSpan?
    public var retryAttempts: Int32
    public var retryDelay: TimeSpan?
    public var parallelExecutionLimit: Int32
    public init(
        maxExecutionTime: TimeSpan? = nil, retryAttempts: Int32 = 0, retryDelay: TimeSpan? = nil,
        parallelExecutionLimit: Int32 = 0
    ) {
        self.maxExecutionTime = maxExecutionTime
        self.retryAttempts = retryAttempts
        self.retryDelay = retryDelay
        self.parallelExecutionLimit = parallelExecutionLimit
    }
}
