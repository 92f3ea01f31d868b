import Codec
import Domain
import Foundation
import HeraldCore
import Logging
import ServiceKit

/// One service's part in GDPR requests: what it holds on a user, and erasing it.
public struct DataSubjectParticipant: Sendable {
    public let service: String
    public let export: @Sendable (UUID) async throws -> JSONValue
    public let erase: @Sendable (UUID, _ request: UUID) async throws -> Void

    public init(
        service: String, export: @escaping @Sendable (UUID) async throws -> JSONValue,
        erase: @escaping @Sendable (UUID, UUID) async throws -> Void
    ) {
        self.service = service
        self.export = export
        self.erase = erase
    }
}

/// GDPR data-subject requests across the services that hold personal data: an access request gathers every
/// participant's part into one document at once; an erasure is recorded first (durable), then carried out by a
/// worker step by step, each step retried with backoff until it succeeds, by whichever user-directory process holds
/// the request's lease. A crash loses nothing: the next process takes the request over when the lease expires.
struct DataSubjectWork: Sendable {
    let store: UserStore
    let participants: [DataSubjectParticipant]
    /// A grace period before an erasure starts.
    let delay: Duration
    /// Due requests every second, and at once after a new one; a request stays claimed for a minute.
    let worker: BackgroundWork
    private static let logger = Logger(label: "herald.user-directory.privacy")

    init(store: UserStore, participants: [DataSubjectParticipant], delay: Duration, lease: Duration = .seconds(60)) {
        self.store = store
        self.participants = participants
        self.delay = delay
        worker = BackgroundWork("data-subject requests", every: .seconds(1), logger: Self.logger) {
            let claimed = try await store.claimDueRequests(limit: 10, lease: lease)
            for request in claimed { await Self.carryOut(request, store: store, participants: participants) }
            return claimed.count == 10
        }
    }

    /// Everything every participant holds on `user`, recorded as a completed access request.
    func export(_ user: UUID, requestedBy: String) async throws -> ExportUserDataResponse {
        var parts: [(String, JSONValue)] = []
        var steps: [DataSubjectStep] = []
        for participant in participants {
            parts.append((participant.service, try await participant.export(user)))
            steps.append(DataSubjectStep(service: participant.service, done: true, attempts: 1, completedAt: Date()))
        }
        let request = try await store.record(.access, of: user, by: requestedBy, steps: steps, completed: true)
        let data = JSONValue.object(
            [
                ("user_id", .string(user.lowercased)),
                ("exported_at", .string(ISO8601DateFormatter().string(from: Date()))),
            ] + parts)
        return ExportUserDataResponse(data: data, request: request)
    }

    /// Records an erasure of `user` (one step per participant); the worker carries it out.
    func erase(_ user: UUID, requestedBy: String) async throws -> DataSubjectRequest {
        let request = try await store.record(
            .erasure, of: user, by: requestedBy, steps: participants.map { DataSubjectStep(service: $0.service) },
            completed: false, delay: delay)
        worker.wake()
        return request
    }

    /// Runs a claimed request's steps not yet done; saves what happened (completed, or due again with backoff).
    static func carryOut(_ claimed: DataSubjectRequest, store: UserStore, participants: [DataSubjectParticipant]) async
    {
        var request = claimed
        var failed = 0
        for (i, step) in request.steps.enumerated() where !step.done {
            guard let participant = participants.first(where: { $0.service == step.service }) else {
                request.steps[i].lastError = "no such service in this installation"
                request.steps[i].attempts += 1
                failed += 1
                continue
            }
            request.steps[i].attempts += 1
            do {
                try await participant.erase(request.userID, request.id)
                request.steps[i].done = true
                request.steps[i].lastError = ""
                request.steps[i].completedAt = Date()
            } catch {
                request.steps[i].lastError = "\(error)"
                failed += 1
                Self.logger.warning(
                    "erasure step failed; it will be retried",
                    metadata: [
                        "request": "\(request.id.lowercased)", "service": "\(step.service)", "error": "\(error)",
                    ])
            }
        }
        let attempts = Int(request.steps.map(\.attempts).max() ?? 1)
        let retry: Duration = failed == 0 ? .zero : .seconds(min(300, 1 << min(attempts, 9)))
        do {
            try await store.save(request, retry: retry)
        } catch {
            Self.logger.warning(
                "erasure progress not saved; the lease will expire and it runs again", metadata: ["error": "\(error)"])
        }
    }
}
