import Domain
import Foundation
import Postgres
import ServiceKit

/// Campaign templates: definitions kept for reuse.
extension CampaignStore {
    public func createTemplate(
        name: String, description: String, definition: CampaignDefinition, tags: [String], by actor: Actor
    )
        async throws -> CampaignTemplate
    {
        try await translatingUnknownUser(actor) {
            let result = try await pool.query(
                """
                INSERT INTO campaigns.campaign_templates AS t (name, description, definition, tags, created_by)
                VALUES ($1, $2, $3::jsonb, $4::text[], $5) RETURNING \(CampaignRows.templateColumns)
                """, [name, description, try PostgresJSON(encoding: definition), tags, actor.id])
            return try CampaignRows.template(result[0])
        }
    }

    public func template(_ id: UUID) async throws -> CampaignTemplate {
        let result = try await pool.query(
            "SELECT \(CampaignRows.templateColumns) FROM campaigns.campaign_templates t WHERE t.id = $1", [id])
        guard let row = result.first else {
            throw ServiceError.notFound("campaign template \(id.lowercased) not found")
        }
        return try CampaignRows.template(row)
    }

    public func templates(tags: [String], page: PageRequest) async throws -> Page<CampaignTemplate> {
        var conditions = QueryConditions()
        conditions.add(tags) { "t.tags @> \($0)::text[]" }
        conditions.after(page.cursor, createdAt: "t.created_at", id: "t.id")
        let limit = conditions.limit(page)
        let result = try await pool.query(
            """
            SELECT \(CampaignRows.templateColumns) FROM campaigns.campaign_templates t \(conditions.whereClause)
            ORDER BY t.created_at DESC, t.id DESC \(limit)
            """, conditions.parameters)
        return Page(items: try result.map(CampaignRows.template), size: page.size) {
            PageCursor(createdAt: $0.createdAt, id: $0.id)
        }
    }

}
