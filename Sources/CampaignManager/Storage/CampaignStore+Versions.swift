import Domain
import Foundation
import Postgres
import ServiceKit

/// A campaign's stored versions: every change to its definition is one, kept whole.
extension CampaignStore {
    public func versions(_ id: UUID, page: PageRequest) async throws -> Page<CampaignVersion> {
        let current = try await get(id)
        let result = try await pool.query(
            """
            SELECT version, definition, created_at, created_by, change FROM campaigns.campaign_versions
            WHERE campaign_id = $1 AND version < $2::int8 ORDER BY version DESC LIMIT $3
            """, [id, page.cursor?.version ?? Int64.max, page.size + 1])
        let versions = try result.map { try Self.version($0, of: current) }
        return Page(items: versions, size: page.size) { PageCursor(version: $0.campaign.version) }
    }

    public func version(_ id: UUID, _ number: Int64) async throws -> CampaignVersion {
        let current = try await get(id)
        let result = try await pool.query(
            "SELECT version, definition, created_at, created_by, change FROM campaigns.campaign_versions WHERE campaign_id = $1 AND version = $2",
            [id, number])
        guard let row = result.first else {
            throw ServiceError.notFound(
                "campaign \(id.lowercased) has no version \(number) (its versions are 1 to \(current.version))")
        }
        return try Self.version(row, of: current)
    }

    /// A stored version: the campaign as it was defined at that version.
    static func version(_ row: PostgresRow, of current: Campaign) throws -> CampaignVersion {
        var campaign = current
        campaign.definition = try row.json("definition", as: CampaignDefinition.self)!
        campaign.version = try row.decode("version")
        campaign.updatedAt = try row.decode("created_at")
        campaign.updatedBy = try row.decode("created_by")
        return CampaignVersion(
            campaign: campaign, createdAt: campaign.updatedAt, createdBy: campaign.updatedBy!,
            change: try row.decode("change"))
    }

}
