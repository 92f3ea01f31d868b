import API
import Codec
import Domain
import Foundation
import Postgres
import ServiceKit

/// How campaign-manager's rows become domain values, in one place: the column lists the queries select and
/// the decoders that read them.
enum CampaignRows {
    static let campaignColumns = """
        c.id, c.name, c.description, c.type::text AS type, c.status::text AS status, c.channels::text[] AS channels,
        c.target_segments::text[] AS target_segments, c.workflow, c.personalization, c.ab_tests, c.schedule, c.budget, c.goals,
        c.created_at, c.updated_at, c.created_by, c.version, c.tags, c.metadata, c.updated_by, c.template_id, c.spent
        """

    static let executionColumns = """
        e.id, e.campaign_id, e.execution_id, e.status::text AS status, e.started_at, e.completed_at, e.metrics, e.errors
        """

    static let templateColumns = "t.id, t.name, t.description, t.definition, t.tags, t.created_at, t.created_by"

    static func campaign(_ row: PostgresRow) throws -> Campaign {
        let definition = CampaignDefinition(
            name: try row.decode("name"), description: try row.decode("description", as: String?.self) ?? "",
            type: try row.enumeration("type", as: CampaignType.self),
            channels: try row.decode("channels", as: [String].self).compactMap(NotificationChannel.init(rawValue:)),
            targetSegments: try row.decode("target_segments"),
            workflow: try row.json("workflow", as: WorkflowDefinition.self) ?? WorkflowDefinition(),
            personalization: try row.json("personalization", as: PersonalizationConfig.self),
            abTests: try row.json("ab_tests", as: [ABTestConfig].self) ?? [],
            schedule: try row.json("schedule", as: CampaignSchedule.self),
            budget: try row.json("budget", as: CampaignBudget.self),
            goals: try row.json("goals", as: [CampaignGoal].self) ?? [],
            tags: try row.decode("tags", as: [String]?.self) ?? [],
            metadata: try row.json("metadata", as: JSONValue.self))
        return Campaign(
            id: try row.decode("id"), definition: definition,
            status: try row.enumeration("status", as: CampaignStatus.self),
            version: try row.decode("version", as: Int64.self), createdAt: try row.decode("created_at"),
            updatedAt: try row.decode("updated_at"), createdBy: try row.decode("created_by"),
            updatedBy: try row.decode("updated_by"), templateID: try row.decode("template_id"),
            spent: try row.decode("spent"))
    }

    static func execution(_ row: PostgresRow) throws -> CampaignExecution {
        CampaignExecution(
            id: try row.decode("id"), campaignID: try row.decode("campaign_id"),
            executionID: try row.decode("execution_id"),
            status: try row.enumeration("status", as: ExecutionStatus.self), startedAt: try row.decode("started_at"),
            completedAt: try row.decode("completed_at"), metrics: try row.json("metrics", as: JSONValue.self),
            errors: try row.json("errors", as: [ExecutionErrorRecord].self) ?? [])
    }

    static func template(_ row: PostgresRow) throws -> CampaignTemplate {
        CampaignTemplate(
            id: try row.decode("id"), name: try row.decode("name"), description: try row.decode("description"),
            definition: try row.json("definition", as: CampaignDefinition.self)!,
            createdAt: try row.decode("created_at"),
            createdBy: try row.decode("created_by"), tags: try row.decode("tags"))
    }

    /// The columns a read answered from stored encodings needs (see `encodedCampaign`).
    static let encodedColumns = """
        c.id, c.status::text AS status, c.version, c.created_at, c.updated_at, c.created_by, c.updated_by, c.template_id,
        c.spent, c.definition_pb
        """

    static let campaignType = HeraldAPI.registry.message("herald.campaigns.v1.Campaign")!

    /// A `Campaign` message from `encodedColumns`: the stored encoding of the definition followed by the state;
    /// nil when the row has no stored encoding.
    static func encodedCampaign(_ row: PostgresRow) throws -> [UInt8]? {
        guard let definition = try row.decode("definition_pb", as: Data?.self) else { return nil }
        let state = Campaign(
            id: try row.decode("id"),
            definition: CampaignDefinition(name: "", type: nil, channels: [], workflow: WorkflowDefinition()),
            status: try row.enumeration("status", as: CampaignStatus.self), version: try row.decode("version"),
            createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"),
            createdBy: try row.decode("created_by"),
            updatedBy: try row.decode("updated_by"), templateID: try row.decode("template_id"),
            spent: try row.decode("spent"))
        return [UInt8](definition) + (try campaignType.encode { state.writeState(to: $0) })
    }

    /// How a definition is stored: its typed columns from parameters of their own, its JSON columns from one jsonb
    /// parameter holding the whole definition (encoded once), and its protobuf encoding.
    struct StoredDefinition {
        let parameters: [any PostgresEncodable]

        init(_ d: CampaignDefinition) throws {
            let pb = try CampaignRows.campaignType.encode { d.write(to: $0, fields: .campaign) }
            parameters = [
                d.name, d.description, d.type!.rawValue, d.channels.map(\.rawValue), d.targetSegments, d.tags,
                try PostgresJSON(encoding: d), Data(pb),
            ]
        }

        /// Column and SQL value of each stored part, for parameters numbered from `first`.
        static func assignments(from first: Int) -> [(column: String, value: String)] {
            let json = "$\(first + 6)::jsonb"
            return [
                ("name", "$\(first)"), ("description", "$\(first + 1)"),
                ("type", "$\(first + 2)::campaigns.campaign_type"),
                ("channels", "$\(first + 3)::common.notification_channel[]"),
                ("target_segments", "$\(first + 4)::uuid[]"),
                ("tags", "$\(first + 5)::text[]"), ("workflow", json + " -> 'workflow'"),
                ("personalization", json + " -> 'personalization'"),
                ("ab_tests", json + " -> 'abTests'"), ("schedule", json + " -> 'schedule'"),
                ("budget", json + " -> 'budget'"),
                ("goals", json + " -> 'goals'"), ("metadata", json + " -> 'metadata'"),
                ("definition_pb", "$\(first + 7)::bytea"),
            ]
        }

        /// The parameter number of the whole definition's JSON (for the version row).
        static func jsonParameter(from first: Int) -> Int { first + 6 }
    }
}
