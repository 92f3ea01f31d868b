import Domain
import Foundation
import HeraldCore
import RPC
import ServiceClients
import TestSupport
import Testing
import TypedClients

@testable import UserDirectory

/// user-directory in a `ServiceHarness` (ready: its keys checked and its background work started), called as
/// clients in any language call it (proto3 JSON) and as other services do (`UserDirectoryClient`).
@dynamicMemberLookup
struct Harness: Sendable, ServiceHarnessWrapper {
    let base: ServiceHarness
    let service: UserDirectoryService
    let users: UserDirectoryClient

    static let ring = try! KeyRing.from(encryptionKey: TestEnvironment.encryptionKey, environment: [:])

    /// Runs `body` with a fresh user-directory and tears it down afterwards, whatever happens.
    static func with(
        retentionDays: Int = 730, erasureDelay: Int = 0, participants: [DataSubjectParticipant] = [],
        _ body: (Harness) async throws -> Void
    ) async throws {
        let box = ServiceBox<UserDirectoryService>()
        try await ServiceHarness.with(service: UserDirectoryService.name) { pool in
            let service = UserDirectoryService(
                pool: pool, ring: ring,
                config: .init(activityRetentionDays: retentionDays, erasureDelayMilliseconds: erasureDelay),
                participants: participants)
            box.service = service
            return (service.register, service.shutdown)
        } body: { base in
            let service = box.service!
            try await service.whenReady()
            let users = UserDirectoryClient(
                ServiceClient(
                    target: "user-directory", ServiceClientConfiguration(endpoints: [("127.0.0.1", base.server.port)])))
            defer { users.client.close() }
            try await body(Harness(base: base, service: service, users: users))
        }
    }

    subscript<T>(dynamicMember path: KeyPath<ServiceHarness, T>) -> T { base[keyPath: path] }

    /// Creates a user from JSON members (`"externalId": "ada", ...`); the stored profile.
    func create(_ members: String) async throws -> SchemaJSON {
        try await call("CreateUser", "{\"user\": {\(members)}}")["user"]
    }
}
