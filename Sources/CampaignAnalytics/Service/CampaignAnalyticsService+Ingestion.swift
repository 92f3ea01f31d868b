import Domain
import Foundation
import HeraldCore
import RPC
import ServiceKit

/// TrackCampaignEvent and TrackCampaignEvents.
extension CampaignAnalyticsService {
    func registerIngestion(in services: inout ServiceRegistry) {
        let api = CampaignAnalyticsAPI.self
        services.unary(
            api.trackCampaignEvent,
            validate: { request, issues in
                EventValidator.validate(request.value, at: "event", now: Date(), retention: retention, into: &issues)
            }
        ) { request, _ in
            EventStored(try await accept([request.value]) { _ in "event" }.stored == 1)
        }
        services.unary(
            api.trackCampaignEvents,
            validate: { request, issues in
                let count = request.values.count
                issues.check(count > 0, "events", "required: at least one event")
                issues.check(count <= api.maxBatch, "events", "\(count) events; at most \(api.maxBatch) a call")
                let now = Date()
                for (i, event) in request.values.prefix(api.maxBatch).enumerated() {
                    EventValidator.validate(
                        event, at: "events".index(i), now: now, retention: retention, into: &issues)
                }
            }
        ) { request, _ in try await accept(request.values) { "events".index($0) } }
    }

    /// Ingests `events` (validated; event i at `path(i)` in errors): refused at `campaign_id` when their campaign does
    /// not exist; the partitions of their months made; then queued, with a retry pushback when the queue is full.
    func accept(_ events: [CampaignEvent], path: (Int) -> String) async throws -> TrackedEvents {
        var issues = FieldIssues()
        let now = Date()
        let campaigns = Array(Set(events.map(\.campaignID)))
        let known = try await store.existingCampaigns(campaigns)
        if known.count < campaigns.count {
            for (i, event) in events.enumerated() where !known.contains(event.campaignID) {
                issues.add(path(i).field("campaign_id"), "no campaign \(event.campaignID.lowercased)")
            }
            try issues.throwIfAny()
        }
        // Late events land in their own month's partition (made now if it is not there), never the default one.
        try await partitions.ensure(events.map { $0.timestamp ?? now }, pool: store.pool)
        return try await pushingBack { try await ingestor.ingest(events) }
    }

    /// Runs `body`; a full queue answers RESOURCE_EXHAUSTED with `grpc-retry-pushback-ms`, so that a client
    /// retrying under gRFC A6 waits that long.
    func pushingBack<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ServiceError where error.statusCode == .resourceExhausted {
            var status = RPCError(error.statusCode, error.statusMessage)
            status.trailingMetadata = [("grpc-retry-pushback-ms", "250")]
            throw status
        }
    }
}
