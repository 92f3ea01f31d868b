import Codec
import Foundation

/// `herald.users.v1.UserDirectory`: each method with its request and response types, shared by the service and
/// `UserDirectoryClient`.
public enum UserDirectoryAPI {
    public static let service = "herald.users.v1.UserDirectory"

    public static let createUser = RPCMethod<Only<UserProfile>, Only<UserProfile>>(service, "CreateUser")
    public static let getUserProfile = RPCMethod<UserRef, Only<UserProfile>>(service, "GetUserProfile")
    public static let updateUserProfile = RPCMethod<UpdateUserProfileRequest, Only<UserProfile>>(
        service, "UpdateUserProfile")
    public static let deleteUser = RPCMethod<DeleteUserRequest, NoContent>(service, "DeleteUser")
    public static let listUsers = RPCMethod<ListUsersRequest, Page<UserProfile>>(service, "ListUsers")
    public static let getUserPreferences = RPCMethod<UserRef, Only<UserPreferences>>(service, "GetUserPreferences")
    public static let updateUserPreferences = RPCMethod<UpdateUserPreferencesRequest, NoContent>(
        service, "UpdateUserPreferences")
    public static let getUserSegmentData = RPCMethod<UserRef, Only<SegmentData>>(service, "GetUserSegmentData")
    public static let getUserConsent = RPCMethod<GetUserConsentRequest, Only<ConsentStatus>>(service, "GetUserConsent")
    public static let updateUserConsent = RPCMethod<UpdateUserConsentRequest, NoContent>(service, "UpdateUserConsent")
    public static let trackUserActivity = RPCMethod<TrackedActivity, NoContent>(service, "TrackUserActivity")
    public static let trackUserActivities = RPCMethod<TrackUserActivitiesRequest, StoredCount>(
        service, "TrackUserActivities")
    public static let importUsers = RPCMethod<ImportChunk, ImportResult>(service, "ImportUsers")
    public static let exportUsers = RPCMethod<ExportUsersRequest, Many<UserProfile>>(service, "ExportUsers")
    public static let lookupUsers = RPCMethod<LookupUsersRequest, Many<UserContact>>(service, "LookupUsers")
    public static let registerDevice = RPCMethod<RegisterDeviceRequest, Only<UserProfile>>(service, "RegisterDevice")
    public static let unregisterDevice = RPCMethod<UnregisterDeviceRequest, NoContent>(service, "UnregisterDevice")
    public static let exportUserData = RPCMethod<SubjectRequest, ExportUserDataResponse>(service, "ExportUserData")
    public static let eraseUser = RPCMethod<SubjectRequest, Only<DataSubjectRequest>>(service, "EraseUser")
    public static let getDataSubjectRequest = RPCMethod<DataSubjectRequestRef, Only<DataSubjectRequest>>(
        service, "GetDataSubjectRequest")

    /// Most ids LookupUsers takes, and most activities TrackUserActivities takes, in one call.
    public static let maxBatch = 10_000
}

/// A request naming one user (`user_id = 1`).
public struct UserRef: WireMapped, Sendable, Equatable {
    public var userID: UUID

    public init(_ userID: UUID) { self.userID = userID }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        userID = issues.requiredUUID(m.string(1), at: path.field("user_id"))
    }

    public func write(to b: MessageBuilder) { b.set(1, id: userID) }
}

/// UpdateUserProfileRequest: the fields `updateMask` names (all of `user`'s when empty), based on a version.
public struct UpdateUserProfileRequest: WireMapped, Sendable, Equatable {
    public var user: UserProfile
    /// Proto field names, e.g. `display_name`, `attributes.plan`.
    public var updateMask: [String]
    /// 0: no check.
    public var expectedVersion: Int64
    public var updatedBy: UUID?

    public init(user: UserProfile, updateMask: [String] = [], expectedVersion: Int64 = 0, updatedBy: UUID? = nil) {
        self.user = user
        self.updateMask = updateMask
        self.expectedVersion = expectedVersion
        self.updatedBy = updatedBy
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        user = m.requiredMessage(1, at: path.field("user"), &issues)
        if user.id == nil, !issues.reported(path.field("user")) { issues.add(path.field("user.id"), "required") }
        updateMask = m.message(2)?.strings(1) ?? []
        expectedVersion = m.int64(3)
        issues.check(expectedVersion >= 0, path.field("expected_version"), "must not be negative")
        updatedBy = issues.optionalUUID(m.string(4), at: path.field("updated_by"))
    }

    public func write(to b: MessageBuilder) {
        b.set(1, user)
        if !updateMask.isEmpty { b.message(2) { $0.set(1, repeated: updateMask) } }
        b.set(3, expectedVersion)
        b.set(4, id: updatedBy)
    }
}

/// DeleteUserRequest.
public struct DeleteUserRequest: WireMapped, Sendable, Equatable {
    public var userID: UUID
    /// Also erase the user's personal data (a GDPR erasure request).
    public var erase: Bool

    public init(_ userID: UUID, erase: Bool = false) {
        self.userID = userID
        self.erase = erase
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        userID = issues.requiredUUID(m.string(1), at: path.field("user_id"))
        erase = m.bool(2)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: userID)
        b.set(2, erase)
    }
}

/// ListUsersRequest.
public struct ListUsersRequest: WireMapped, Sendable, Equatable {
    public var page: PageRequest
    public var filter: UserFilter

    public init(filter: UserFilter = UserFilter(), page: PageRequest = PageRequest()) {
        self.filter = filter
        self.page = page
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        page = PageRequest(wire: m.message(1), at: path.field("page"), &issues)
        filter = m.read(2, at: path.field("filter"), &issues) ?? UserFilter()
    }

    public func write(to b: MessageBuilder) {
        b.set(1, page)
        b.set(2, filter)
    }
}

/// UpdateUserPreferencesRequest: the whole preferences.
public struct UpdateUserPreferencesRequest: WireMapped, Sendable, Equatable {
    public var userID: UUID
    public var preferences: UserPreferences

    public init(_ userID: UUID, _ preferences: UserPreferences) {
        self.userID = userID
        self.preferences = preferences
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        userID = issues.requiredUUID(m.string(1), at: path.field("user_id"))
        preferences = m.requiredMessage(2, at: path.field("preferences"), &issues)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: userID)
        b.set(2, preferences)
    }
}

/// GetUserConsentRequest.
public struct GetUserConsentRequest: WireMapped, Sendable, Equatable {
    public var userID: UUID
    public var includeHistory: Bool

    public init(_ userID: UUID, includeHistory: Bool = false) {
        self.userID = userID
        self.includeHistory = includeHistory
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        userID = issues.requiredUUID(m.string(1), at: path.field("user_id"))
        includeHistory = m.bool(2)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: userID)
        b.set(2, includeHistory)
    }
}

/// UpdateUserConsentRequest.
public struct UpdateUserConsentRequest: WireMapped, Sendable, Equatable {
    public var userID: UUID
    public var consent: ConsentUpdate

    public init(_ userID: UUID, _ consent: ConsentUpdate) {
        self.userID = userID
        self.consent = consent
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        userID = issues.requiredUUID(m.string(1), at: path.field("user_id"))
        consent = m.requiredMessage(2, at: path.field("consent"), &issues)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: userID)
        b.set(2, consent)
    }
}

/// TrackUserActivityRequest: one user's activity.
public struct TrackedActivity: WireMapped, Sendable, Equatable {
    public var userID: UUID
    public var activity: UserActivity

    public init(_ userID: UUID, _ activity: UserActivity) {
        self.userID = userID
        self.activity = activity
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        userID = issues.requiredUUID(m.string(1), at: path.field("user_id"))
        activity = m.requiredMessage(2, at: path.field("activity"), &issues)
        if !issues.reported(path.field("activity")) {
            issues.check(
                !activity.id.isEmpty, path.field("activity.id"), "required: a unique id, so that a retry is stored once"
            )
            issues.check(!activity.type.isEmpty, path.field("activity.type"), "required: the event's name")
        }
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: userID)
        b.set(2, activity)
    }
}

/// TrackUserActivitiesRequest: up to `UserDirectoryAPI.maxBatch` activities of any users.
public struct TrackUserActivitiesRequest: WireMapped, Sendable, Equatable {
    public var activities: [TrackedActivity]

    public init(_ activities: [TrackedActivity]) { self.activities = activities }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        let count = m.count(1)
        issues.check(
            count <= UserDirectoryAPI.maxBatch, path.field("activities"),
            "\(count) activities; at most \(UserDirectoryAPI.maxBatch) a call")
        activities = count <= UserDirectoryAPI.maxBatch ? m.readAll(1, at: path.field("activities"), &issues) : []
    }

    public func write(to b: MessageBuilder) { b.set(1, each: activities) }
}

/// TrackUserActivitiesResponse.
public struct StoredCount: WireMapped, Sendable, Equatable {
    public var stored: Int32

    public init(_ stored: Int32) { self.stored = stored }
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) { stored = m.int32(1) }
    public func write(to b: MessageBuilder) { b.set(1, stored) }
}

/// One ImportUsersRequest of the stream: its rows, each read on its own, so that a bad row is reported with its
/// number and the others are still stored (an import never fails as a whole for one row).
public struct ImportChunk: WireMapped, Sendable, Equatable {
    /// A row as read: the row, or what was wrong with it (paths below `rows[i]`, e.g. `user.email`).
    public struct Reading: Sendable, Equatable {
        public var row: ImportRow
        public var issues: [FieldIssues.Issue]
    }

    public var rows: [Reading]

    public init(_ rows: [ImportRow]) { self.rows = rows.map { Reading(row: $0, issues: []) } }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        rows = m.messages(1).map { view in
            var own = FieldIssues()
            let row = ImportRow(wire: view, at: "", &own)
            return Reading(row: row, issues: own.issues)
        }
    }

    public func write(to b: MessageBuilder) { b.set(1, each: rows.map(\.row)) }
}

/// ExportUsersRequest.
public struct ExportUsersRequest: WireMapped, Sendable, Equatable {
    public var filter: UserFilter

    public init(filter: UserFilter = UserFilter()) { self.filter = filter }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        filter = m.read(1, at: path.field("filter"), &issues) ?? UserFilter()
    }

    public func write(to b: MessageBuilder) { b.set(1, filter) }
}

/// LookupUsersRequest: up to `UserDirectoryAPI.maxBatch` ids.
public struct LookupUsersRequest: WireMapped, Sendable, Equatable {
    public var userIDs: [UUID]

    public init(_ userIDs: [UUID]) { self.userIDs = userIDs }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        let count = m.count(1)
        issues.check(
            count <= UserDirectoryAPI.maxBatch, path.field("user_ids"),
            "\(count) ids; at most \(UserDirectoryAPI.maxBatch) a call")
        userIDs = count <= UserDirectoryAPI.maxBatch ? issues.uuids(m.strings(1), at: path.field("user_ids")) : []
    }

    public func write(to b: MessageBuilder) { b.set(1, ids: userIDs) }
}

/// RegisterDeviceRequest.
public struct RegisterDeviceRequest: WireMapped, Sendable, Equatable {
    public var userID: UUID
    public var device: Device

    public init(_ userID: UUID, _ device: Device) {
        self.userID = userID
        self.device = device
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        userID = issues.requiredUUID(m.string(1), at: path.field("user_id"))
        device = m.requiredMessage(2, at: path.field("device"), &issues)
        if !issues.reported(path.field("device")) {
            issues.check(!device.token.isEmpty, path.field("device.token"), "required")
            issues.check(device.token.utf8.count <= 4096, path.field("device.token"), "at most 4,096 bytes")
            if device.platform == nil, !issues.reported(path.field("device.platform")) {
                issues.add(path.field("device.platform"), "required; expected \(DevicePlatform.expectedNames)")
            }
        }
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: userID)
        b.set(2, device)
    }
}

/// UnregisterDeviceRequest: a token, of one user or of whoever holds it.
public struct UnregisterDeviceRequest: WireMapped, Sendable, Equatable {
    public var userID: UUID?
    public var token: String

    public init(token: String, of userID: UUID? = nil) {
        self.userID = userID
        self.token = token
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        userID = issues.optionalUUID(m.string(1), at: path.field("user_id"))
        token = m.string(2)
        issues.check(!token.isEmpty, path.field("token"), "required")
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: userID)
        b.set(2, token)
    }
}

/// A data-subject request about one user: ExportUserData, EraseUser.
public struct SubjectRequest: WireMapped, Sendable, Equatable {
    public var userID: UUID
    /// Who asked (audited): a user id, or a description such as "privacy@example.com".
    public var requestedBy: String

    public init(_ userID: UUID, requestedBy: String) {
        self.userID = userID
        self.requestedBy = requestedBy
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        userID = issues.requiredUUID(m.string(1), at: path.field("user_id"))
        requestedBy = m.string(2)
        issues.check(!requestedBy.isEmpty, path.field("requested_by"), "required: who asked for the request (audited)")
        issues.check(requestedBy.count <= 255, path.field("requested_by"), "at most 255 characters")
    }

    public func write(to b: MessageBuilder) {
        b.set(1, id: userID)
        b.set(2, requestedBy)
    }
}

/// ExportUserDataResponse: everything Herald holds on the user, and the request that recorded the export.
public struct ExportUserDataResponse: WireMapped, Sendable, Equatable {
    public var data: JSONValue
    public var request: DataSubjectRequest

    public init(data: JSONValue, request: DataSubjectRequest) {
        self.data = data
        self.request = request
    }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        data = m.object(1) ?? .object([])
        request = m.requiredMessage(2, at: path.field("request"), &issues)
    }

    public func write(to b: MessageBuilder) {
        b.set(1, object: data)
        b.set(2, request)
    }
}

/// GetDataSubjectRequestRequest.
public struct DataSubjectRequestRef: WireMapped, Sendable, Equatable {
    public var requestID: UUID

    public init(_ requestID: UUID) { self.requestID = requestID }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        requestID = issues.requiredUUID(m.string(1), at: path.field("request_id"))
    }

    public func write(to b: MessageBuilder) { b.set(1, id: requestID) }
}
