import Domain
import Foundation
import ServiceClients

/// `herald.triggers.v1.TriggerManager` for other services: domain values in and out, every call through a
/// `ServiceClient`. Errors are the call's `RPCError`.
public struct TriggerManagerClient: Sendable {
    public var client: ServiceClient { calls.client }
    let calls: ServiceCalls

    public init(_ client: ServiceClient) {
        calls = ServiceCalls(client, package: "herald.triggers.v1", service: "TriggerManager")
    }

    public func create(_ definition: TriggerDefinition, by user: UUID) async throws -> Trigger {
        try await calls.unary("CreateTrigger", returning: "trigger") { b in
            b.set(1, definition)
            b.set(2, id: user)
        }
    }

    public func get(_ id: UUID) async throws -> Trigger {
        try await calls.unary("GetTrigger", returning: "trigger") { $0.set(1, id: id) }
    }

    /// Triggers in one status (all when nil), `pageSize` at a time (the service's default when 0).
    public func list(status: TriggerStatus? = nil, pageSize: Int = 0, pageToken: String = "") async throws -> Page<
        Trigger
    > {
        try await calls.list("ListTriggers", items: "triggers") { b in
            b.set(1, enum: status)
            b.set(2, pageSize: pageSize, token: pageToken)
        }
    }

    public func delete(_ id: UUID) async throws {
        try await calls.unary("DeleteTrigger") { $0.set(1, id: id) }
    }

    public func setStatus(of id: UUID, to status: TriggerStatus) async throws -> Trigger {
        try await calls.unary("SetTriggerStatus", returning: "trigger") { b in
            b.set(1, id: id)
            b.set(2, enum: status)
        }
    }

    /// The campaigns `event` fires for `user`, after frequency caps and cooldowns.
    public func evaluate(_ event: UserEvent, for user: UUID) async throws -> [TriggeredCampaign] {
        try await calls.unary("EvaluateTriggers", returningAll: "triggered") { b in
            b.set(1, id: user)
            b.set(2, event)
        }
    }

    public func updateConditions(of id: UUID, to conditions: [EventCondition]) async throws -> Trigger {
        try await calls.unary("UpdateTriggerConditions", returning: "trigger") { b in
            b.set(1, id: id)
            b.set(2, each: conditions)
        }
    }

    public func performance(of id: UUID) async throws -> TriggerAnalytics {
        try await calls.unary("GetTriggerPerformance", returning: "analytics") { $0.set(1, id: id) }
    }

    /// Where `user` stands against the trigger's frequency cap and cooldown.
    public func frequency(of trigger: UUID, for user: UUID) async throws -> FrequencyStatus {
        try await calls.unary("ManageTriggerFrequency", returning: "status") { b in
            b.set(1, id: user)
            b.set(2, id: trigger)
        }
    }
}
