import Codec
import Foundation

/// The spec's workflow execution states (`herald.workflows.v1.WorkflowExecutionStatus`).
public enum WorkflowExecutionStatus: String, WireEnum {
    public static let wirePrefix = "WORKFLOW_EXECUTION_STATUS_"
    case pending, running, paused, completed, failed, cancelled
}

/// A stored workflow: a definition attached to a campaign, versioned on every change.
public struct Workflow: Equatable, Sendable {
    public var id: UUID
    public var campaignID: UUID
    public var definition: WorkflowDefinition
    public var version: Int64
    public var createdAt: Date
    public var updatedAt: Date
    public var createdBy: UUID

    public init(
        id: UUID, campaignID: UUID, definition: WorkflowDefinition, version: Int64, createdAt: Date, updatedAt: Date,
        createdBy: UUID
    ) {
        self.id = id
        self.campaignID = campaignID
        self.definition = definition
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.createdBy = createdBy
    }
}

/// What a workflow runs for: the campaign execution it carries out and its audience.
public struct WorkflowContext: Equatable, Sendable {
    public var campaignID: UUID
    public var campaignExecutionID: UUID?
    /// The audience; empty when the engine resolves it from the campaign's segments.
    public var userIDs: [UUID]
    /// Initial values of the workflow's variables (a JSON object).
    public var variables: JSONValue?
    /// Who or what started it: a user id, "schedule", "trigger:<id>".
    public var triggeredBy: String

    public init(
        campaignID: UUID, campaignExecutionID: UUID? = nil, userIDs: [UUID] = [], variables: JSONValue? = nil,
        triggeredBy: String = ""
    ) {
        self.campaignID = campaignID
        self.campaignExecutionID = campaignExecutionID
        self.userIDs = userIDs
        self.variables = variables
        self.triggeredBy = triggeredBy
    }
}

/// One run of a workflow.
public struct WorkflowExecution: Equatable, Sendable {
    public var id: UUID
    public var workflowID: UUID
    public var context: WorkflowContext?
    public var status: WorkflowExecutionStatus
    public var startedAt: Date?
    public var completedAt: Date?

    public init(
        id: UUID, workflowID: UUID, context: WorkflowContext?, status: WorkflowExecutionStatus, startedAt: Date? = nil,
        completedAt: Date? = nil
    ) {
        self.id = id
        self.workflowID = workflowID
        self.context = context
        self.status = status
        self.startedAt = startedAt
        self.completedAt = completedAt
    }
}

/// Where an execution stands: its users by state and by node, and the messages it sent per channel.
public struct WorkflowStatus: Equatable, Sendable {
    public var executionID: UUID
    public var status: WorkflowExecutionStatus
    public var usersTotal: Int64
    public var usersActive: Int64
    public var usersCompleted: Int64
    public var usersFailed: Int64
    /// Users waiting at each node, by node id.
    public var usersAtNode: [String: Int64]
    /// Messages sent, by channel name.
    public var messagesSent: [String: Int64]
    public var updatedAt: Date?
    public var errors: [String]

    public init(
        executionID: UUID, status: WorkflowExecutionStatus, usersTotal: Int64 = 0, usersActive: Int64 = 0,
        usersCompleted: Int64 = 0,
        usersFailed: Int64 = 0, usersAtNode: [String: Int64] = [:], messagesSent: [String: Int64] = [:],
        updatedAt: Date? = nil,
        errors: [String] = []
    ) {
        self.executionID = executionID
        self.status = status
        self.usersTotal = usersTotal
        self.usersActive = usersActive
        self.usersCompleted = usersCompleted
        self.usersFailed = usersFailed
        self.usersAtNode = usersAtNode
        self.messagesSent = messagesSent
        self.updatedAt = updatedAt
        self.errors = errors
    }
}

public struct OptimizationSuggestion: Equatable, Sendable {
    public var nodeID: String
    public var suggestion: String
    /// Expected relative improvement of the workflow's goal, 0.05 = 5 %.
    public var expectedLift: Double

    public init(nodeID: String, suggestion: String, expectedLift: Double) {
        self.nodeID = nodeID
        self.suggestion = suggestion
        self.expectedLift = expectedLift
    }
}

/// What past executions of a workflow suggest changing.
public struct WorkflowOptimization: Equatable, Sendable {
    public var workflowID: UUID
    public var suggestions: [OptimizationSuggestion]
    public var executionsAnalyzed: Int64

    public init(workflowID: UUID, suggestions: [OptimizationSuggestion], executionsAnalyzed: Int64) {
        self.workflowID = workflowID
        self.suggestions = suggestions
        self.executionsAnalyzed = executionsAnalyzed
    }
}
