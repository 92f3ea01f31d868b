import Domain
import Foundation
import HeraldCore
import Postgres
import RPC
import ServiceClients
import TestSupport
import Testing
import TypedClients

@testable import CampaignAnalytics

/// campaign-analytics in a `ServiceHarness` (ready: its background work started), called as clients in any
/// language call it (proto3 JSON) and as other services do (`CampaignAnalyticsClient`), with a campaign whose budget
/// prices email at 0.001 and SMS at 0.05 a message.
@dynamicMemberLookup
struct Harness: Sendable, ServiceHarnessWrapper {
    let base: ServiceHarness
    let service: CampaignAnalyticsService
    let analytics: CampaignAnalyticsClient
    let campaign: UUID

    static func with(batchSize: Int = 10_000, _ body: (Harness) async throws -> Void) async throws {
        let box = ServiceBox<CampaignAnalyticsService>()
        try await ServiceHarness.with(service: CampaignAnalyticsService.name) { pool in
            let service = try CampaignAnalyticsService(
                pool: pool, config: .init(batchSize: batchSize, aggregationIntervalSeconds: 3600, retentionDays: 365))
            box.service = service
            return (service.register, service.shutdown)
        } body: { base in
            let service = box.service!
            try await service.whenReady()
            let analytics = CampaignAnalyticsClient(
                ServiceClient(
                    target: "campaign-analytics",
                    ServiceClientConfiguration(endpoints: [("127.0.0.1", base.server.port)])))
            defer { analytics.client.close() }
            let campaign = try await base.pool.query(
                """
                INSERT INTO campaigns.campaigns (name, type, channels, target_segments, workflow, created_by, budget)
                VALUES ('Spring sale', 'one_time', '{email,sms}', '{}', '{}', $1,
                    '{"total": 1000, "currency": "EUR", "costPerMessage": {"email": 0.001, "sms": 0.05}}')
                RETURNING id
                """, [UUID(canonical: base.user)!])[0].decode("id", as: UUID.self)
            try await body(Harness(base: base, service: service, analytics: analytics, campaign: campaign))
        }
    }

    subscript<T>(dynamicMember path: KeyPath<ServiceHarness, T>) -> T { base[keyPath: path] }

    /// Tracks `events` in calls of at most 10,000.
    func track(_ events: [CampaignEvent]) async throws -> TrackedEvents {
        var total = TrackedEvents(stored: 0, duplicates: 0)
        for start in stride(from: 0, to: events.count, by: CampaignAnalyticsAPI.maxBatch) {
            let r = try await analytics.track(
                Array(events[start..<min(start + CampaignAnalyticsAPI.maxBatch, events.count)]))
            total.stored += r.stored
            total.duplicates += r.duplicates
        }
        return total
    }
}
