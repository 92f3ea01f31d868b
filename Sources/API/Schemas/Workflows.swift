import Codec

/// `herald/workflows/v1/workflows.proto`.
enum WorkflowSchemas {
    static let w = "herald.workflows.v1."
    static let ts = WellKnownTypes.timestamp
    static let duration = WellKnownTypes.duration

    static let messages = [
        MessageSchema(w + "Position", [.init(1, "x", .double), .init(2, "y", .double)]),
        MessageSchema(
            w + "MessageContent",
            [
                .init(1, "subject", .string), .init(2, "body", .string), .init(3, "template_id", .string),
                .message(4, "extras", WellKnownTypes.structType),
            ]),
        MessageSchema(
            w + "MessageNodeConfig",
            [
                .init(1, "channel", .enumeration("herald.common.v1.NotificationChannel")),
                .message(2, "content", w + "MessageContent"),
            ]),
        MessageSchema(
            w + "DelayNodeConfig", [.message(1, "duration", duration), .init(2, "until_time_of_day", .string)]),
        MessageSchema(w + "ConditionNodeConfig", [.init(1, "expression", .string)]),
        MessageSchema(w + "SplitBranch", [.init(1, "label", .string), .init(2, "weight", .int32)]),
        MessageSchema(w + "SplitNodeConfig", [.message(1, "branches", w + "SplitBranch", .repeated)]),
        MessageSchema(
            w + "NodeConfig",
            [
                .init(1, "message", .message(w + "MessageNodeConfig"), oneof: "kind"),
                .init(2, "delay", .message(w + "DelayNodeConfig"), oneof: "kind"),
                .init(3, "condition", .message(w + "ConditionNodeConfig"), oneof: "kind"),
                .init(4, "split", .message(w + "SplitNodeConfig"), oneof: "kind"),
            ]),
        MessageSchema(
            w + "WorkflowNode",
            [
                .init(1, "id", .string), .init(2, "type", .enumeration(w + "NodeType")),
                .message(3, "position", w + "Position"),
                .message(4, "data", WellKnownTypes.structType), .message(5, "config", w + "NodeConfig"),
            ]),
        MessageSchema(
            w + "WorkflowEdge",
            [
                .init(1, "id", .string), .init(2, "source", .string), .init(3, "target", .string),
                .init(4, "label", .string),
            ]),
        MessageSchema(
            w + "WorkflowVariable",
            [
                .init(1, "name", .string), .init(2, "type", .string),
                .message(3, "default_value", WellKnownTypes.value),
            ]),
        MessageSchema(
            w + "WorkflowSettings",
            [
                .message(1, "max_execution_time", duration), .init(2, "retry_attempts", .int32),
                .message(3, "retry_delay", duration),
                .init(4, "parallel_execution_limit", .int32),
            ]),
        MessageSchema(
            w + "WorkflowDefinition",
            [
                .init(1, "id", .string), .message(2, "nodes", w + "WorkflowNode", .repeated),
                .message(3, "edges", w + "WorkflowEdge", .repeated),
                .message(4, "variables", w + "WorkflowVariable", .repeated),
                .message(5, "settings", w + "WorkflowSettings"),
            ]),
        MessageSchema(
            w + "Workflow",
            [
                .init(1, "id", .string), .init(2, "campaign_id", .string),
                .message(3, "definition", w + "WorkflowDefinition"),
                .init(4, "version", .int64), .message(5, "created_at", ts), .message(6, "updated_at", ts),
                .init(7, "created_by", .string),
            ]),
        MessageSchema(
            w + "WorkflowContext",
            [
                .init(1, "campaign_id", .string), .init(2, "campaign_execution_id", .string),
                .init(3, "user_ids", .string, .repeated),
                .message(4, "variables", WellKnownTypes.structType), .init(5, "triggered_by", .string),
            ]),
        MessageSchema(
            w + "WorkflowExecution",
            [
                .init(1, "id", .string), .init(2, "workflow_id", .string),
                .message(3, "context", w + "WorkflowContext"),
                .init(4, "status", .enumeration(w + "WorkflowExecutionStatus")), .message(5, "started_at", ts),
                .message(6, "completed_at", ts),
            ]),
        .mapEntry(w + "WorkflowStatus.UsersAtNodeEntry", key: .string, value: .int64),
        .mapEntry(w + "WorkflowStatus.MessagesSentEntry", key: .string, value: .int64),
        MessageSchema(
            w + "WorkflowStatus",
            [
                .init(1, "execution_id", .string), .init(2, "status", .enumeration(w + "WorkflowExecutionStatus")),
                .init(3, "users_total", .int64), .init(4, "users_active", .int64), .init(5, "users_completed", .int64),
                .init(6, "users_failed", .int64),
                .map(7, "users_at_node", entry: w + "WorkflowStatus.UsersAtNodeEntry"),
                .map(8, "messages_sent", entry: w + "WorkflowStatus.MessagesSentEntry"), .message(9, "updated_at", ts),
                .init(10, "errors", .string, .repeated),
            ]),
        MessageSchema(
            w + "OptimizationSuggestion",
            [
                .init(1, "node_id", .string), .init(2, "suggestion", .string), .init(3, "expected_lift", .double),
            ]),
        MessageSchema(
            w + "WorkflowOptimization",
            [
                .init(1, "workflow_id", .string), .message(2, "suggestions", w + "OptimizationSuggestion", .repeated),
                .init(3, "executions_analyzed", .int64),
            ]),
        MessageSchema(
            w + "CreateWorkflowRequest",
            [
                .init(1, "campaign_id", .string), .message(2, "definition", w + "WorkflowDefinition"),
                .init(3, "created_by", .string),
            ]),
        MessageSchema(w + "CreateWorkflowResponse", [.message(1, "workflow", w + "Workflow")]),
        MessageSchema(w + "GetWorkflowRequest", [.init(1, "workflow_id", .string)]),
        MessageSchema(w + "GetWorkflowResponse", [.message(1, "workflow", w + "Workflow")]),
        MessageSchema(w + "ListWorkflowsRequest", [.init(1, "campaign_id", .string), CommonSchemas.page(2)]),
        MessageSchema(
            w + "ListWorkflowsResponse",
            [.message(1, "workflows", w + "Workflow", .repeated), CommonSchemas.pageResponse(2)]),
        MessageSchema(w + "DeleteWorkflowRequest", [.init(1, "workflow_id", .string)]),
        MessageSchema(w + "DeleteWorkflowResponse", []),
        MessageSchema(
            w + "ExecuteWorkflowRequest",
            [
                .init(1, "workflow_id", .string), .message(2, "context", w + "WorkflowContext"),
                .init(3, "idempotency_key", .string),
            ]),
        MessageSchema(w + "ExecuteWorkflowResponse", [.message(1, "execution", w + "WorkflowExecution")]),
        MessageSchema(w + "PauseWorkflowRequest", [.init(1, "execution_id", .string)]),
        MessageSchema(w + "PauseWorkflowResponse", []),
        MessageSchema(w + "ResumeWorkflowRequest", [.init(1, "execution_id", .string)]),
        MessageSchema(w + "ResumeWorkflowResponse", []),
        MessageSchema(w + "GetWorkflowStatusRequest", [.init(1, "execution_id", .string)]),
        MessageSchema(w + "GetWorkflowStatusResponse", [.message(1, "status", w + "WorkflowStatus")]),
        MessageSchema(w + "WatchWorkflowStatusRequest", [.init(1, "execution_id", .string)]),
        MessageSchema(w + "WatchWorkflowStatusResponse", [.message(1, "status", w + "WorkflowStatus")]),
        MessageSchema(w + "OptimizeWorkflowRequest", [.init(1, "workflow_id", .string)]),
        MessageSchema(w + "OptimizeWorkflowResponse", [.message(1, "optimization", w + "WorkflowOptimization")]),
    ]

    static let enums = [
        EnumSchema(
            w + "NodeType",
            [
                ("NODE_TYPE_UNSPECIFIED", 0), ("NODE_TYPE_START", 1), ("NODE_TYPE_END", 2), ("NODE_TYPE_MESSAGE", 3),
                ("NODE_TYPE_DELAY", 4), ("NODE_TYPE_CONDITION", 5), ("NODE_TYPE_SPLIT", 6), ("NODE_TYPE_MERGE", 7),
            ]),
        EnumSchema(
            w + "WorkflowExecutionStatus",
            [
                ("WORKFLOW_EXECUTION_STATUS_UNSPECIFIED", 0), ("WORKFLOW_EXECUTION_STATUS_PENDING", 1),
                ("WORKFLOW_EXECUTION_STATUS_RUNNING", 2), ("WORKFLOW_EXECUTION_STATUS_PAUSED", 3),
                ("WORKFLOW_EXECUTION_STATUS_COMPLETED", 4), ("WORKFLOW_EXECUTION_STATUS_FAILED", 5),
                ("WORKFLOW_EXECUTION_STATUS_CANCELLED", 6),
            ]),
    ]

    static let services = [
        ServiceSchema(
            w + "WorkflowEngine",
            unary(
                w,
                [
                    "CreateWorkflow", "GetWorkflow", "ListWorkflows", "DeleteWorkflow", "ExecuteWorkflow",
                    "PauseWorkflow", "ResumeWorkflow",
                    "GetWorkflowStatus", "OptimizeWorkflow",
                ]) + [serverStream(w, "WatchWorkflowStatus")])
    ]
}

/// Methods named `X` taking `XRequest` and returning `XResponse`, as every Herald method does.
func unary(_ package: String, _ names: [String]) -> [ServiceSchema.Method] {
    names.map { .init($0, package + $0 + "Request", package + $0 + "Response") }
}

func serverStream(_ package: String, _ name: String) -> ServiceSchema.Method {
    .init(name, package + name + "Request", package + name + "Response", serverStreaming: true)
}
