import Domain
import Foundation
import HeraldCore
import Postgres
import RPC
import ServiceClients
import TestSupport
import Testing
import TypedClients

@testable import SegmentationEngine

/// segmentation-engine in a `ServiceHarness`, called as clients in any language call it (proto3 JSON) and as other
/// services do (`SegmentationEngineClient`), over a fixed directory of users written the way user-directory writes
/// them (so its change-feed triggers fire).
@dynamicMemberLookup
struct Harness: Sendable, ServiceHarnessWrapper {
    let base: ServiceHarness
    let service: SegmentationEngineService
    let segments: SegmentationEngineClient
    /// The fixed users by name (see `Directory`).
    let users: [String: UUID]

    /// Runs `body` with a fresh segmentation-engine over `Directory`'s users; `ready` starts the real-time updates.
    static func with(ready: Bool = true, _ body: (Harness) async throws -> Void) async throws {
        let box = ServiceBox<SegmentationEngineService>()
        try await ServiceHarness.with(service: SegmentationEngineService.name) { pool in
            let service = try SegmentationEngineService(
                pool: pool, config: .init())
            box.service = service
            return (service.register, service.shutdown)
        } body: { base in
            let service = box.service!
            let users = try await Directory.write(on: base.pool)
            if ready { try await service.whenReady() }
            let segments = SegmentationEngineClient(
                ServiceClient(
                    target: "segmentation-engine",
                    ServiceClientConfiguration(endpoints: [("127.0.0.1", base.server.port)])))
            defer { segments.client.close() }
            try await body(Harness(base: base, service: service, segments: segments, users: users))
        }
    }

    subscript<T>(dynamicMember path: KeyPath<ServiceHarness, T>) -> T { base[keyPath: path] }

    /// The names of `ids` (those of the fixed users), sorted.
    func names(_ ids: some Sequence<UUID>) -> [String] {
        let byID = Dictionary(uniqueKeysWithValues: users.map { ($1, $0) })
        return ids.map { byID[$0] ?? $0.lowercased }.sorted()
    }

    func names(_ json: SchemaJSON) -> [String] { names(json.items.compactMap { UUID(uuidString: $0.string ?? "") }) }

    /// The members of a segment now, by name.
    func members(_ id: UUID) async throws -> [String] {
        names(try await segments.members(of: id, page: PageRequest(size: 500)).items.map(\.userID))
    }

    /// Waits (up to `within`) until `check` holds; how long it took.
    func eventually(within: Duration = .seconds(5), _ check: () async throws -> Bool) async throws -> Duration? {
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < within {
            if try await check() { return clock.now - start }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }
}

/// Six users with hand-picked attributes, activity and consent, inserted as user-directory stores them:
/// - ann: pro, 34, DE, tags [vip, beta], renewal 2026-12-20T00:00+01:00, de-DE, email, marketing consent,
///   three purchases (80, 20, 60) in the last 10 days and a view 40 days ago;
/// - bob: basic, 19, US, tags [], renewal 2026-11-01 (a date), nickname "", email but email consent withdrawn,
///   marketing refused, one purchase (100) 40 days ago;
/// - cem: "Pro", age "34" (a string), country null, renewal 2026-12-31T23:30-05:00 (already 2027 in UTC);
/// - dee: no attributes at all;
/// - eve: pro, 65.5, address.city Lyon, tags [beta], two views in the last days;
/// - fay: pro, deleted (never in any segment).
enum Directory {
    static let attributes: [(String, String)] = [
        ("ann", #"{"plan":"pro","age":34,"country":"DE","tags":["vip","beta"],"renewal":"2026-12-20T00:00:00+01:00"}"#),
        ("bob", #"{"plan":"basic","age":19,"country":"US","tags":[],"renewal":"2026-11-01","nickname":""}"#),
        ("cem", #"{"plan":"Pro","age":"34","country":null,"renewal":"2026-12-31T23:30:00-05:00"}"#),
        ("dee", "{}"),
        ("eve", #"{"plan":"pro","age":65.5,"address":{"city":"Lyon"},"tags":["beta"]}"#),
        ("fay", #"{"plan":"pro"}"#),
    ]

    static func write(on pool: PostgresPool) async throws -> [String: UUID] {
        var users: [String: UUID] = [:]
        for (name, json) in attributes {
            let id = UUID.timeOrdered()
            users[name] = id
            try await pool.query(
                """
                INSERT INTO users.users (id, external_id, attributes, locale, timezone, email_index)
                VALUES ($1, $2, $3::jsonb, $4, $5, $6)
                """,
                [
                    id, name == "dee" ? nil : "\(name)-1", PostgresJSON(text: json), name == "ann" ? "de-DE" : "en-US",
                    name == "cem" ? "America/New_York" : "Europe/Berlin",
                    ["ann", "bob"].contains(name) ? Data(name.utf8) : nil,
                ])
        }
        // (fay, and the harness's own user, who acts as creator, are not in the directory's audience)
        try await pool.query(
            "UPDATE users.users SET deleted_at = now() WHERE id = $1 OR NOT (id = ANY($2::uuid[]))",
            [users["fay"]!, Array(users.values)])
        try await pool.query("SELECT users.create_activity_partitions((CURRENT_DATE - interval '2 months')::date, 4)")
        try await activity(users["ann"]!, "purchase", daysAgo: 1, #"{"value": 80}"#, on: pool)
        try await activity(users["ann"]!, "purchase", daysAgo: 3, #"{"value": 20}"#, on: pool)
        try await activity(users["ann"]!, "purchase", daysAgo: 9, #"{"value": 60}"#, on: pool)
        try await activity(users["ann"]!, "view", daysAgo: 40, nil, on: pool)
        try await activity(users["bob"]!, "purchase", daysAgo: 40, #"{"value": 100}"#, on: pool)
        try await activity(users["eve"]!, "view", daysAgo: 1, nil, on: pool)
        try await activity(users["eve"]!, "view", daysAgo: 2, nil, on: pool)
        for (name, subject, granted) in [
            ("ann", "purpose:marketing", true), ("bob", "purpose:marketing", false), ("bob", "channel:email", false),
        ] {
            try await pool.query(
                "INSERT INTO users.consent (user_id, subject, granted, source) VALUES ($1, $2, $3, 'test')",
                [users[name]!, subject, granted])
        }
        return users
    }

    static func activity(
        _ user: UUID, _ type: String, daysAgo: Double, _ properties: String?, on pool: PostgresPool
    ) async throws {
        try await pool.query(
            "INSERT INTO users.activity (user_id, id, at, type, properties) VALUES ($1, $2, $3, $4, $5::jsonb)",
            [
                user, UUID().lowercased, Date().addingTimeInterval(-daysAgo * 86_400), type,
                properties.map { PostgresJSON(text: $0) },
            ])
    }
}
