import Domain
import Foundation
import RPC
import ServiceClients

/// `herald.users.v1.UserDirectory` for other services: domain values in and out through `UserDirectoryAPI`'s
/// mappers, every call through a `ServiceClient`. Errors are the call's `RPCError`.
public struct UserDirectoryClient: Sendable {
    public var client: ServiceClient { calls.client }
    let calls: ServiceCalls
    private typealias API = UserDirectoryAPI

    public init(_ client: ServiceClient) {
        calls = ServiceCalls(client, package: "herald.users.v1", service: "UserDirectory")
    }

    /// Creates a user (`id` empty: the directory assigns it); returns the stored profile.
    public func create(_ user: UserProfile) async throws -> UserProfile {
        try await calls.call(API.createUser, Only(user)).value
    }

    public func profile(of id: UUID) async throws -> UserProfile {
        try await calls.call(API.getUserProfile, UserRef(id)).value
    }

    /// Changes the fields `mask` names (every field of `user` when empty); ABORTED when the profile is no longer at
    /// `expectedVersion` (0: no check).
    public func update(_ user: UserProfile, mask: [String] = [], expectedVersion: Int64 = 0, by author: UUID? = nil)
        async throws
        -> UserProfile
    {
        try await calls.call(
            API.updateUserProfile,
            UpdateUserProfileRequest(user: user, updateMask: mask, expectedVersion: expectedVersion, updatedBy: author)
        ).value
    }

    /// Deletes a user; with `erase`, their personal data too (a privacy erasure request).
    public func delete(_ id: UUID, erase: Bool = false) async throws {
        _ = try await calls.call(API.deleteUser, DeleteUserRequest(id, erase: erase))
    }

    public func list(_ filter: UserFilter = UserFilter(), page: PageRequest = PageRequest()) async throws -> Page<
        UserProfile
    > {
        try await calls.call(API.listUsers, ListUsersRequest(filter: filter, page: page))
    }

    public func preferences(of user: UUID) async throws -> UserPreferences {
        try await calls.call(API.getUserPreferences, UserRef(user)).value
    }

    public func updatePreferences(of user: UUID, to preferences: UserPreferences) async throws {
        _ = try await calls.call(API.updateUserPreferences, UpdateUserPreferencesRequest(user, preferences))
    }

    public func segmentData(of user: UUID) async throws -> SegmentData {
        try await calls.call(API.getUserSegmentData, UserRef(user)).value
    }

    public func consent(of user: UUID, includeHistory: Bool = false) async throws -> ConsentStatus {
        try await calls.call(API.getUserConsent, GetUserConsentRequest(user, includeHistory: includeHistory)).value
    }

    public func updateConsent(of user: UUID, _ update: ConsentUpdate) async throws {
        _ = try await calls.call(API.updateUserConsent, UpdateUserConsentRequest(user, update))
    }

    public func trackActivity(of user: UUID, _ activity: UserActivity) async throws {
        _ = try await calls.call(API.trackUserActivity, TrackedActivity(user, activity))
    }

    /// Records up to `UserDirectoryAPI.maxBatch` activities; how many were stored now.
    public func trackActivities(_ activities: [TrackedActivity]) async throws -> Int {
        Int(try await calls.call(API.trackUserActivities, TrackUserActivitiesRequest(activities)).stored)
    }

    /// Upserts `rows` by external id, sent in chunks of `chunk` rows on one stream; what the import did.
    public func importUsers(_ rows: some Sequence<ImportRow>, chunk: Int = 1000, timeout: Duration? = nil) async throws
        -> ImportResult
    {
        let method = API.importUsers
        let call = calls.client.stream(method.path, timeout: timeout)
        var batch: [ImportRow] = []
        batch.reserveCapacity(chunk)
        for row in rows {
            batch.append(row)
            if batch.count == chunk {
                await call.write(try method.encodeRequest(ImportChunk(batch)))
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { await call.write(try method.encodeRequest(ImportChunk(batch))) }
        call.finishSending()
        var result: ImportResult?
        for try await message in call.responses {
            result = try calls.readResponse(method.name) { try method.decodeResponse(message) }
        }
        guard let result else { throw RPCError(.internal, "\(method.path) ended without a result") }
        return result
    }

    /// Every user `filter` selects, in batches as the service sends them.
    public func export(_ filter: UserFilter = UserFilter(), timeout: Duration? = nil) throws -> AsyncThrowingStream<
        Many<UserProfile>, any Error
    > {
        try calls.watch(API.exportUsers, ExportUsersRequest(filter: filter), timeout: timeout)
    }

    /// What the send pipeline needs to address each of up to `UserDirectoryAPI.maxBatch` users, in the order asked
    /// (unknown and erased users left out).
    public func lookup(_ ids: [UUID]) async throws -> [UserContact] {
        try await calls.call(API.lookupUsers, LookupUsersRequest(ids)).values
    }

    public func register(_ device: Device, for user: UUID) async throws -> UserProfile {
        try await calls.call(API.registerDevice, RegisterDeviceRequest(user, device)).value
    }

    /// Unregisters a push token, of `user` or of whoever holds it (what a provider's "unregistered" reply gives).
    public func unregister(token: String, of user: UUID? = nil) async throws {
        _ = try await calls.call(API.unregisterDevice, UnregisterDeviceRequest(token: token, of: user))
    }

    /// Everything Herald holds on a user (GDPR access and portability), recorded as a data-subject request.
    public func exportData(of user: UUID, requestedBy: String) async throws -> ExportUserDataResponse {
        try await calls.call(API.exportUserData, SubjectRequest(user, requestedBy: requestedBy))
    }

    /// Starts a GDPR erasure; it goes on until every service has done its part (see `dataSubjectRequest`).
    public func erase(_ user: UUID, requestedBy: String) async throws -> DataSubjectRequest {
        try await calls.call(API.eraseUser, SubjectRequest(user, requestedBy: requestedBy)).value
    }

    public func dataSubjectRequest(_ id: UUID) async throws -> DataSubjectRequest {
        try await calls.call(API.getDataSubjectRequest, DataSubjectRequestRef(id)).value
    }
}
