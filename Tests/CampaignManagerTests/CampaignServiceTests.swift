import Codec
import Foundation
import Postgres
import RPC
import TestSupport
import Testing

@testable import CampaignManager

/// CampaignManager over real gRPC and PostgreSQL: what a client sees, and what is stored.
@Suite("CampaignManager service")
struct CampaignServiceTests {
    @Test("create, get, update, stale update, versions, rollback: every change versioned and audited")
    func versioning() async throws {
        try await Harness.with { h in
            let created = try await h.create()
            let id = try #require(created["id"].string)
            #expect(created["status"].string == "CAMPAIGN_STATUS_DRAFT")
            #expect(created["version"].string == "1")
            #expect(created["createdBy"].string == h.user)
            #expect(try await h.call("GetCampaign", "{\"campaignId\": \"\(id)\"}")["campaign"] == created)

            let update = { (version: Int, name: String) in
                try await h.call(
                    "UpdateCampaign",
                    """
                    {"campaignId": "\(id)", "expectedVersion": \(version), "updatedBy": "\(h.user)",
                     "campaign": \(h.definition(["name": "\"\(name)\""]))}
                    """)["campaign"]
            }
            let v2 = try await update(1, "Renamed")
            #expect(v2["version"].string == "2")
            #expect(v2["name"].string == "Renamed")

            // A second editor who read version 1 loses nothing silently: ABORTED, and version 2 stays.
            let stale = try await h.failure(
                "UpdateCampaign",
                """
                {"campaignId": "\(id)", "expectedVersion": 1, "updatedBy": "\(h.user)", "campaign": \(h.definition(["name": "\"Other\""]))}
                """)
            #expect(stale.code == .aborted)
            #expect(stale.message.contains("is at version 2, not 1"))
            #expect(
                try await h.call("GetCampaign", "{\"campaignId\": \"\(id)\"}")["campaign"]["name"].string == "Renamed")

            let rolled = try await h.call(
                "RollbackCampaign",
                """
                {"campaignId": "\(id)", "toVersion": 1, "expectedVersion": 2, "requestedBy": "\(h.user)"}
                """)["campaign"]
            #expect(rolled["version"].string == "3")
            #expect(rolled["name"].string == "Welcome series")

            let versions = try await h.call("ListCampaignVersions", "{\"campaignId\": \"\(id)\"}")["versions"]
            #expect(versions.count == 3)
            #expect(versions[0]["change"].string == "rollback to 1")
            #expect(versions[2]["change"].string == "create")
            let v1 = try await h.call("GetCampaignVersion", "{\"campaignId\": \"\(id)\", \"version\": 2}")["version"]
            #expect(v1["campaign"]["name"].string == "Renamed")
            let missing = try await h.failure("GetCampaignVersion", "{\"campaignId\": \"\(id)\", \"version\": 9}")
            #expect(missing.code == .notFound)

            let audit = try await h.pool.query(
                "SELECT action, before_version, after_version FROM campaigns.campaign_audit WHERE campaign_id = $1 ORDER BY id",
                [UUID(uuidString: id)!])
            #expect(try audit.map { try $0.decode("action", as: String.self) } == ["create", "update", "rollback"])
            #expect(try audit.map { try $0.decode("after_version", as: Int.self) } == [1, 2, 3])
        }
    }

    @Test("bad requests: INVALID_ARGUMENT naming each field, NOT_FOUND for unknown ids, and nothing stored")
    func badRequests() async throws {
        try await Harness.with { h in
            let brokenWorkflow =
                #"{"nodes": [{"id": "a", "type": "NODE_TYPE_START"}, {"id": "b", "type": "NODE_TYPE_DELAY"}], "edges": [{"source": "a", "target": "c"}]}"#
            let broken = h.definition(["name": "", "channels": "[]", "workflow": brokenWorkflow])
            let invalid = try await h.failure(
                "CreateCampaign", "{\"createdBy\": \"\(h.user)\", \"campaign\": \(broken)}")
            #expect(invalid.code == .invalidArgument)
            for fragment in [
                "campaign.name: required", "campaign.channels: at least one channel",
                "campaign.workflow.nodes[1].config: required for a delay node",
                "campaign.workflow.edges[0].target: no node \"c\"",
                "campaign.workflow.nodes[1]: node \"b\" is not reachable",
            ] {
                #expect(invalid.message.contains(fragment), "\(fragment) in \(invalid.message)")
            }

            let unknownUser = try await h.failure(
                "CreateCampaign", "{\"createdBy\": \"\(UUID().uuidString)\", \"campaign\": \(h.definition())}")
            #expect(unknownUser.code == .invalidArgument)
            #expect(unknownUser.message.hasPrefix("created_by: no user"))
            let noUser = try await h.failure("CreateCampaign", "{\"campaign\": \(h.definition())}")
            #expect(noUser.message == "created_by: required")
            let badID = try await h.failure("GetCampaign", "{\"campaignId\": \"42\"}")
            #expect(badID.code == .invalidArgument && badID.message == "campaign_id: expected a UUID, got \"42\"")
            let unknown = UUID().uuidString.lowercased()
            let notFound = try await h.failure(
                "PauseCampaign", "{\"campaignId\": \"\(unknown)\", \"requestedBy\": \"\(h.user)\"}")
            #expect(notFound.code == .notFound && notFound.message == "campaign \(unknown) not found")
            #expect(try await h.count("campaigns.campaigns") == 0)
            #expect(try await h.count("campaigns.campaign_audit") == 0)

            // An invalid update leaves the stored campaign as it was.
            let id = try #require(try await h.create()["id"].string)
            let badGoals = h.definition(["goals": #"[{"metric": "joy", "target": 1}]"#])
            let badUpdate = try await h.failure(
                "UpdateCampaign",
                "{\"campaignId\": \"\(id)\", \"expectedVersion\": 1, \"updatedBy\": \"\(h.user)\", \"campaign\": \(badGoals)}"
            )
            #expect(badUpdate.message.contains("campaign.goals[0].metric: unknown metric \"joy\""))
            #expect(try await h.call("GetCampaign", "{\"campaignId\": \"\(id)\"}")["campaign"]["version"].string == "1")
            let noVersion = try await h.failure(
                "UpdateCampaign",
                "{\"campaignId\": \"\(id)\", \"updatedBy\": \"\(h.user)\", \"campaign\": \(h.definition())}")
            #expect(noVersion.message.hasPrefix("expected_version: required"))
        }
    }

    @Test("lifecycle: execute records a pending execution; illegal transitions name both states; terminate cancels")
    func lifecycle() async throws {
        try await Harness.with { h in
            let id = try #require(try await h.create()["id"].string)
            let act = { (method: String) in
                try await h.call(method, "{\"campaignId\": \"\(id)\", \"requestedBy\": \"\(h.user)\"}")
            }
            let fail = { (method: String) in
                try await h.failure(method, "{\"campaignId\": \"\(id)\", \"requestedBy\": \"\(h.user)\"}")
            }
            let resume = try await fail("ResumeCampaign")
            #expect(resume.code == .failedPrecondition)
            #expect(resume.message == "cannot resume a campaign that is draft (resume needs paused)")

            let execution = try await act("ExecuteCampaign")["execution"]
            #expect(execution["status"].string == "EXECUTION_STATUS_PENDING")
            #expect(execution["campaignId"].string == id)
            let status = try await h.call("GetCampaignStatus", "{\"campaignId\": \"\(id)\"}")["status"]
            #expect(status["status"].string == "CAMPAIGN_STATUS_ACTIVE")
            #expect(status["currentExecution"]["id"] == execution["id"])
            #expect(
                try await fail("ExecuteCampaign").message
                    == "cannot activate a campaign that is active (activate needs draft, scheduled)")

            #expect(try await act("PauseCampaign")["campaign"]["status"].string == "CAMPAIGN_STATUS_PAUSED")
            #expect(try await act("ResumeCampaign")["campaign"]["status"].string == "CAMPAIGN_STATUS_ACTIVE")
            let edit = try await h.failure(
                "UpdateCampaign",
                """
                {"campaignId": "\(id)", "expectedVersion": 1, "updatedBy": "\(h.user)", "campaign": \(h.definition())}
                """)
            #expect(edit.code == .failedPrecondition && edit.message.contains("that is active"))
            let terminated = try await h.call(
                "TerminateCampaign",
                "{\"campaignId\": \"\(id)\", \"requestedBy\": \"\(h.user)\", \"reason\": \"budget cut\"}")
            #expect(terminated["campaign"]["status"].string == "CAMPAIGN_STATUS_COMPLETED")
            let after = try await h.call("GetCampaignStatus", "{\"campaignId\": \"\(id)\"}")["status"]
            #expect(after["currentExecution"]["status"].string == "EXECUTION_STATUS_CANCELLED")
            #expect(try await fail("TerminateCampaign").code == .failedPrecondition)
            #expect(try await act("ArchiveCampaign")["campaign"]["status"].string == "CAMPAIGN_STATUS_ARCHIVED")
            #expect(
                try await fail("PauseCampaign").message
                    == "cannot pause a campaign that is archived (pause needs active)")

            // A start date in the future schedules instead of activating; a campaign with no audience cannot run.
            let later = try #require(
                try await h.create([
                    "schedule":
                        "{\"type\": \"SCHEDULE_TYPE_SCHEDULED\", \"startDate\": \"2099-01-01T09:00:00Z\", \"timezone\": \"UTC\"}"
                ])["id"].string)
            try await h.call("ExecuteCampaign", "{\"campaignId\": \"\(later)\", \"requestedBy\": \"\(h.user)\"}")
            #expect(
                try await h.call("GetCampaign", "{\"campaignId\": \"\(later)\"}")["campaign"]["status"].string
                    == "CAMPAIGN_STATUS_SCHEDULED")
            let nobody = try #require(try await h.create(["targetSegments": ""])["id"].string)
            let cannot = try await h.failure(
                "ExecuteCampaign", "{\"campaignId\": \"\(nobody)\", \"requestedBy\": \"\(h.user)\"}")
            #expect(
                cannot.code == .failedPrecondition
                    && cannot.message.contains(
                        "campaign.target_segments: a one_time campaign needs at least one target segment")
            )
            let audit = try await h.pool.query(
                "SELECT action FROM campaigns.campaign_audit WHERE campaign_id = $1 ORDER BY id",
                [UUID(uuidString: id)!])
            #expect(
                try audit.map { try $0.decode("action", as: String.self) } == [
                    "create", "execute", "pause", "resume", "terminate", "archive",
                ])
        }
    }

    @Test("ListCampaigns filters and pages through every campaign exactly once; oversized pages are refused")
    func listing() async throws {
        try await Harness.with { h in
            var ids: [String] = []
            for i in 0..<7 {
                let tags = i % 2 == 0 ? "[\"even\", \"all\"]" : "[\"odd\", \"all\"]"
                let channels =
                    i < 3
                    ? "[\"NOTIFICATION_CHANNEL_EMAIL\"]"
                    : "[\"NOTIFICATION_CHANNEL_EMAIL\", \"NOTIFICATION_CHANNEL_PUSH\"]"
                ids.append(
                    try #require(
                        try await h.create(["name": "\"Campaign \(i) Spring\"", "tags": tags, "channels": channels])[
                            "id"
                        ].string))
            }
            var seen: [String] = []
            var token = ""
            repeat {
                let page = try await h.call(
                    "ListCampaigns", "{\"page\": {\"pageSize\": 3, \"pageToken\": \"\(token)\"}}")
                #expect(page["campaigns"].count <= 3)
                seen += page["campaigns"].items.compactMap { $0["id"].string }
                token = page["page"]["nextPageToken"].string ?? ""
            } while !token.isEmpty
            #expect(seen == ids.reversed(), "newest first, each once")

            let even = try await h.call("ListCampaigns", "{\"filter\": {\"tags\": [\"even\", \"all\"]}}")["campaigns"]
            #expect(even.count == 4)
            let push = try await h.call(
                "ListCampaigns", "{\"filter\": {\"channels\": [\"NOTIFICATION_CHANNEL_PUSH\"]}}")["campaigns"]
            #expect(push.count == 4)
            let named = try await h.call("ListCampaigns", "{\"filter\": {\"nameContains\": \"3 spr\"}}")["campaigns"]
            #expect(named.count == 1 && named[0]["id"].string == ids[3])
            try await h.call("ExecuteCampaign", "{\"campaignId\": \"\(ids[0])\", \"requestedBy\": \"\(h.user)\"}")
            let active = try await h.call(
                "ListCampaigns", "{\"filter\": {\"statuses\": [\"CAMPAIGN_STATUS_ACTIVE\"]}}")["campaigns"]
            #expect(active.count == 1 && active[0]["id"].string == ids[0])
            let future = try await h.call(
                "ListCampaigns", "{\"filter\": {\"created\": {\"start\": \"2099-01-01T00:00:00Z\"}}}")["campaigns"]
            #expect(future.count == 0)

            let oversized = try await h.failure("ListCampaigns", "{\"page\": {\"pageSize\": 501}}")
            #expect(
                oversized.code == .invalidArgument
                    && oversized.message == "page.page_size: must be between 1 and 500, got 501")
            let forged = try await h.failure("ListCampaigns", "{\"page\": {\"pageToken\": \"not-a-token\"}}")
            #expect(forged.message == "page.page_token: not a token this service returned")
        }
    }

    @Test("templates, campaigns from templates, and duplicates")
    func templates() async throws {
        try await Harness.with { h in
            let template = try await h.call(
                "CreateCampaignTemplate",
                """
                {"name": "Onboarding", "createdBy": "\(h.user)", "tags": ["starter"], "definition": \(h.definition())}
                """)["template"]
            let templateID = try #require(template["id"].string)
            #expect(try await h.call("ListCampaignTemplates", "{\"tags\": [\"starter\"]}")["templates"].count == 1)
            #expect(try await h.call("ListCampaignTemplates", "{\"tags\": [\"other\"]}")["templates"].count == 0)
            let fromTemplate = try await h.call(
                "CreateCampaignFromTemplate",
                """
                {"templateId": "\(templateID)", "name": "March onboarding", "createdBy": "\(h.user)"}
                """)["campaign"]
            #expect(fromTemplate["name"].string == "March onboarding")
            #expect(fromTemplate["templateId"].string == templateID)
            #expect(fromTemplate["workflow"] == template["definition"]["workflow"])

            let copy = try await h.call(
                "DuplicateCampaign",
                """
                {"campaignId": "\(fromTemplate["id"].string!)", "createdBy": "\(h.user)"}
                """)["campaign"]
            #expect(copy["name"].string == "March onboarding (copy)")
            #expect(copy["status"].string == "CAMPAIGN_STATUS_DRAFT")
            #expect(copy["id"] != fromTemplate["id"])
            let badTemplate = try await h.failure(
                "CreateCampaignTemplate", "{\"name\": \"x\", \"createdBy\": \"\(h.user)\", \"definition\": {}}")
            #expect(badTemplate.message.contains("definition.name: required"))
        }
    }

    @Test("analytics sums campaign_metrics, zeros before any event, goal progress from the totals")
    func analytics() async throws {
        try await Harness.with { h in
            let id = try #require(try await h.create()["id"].string)
            let empty = try await h.call("GetCampaignAnalytics", "{\"campaignId\": \"\(id)\"}")["analytics"]
            #expect(empty["totals"]["sent"].number == 0)  // omitted in proto3 JSON, read as its zero
            #expect(empty["daily"].count == 0)
            #expect(empty["goalProgress"]["open_rate"].number ?? 0 == 0)

            for (day, sent, delivered, opened, bounced) in [
                ("2026-11-01", 1000, 950, 380, 50), ("2026-11-02", 1000, 990, 420, 10),
            ] {
                try await h.pool.query(
                    """
                    INSERT INTO analytics.campaign_metrics (campaign_id, date, sent, delivered, opened, bounced)
                    VALUES ($1, $2::date, $3, $4, $5, $6)
                    """, [UUID(uuidString: id)!, day, sent, delivered, opened, bounced])
            }
            let analytics = try await h.call("GetCampaignAnalytics", "{\"campaignId\": \"\(id)\"}")["analytics"]
            #expect(analytics["totals"]["sent"].string == "2000")
            #expect(analytics["totals"]["opened"].string == "800")
            #expect(analytics["daily"].count == 2)
            let openRate = try #require(analytics["totals"]["openRate"].number)
            #expect(abs(openRate - 800.0 / 1940.0) < 1e-9)
            #expect(abs((analytics["goalProgress"]["open_rate"].number ?? 0) - openRate / 0.5) < 1e-9)
            #expect(abs((analytics["goalProgress"]["bounce_rate"].number ?? 0) - 0.02 / 0.03) < 1e-9)
            let oneDay = try await h.call(
                "GetCampaignAnalytics",
                """
                {"campaignId": "\(id)", "timeRange": {"start": "2026-11-02T00:00:00Z", "end": "2026-11-03T00:00:00Z"}}
                """)["analytics"]
            #expect(oneDay["totals"]["sent"].string == "1000" && oneDay["daily"].count == 1)
        }
    }

    @Test("a campaign row written without its stored encoding is read from its JSON columns")
    func rowWithoutEncoding() async throws {
        try await Harness.with { h in
            let created = try await h.create()
            let id = try #require(created["id"].string)
            try await h.pool.query(
                "UPDATE campaigns.campaigns SET definition_pb = NULL, name = 'Renamed in SQL' WHERE id = $1",
                [UUID(uuidString: id)!])
            let got = try await h.call("GetCampaign", "{\"campaignId\": \"\(id)\"}")["campaign"]
            #expect(got["name"].string == "Renamed in SQL")
            #expect(got["workflow"] == created["workflow"])
            let listed = try await h.call("ListCampaigns", "{}")["campaigns"]
            #expect(listed[0]["name"].string == "Renamed in SQL")
        }
    }

    @Test(
        "GetCampaign answers from memory: this process's changes show at once, another writer's once its NOTIFY arrives; with the trigger off a cached campaign stays as it was"
    )
    func cache() async throws {
        try await Harness.with { h in
            let created = try await h.create()
            let id = try #require(created["id"].string)
            let uuid = try #require(UUID(uuidString: id))
            let cache = try #require(h.service.store.cache)
            let get = { try await h.call("GetCampaign", "{\"campaignId\": \"\(id)\"}")["campaign"] }
            func cached() async throws {
                for _ in 0..<250 where cache.lookup(uuid) == nil {
                    _ = try await get()
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(cache.lookup(uuid) != nil, "GetCampaign keeps the campaign once the listener is up")
            }

            // Read your writes: a change through the service is in the very next read.
            try await cached()
            _ = try await h.call(
                "UpdateCampaign",
                """
                {"campaignId": "\(id)", "expectedVersion": 1, "updatedBy": "\(h.user)", "campaign": \(h.definition(["name": "\"Renamed\""]))}
                """)
            #expect(try await get()["version"].string == "2")

            // Another writer (SQL here; it drops the stored encoding, so that reads decode the columns): seen once
            // PostgreSQL's NOTIFY reaches the listener.
            try await cached()
            try await h.pool.query(
                "UPDATE campaigns.campaigns SET name = 'Renamed elsewhere', definition_pb = NULL WHERE id = $1", [uuid])
            var seen = ""
            let deadline = ContinuousClock.now + .seconds(5)
            while seen != "Renamed elsewhere", ContinuousClock.now < deadline {
                seen = try await get()["name"].string ?? ""
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(seen == "Renamed elsewhere")

            // The reads really come from memory: with the notifying trigger off, a change made elsewhere stays unseen.
            try await h.pool.query("ALTER TABLE campaigns.campaigns DISABLE TRIGGER campaigns_notify_changed")
            try await cached()
            try await h.pool.query(
                "UPDATE campaigns.campaigns SET name = 'Unannounced', definition_pb = NULL WHERE id = $1", [uuid])
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await get()["name"].string == "Renamed elsewhere")
            try await h.pool.query("ALTER TABLE campaigns.campaigns ENABLE TRIGGER campaigns_notify_changed")
        }
    }

    @Test("WatchCampaignStatus sends the current status, then each change as it commits")
    func watch() async throws {
        try await Harness.with { h in
            let id = try #require(try await h.create()["id"].string)
            var responses = try h.base.watch("WatchCampaignStatus", "{\"campaignId\": \"\(id)\"}").makeAsyncIterator()
            func next() async throws -> SchemaJSON { try #require(try await responses.next())["status"] }
            #expect(try await next()["status"].string == "CAMPAIGN_STATUS_DRAFT")
            try await h.call("ExecuteCampaign", "{\"campaignId\": \"\(id)\", \"requestedBy\": \"\(h.user)\"}")
            let active = try await next()
            #expect(active["status"].string == "CAMPAIGN_STATUS_ACTIVE")
            #expect(active["currentExecution"]["status"].string == "EXECUTION_STATUS_PENDING")
            try await h.call("PauseCampaign", "{\"campaignId\": \"\(id)\", \"requestedBy\": \"\(h.user)\"}")
            #expect(try await next()["status"].string == "CAMPAIGN_STATUS_PAUSED")
        }
    }
}
