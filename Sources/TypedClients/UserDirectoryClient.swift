import Domain
import Foundation
import ServiceClients

/// `herald.users.v1.UserDirectory` for other services: domain values in and out, every call through a
/// `ServiceClient`. Errors are the call's `RPCError`.
public struct UserDirectoryClient: Sendable {
    public var client: ServiceClient { calls.client }
    let calls: ServiceCalls

    public init(_ client: ServiceClient) {
        calls = ServiceCalls(client, package: "herald.users.v1", service: "UserDirectory")
    }

    /// Creates a user (`id` empty: the directory assigns it); returns the stored profile.
    public func create(_ user: UserProfile) async throws -> UserProfile {
        try await calls.unary("CreateUser", returning: "user") { $0.set(1, user) }
    }

    public func profile(of id: UUID) async throws -> UserProfile {
        try await calls.unary("GetUserProfile", returning: "user") { $0.set(1, id: id) }
    }

    public func update(_ user: UserProfile) async throws -> UserProfile {
        try await calls.unary("UpdateUserProfile", returning: "user") { $0.set(1, user) }
    }

    /// Deletes a user; with `erase`, their personal data too (a privacy erasure request).
    public func delete(_ id: UUID, erase: Bool = false) async throws {
        try await calls.unary("DeleteUser") { b in
            b.set(1, id: id)
            b.set(2, erase)
        }
    }

    public func list(pageSize: Int = 0, pageToken: String = "") async throws -> Page<UserProfile> {
        try await calls.list("ListUsers", items: "users") { $0.set(1, pageSize: pageSize, token: pageToken) }
    }

    public func preferences(of user: UUID) async throws -> UserPreferences {
        try await calls.unary("GetUserPreferences", returning: "preferences") { $0.set(1, id: user) }
    }

    public func updatePreferences(of user: UUID, to preferences: UserPreferences) async throws {
        try await calls.unary("UpdateUserPreferences") { b in
            b.set(1, id: user)
            b.set(2, preferences)
        }
    }

    public func segmentData(of user: UUID) async throws -> SegmentData {
        try await calls.unary("GetUserSegmentData", returning: "data") { $0.set(1, id: user) }
    }

    public func consent(of user: UUID) async throws -> ConsentStatus {
        try await calls.unary("GetUserConsent", returning: "consent") { $0.set(1, id: user) }
    }

    public func updateConsent(of user: UUID, _ update: ConsentUpdate) async throws {
        try await calls.unary("UpdateUserConsent") { b in
            b.set(1, id: user)
            b.set(2, update)
        }
    }

    public func trackActivity(of user: UUID, _ activity: UserActivity) async throws {
        try await calls.unary("TrackUserActivity") { b in
            b.set(1, id: user)
            b.set(2, activity)
        }
    }
}
