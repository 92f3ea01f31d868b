import Domain
import Foundation
import ServiceClients

/// `herald.workflows.v1.WorkflowEngine` for other services: domain values in and out, every call through a
/// `ServiceClient`. Errors are the call's `RPCError`.
public struct WorkflowEngineClient: Sendable {
    public var client: ServiceClient { calls.client }
    let calls: ServiceCalls

    public init(_ client: ServiceClient) {
        calls = ServiceCalls(client, package: "herald.workflows.v1", service: "WorkflowEngine")
    }

    public func create(for campaign: UUID, _ definition: WorkflowDefinition, by user: UUID) async throws -> Workflow {
        try await calls.unary("CreateWorkflow", returning: "workflow") { b in
            b.set(1, id: campaign)
            b.set(2, definition)
            b.set(3, id: user)
        }
    }

    public func get(_ id: UUID) async throws -> Workflow {
        try await calls.unary("GetWorkflow", returning: "workflow") { $0.set(1, id: id) }
    }

    /// Workflows of one campaign (every campaign's when nil), `pageSize` at a time (the service's default when 0).
    public func list(campaign: UUID? = nil, pageSize: Int = 0, pageToken: String = "") async throws -> Page<Workflow> {
        try await calls.list("ListWorkflows", items: "workflows") { b in
            b.set(1, id: campaign)
            b.set(2, pageSize: pageSize, token: pageToken)
        }
    }

    public func delete(_ id: UUID) async throws {
        try await calls.unary("DeleteWorkflow") { $0.set(1, id: id) }
    }

    /// Starts an execution; the same `idempotencyKey` again returns the execution it started the first time.
    public func execute(_ id: UUID, context: WorkflowContext, idempotencyKey: String) async throws -> WorkflowExecution
    {
        try await calls.unary("ExecuteWorkflow", returning: "execution") { b in
            b.set(1, id: id)
            b.set(2, context)
            b.set(3, idempotencyKey)
        }
    }

    public func pause(execution: UUID) async throws {
        try await calls.unary("PauseWorkflow") { $0.set(1, id: execution) }
    }

    public func resume(execution: UUID) async throws {
        try await calls.unary("ResumeWorkflow") { $0.set(1, id: execution) }
    }

    public func status(execution: UUID) async throws -> WorkflowStatus {
        try await calls.unary("GetWorkflowStatus", returning: "status") { $0.set(1, id: execution) }
    }

    /// The execution's status each time it changes, until it ends or `timeout` passes.
    public func watchStatus(execution: UUID, timeout: Duration? = nil) throws -> AsyncThrowingStream<
        WorkflowStatus, any Error
    > {
        try calls.watch("WatchWorkflowStatus", returning: "status", timeout: timeout) { $0.set(1, id: execution) }
    }

    public func optimize(_ id: UUID) async throws -> WorkflowOptimization {
        try await calls.unary("OptimizeWorkflow", returning: "optimization") { $0.set(1, id: id) }
    }
}
