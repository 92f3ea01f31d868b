import API
import Codec
import Domain
import Foundation
import HeraldCore
import Postgres

/// `analytics.dashboards`: stored dashboard definitions.
struct DashboardStore: Sendable {
    let pool: PostgresPool

    func create(_ definition: DashboardDefinition, by user: UUID) async throws -> Dashboard {
        let id = UUID.timeOrdered()
        let result = try await pool.query(
            """
            INSERT INTO analytics.dashboards (id, definition, created_by) VALUES ($1, $2, $3) RETURNING created_at
            """, [id, Data(try Self.type.encode { definition.write(to: $0) }), user])
        return Dashboard(id: id, definition: definition, createdAt: try result[0].decode("created_at"), createdBy: user)
    }

    func dashboard(_ id: UUID) async throws -> Dashboard {
        let result = try await pool.query(
            "SELECT definition, created_by, created_at FROM analytics.dashboards WHERE id = $1", [id])
        guard let row = result.first else { throw ServiceError.notFound("no dashboard \(id.lowercased)") }
        return Dashboard(
            id: id,
            definition: try Self.type.decode(Array(try row.decode("definition", as: Data.self))) {
                try DashboardDefinition(wire: $0, at: "")
            }, createdAt: try row.decode("created_at"),
            createdBy: try row.decode("created_by"))
    }

    static let type = HeraldAPI.registry.message("herald.analytics.v1.DashboardDefinition")!
}
