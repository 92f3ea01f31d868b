import Foundation

public enum DataSubjectRequestKind: String, WireEnum {
    public static let wirePrefix = "DATA_SUBJECT_REQUEST_KIND_"
    case access, erasure
}

public enum DataSubjectRequestState: String, WireEnum {
    public static let wirePrefix = "DATA_SUBJECT_REQUEST_STATE_"
    case pending, running, completed
}

/// One service's part of a data-subject request.
public struct DataSubjectStep: Equatable, Sendable, Codable {
    public var service: String
    public var done: Bool
    public var attempts: Int32
    public var lastError: String
    public var completedAt: Date?

    public init(
        service: String, done: Bool = false, attempts: Int32 = 0, lastError: String = "", completedAt: Date? = nil
    ) {
        self.service = service
        self.done = done
        self.attempts = attempts
        self.lastError = lastError
        self.completedAt = completedAt
    }
}

/// A GDPR data-subject request (access or erasure): durable, audited, retried until every service did its part.
public struct DataSubjectRequest: Equatable, Sendable {
    public var id: UUID
    public var userID: UUID
    public var kind: DataSubjectRequestKind
    public var state: DataSubjectRequestState
    public var requestedBy: String
    public var requestedAt: Date
    public var completedAt: Date?
    public var steps: [DataSubjectStep]

    public init(
        id: UUID, userID: UUID, kind: DataSubjectRequestKind, state: DataSubjectRequestState, requestedBy: String,
        requestedAt: Date,
        completedAt: Date? = nil, steps: [DataSubjectStep] = []
    ) {
        self.id = id
        self.userID = userID
        self.kind = kind
        self.state = state
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
        self.completedAt = completedAt
        self.steps = steps
    }
}
