"""A Python grpcio client of herald.campaigns.v1.CampaignManager, generated from Herald's Protos/ at run time, that
calls every method, the error cases included, and checks what a Python user would rely on.

  campaign_client.py --protos DIR --target HOST:PORT --user USER_ID
Prints "ok: N checks" and exits 0, or names the failed check and exits 1.
"""
import grpc

from polyglot import arguments, check, done, fails, field_violations, generate

FILES = ["herald/common/v1/common.proto", "herald/workflows/v1/workflows.proto", "herald/campaigns/v1/campaigns.proto"]


def main():
    args = arguments()
    generate(args.protos, FILES)
    from herald.campaigns.v1 import campaigns_pb2 as pb, campaigns_pb2_grpc as rpc
    from herald.common.v1 import common_pb2 as common
    from herald.workflows.v1 import workflows_pb2 as wf

    stub = rpc.CampaignManagerStub(grpc.insecure_channel(args.target))
    user = args.user

    def definition(name="Polyglot welcome"):
        d = pb.CampaignDefinition(name=name, type=pb.CAMPAIGN_TYPE_ONE_TIME, channels=[common.NOTIFICATION_CHANNEL_PUSH],
                                  target_segments=["3f0e7a2c-1111-4222-8333-944455556666"], tags=["python"])
        d.workflow.nodes.add(id="start", type=wf.NODE_TYPE_START)
        push = d.workflow.nodes.add(id="push", type=wf.NODE_TYPE_MESSAGE)
        push.config.message.channel = common.NOTIFICATION_CHANNEL_PUSH
        push.config.message.content.body = "Hello {{first_name}}"
        push.config.message.content.extras.update({"deep_link": "app://home", "badge": 1})
        d.workflow.nodes.add(id="end", type=wf.NODE_TYPE_END)
        d.workflow.edges.add(source="start", target="push")
        d.workflow.edges.add(source="push", target="end")
        d.schedule.type = pb.SCHEDULE_TYPE_IMMEDIATE
        d.schedule.timezone = "America/New_York"
        d.budget.total = 100
        d.budget.currency = "USD"
        d.budget.cost_per_message["push"] = 0.0001
        d.goals.add(metric="click_rate", target=0.1).window.FromSeconds(86400)
        d.metadata.update({"team": "mobile", "nested": {"ok": True}})
        return d

    # Create and read back: every field the client set comes back.
    created = stub.CreateCampaign(pb.CreateCampaignRequest(campaign=definition(), created_by=user), timeout=10).campaign
    check(created.status == pb.CAMPAIGN_STATUS_DRAFT and created.version == 1, "a new campaign is a version-1 draft")
    check(created.created_by == user and created.created_at.seconds > 0, "creator and creation time are set")
    got = stub.GetCampaign(pb.GetCampaignRequest(campaign_id=created.id), timeout=10).campaign
    check(got == created, "GetCampaign returns what CreateCampaign did")
    check(got.workflow.nodes[1].config.message.content.extras["deep_link"] == "app://home", "Struct fields round-trip")
    check(got.metadata["nested"]["ok"] is True, "nested metadata round-trips")
    check(got.budget.cost_per_message["push"] == 0.0001, "map fields round-trip")
    check(got.goals[0].window.seconds == 86400, "Duration fields round-trip")

    # Update, stale update, versions, rollback.
    changed = definition("Polyglot welcome v2")
    updated = stub.UpdateCampaign(pb.UpdateCampaignRequest(campaign_id=created.id, campaign=changed, expected_version=1, updated_by=user), timeout=10).campaign
    check(updated.version == 2 and updated.name == "Polyglot welcome v2", "an update makes version 2")
    fails(stub.UpdateCampaign, pb.UpdateCampaignRequest(campaign_id=created.id, campaign=changed, expected_version=1, updated_by=user),
          grpc.StatusCode.ABORTED, "is at version 2, not 1")
    versions = stub.ListCampaignVersions(pb.ListCampaignVersionsRequest(campaign_id=created.id), timeout=10).versions
    check([v.version for v in versions] == [2, 1], "versions are listed newest first")
    v1 = stub.GetCampaignVersion(pb.GetCampaignVersionRequest(campaign_id=created.id, version=1), timeout=10).version
    check(v1.campaign.name == "Polyglot welcome" and v1.change == "create", "version 1 is the original")
    rolled = stub.RollbackCampaign(pb.RollbackCampaignRequest(campaign_id=created.id, to_version=1, expected_version=2, requested_by=user), timeout=10).campaign
    check(rolled.version == 3 and rolled.name == "Polyglot welcome", "a rollback makes a new version equal to the old one")

    # Lifecycle, status, illegal transitions.
    execution = stub.ExecuteCampaign(pb.ExecuteCampaignRequest(campaign_id=created.id, requested_by=user), timeout=10).execution
    check(execution.status == pb.EXECUTION_STATUS_PENDING, "an execution starts pending")
    status = stub.GetCampaignStatus(pb.GetCampaignStatusRequest(campaign_id=created.id), timeout=10).status
    check(status.status == pb.CAMPAIGN_STATUS_ACTIVE and status.current_execution.id == execution.id, "status reports the execution")
    fails(stub.ArchiveCampaign, pb.ArchiveCampaignRequest(campaign_id=created.id, requested_by=user), grpc.StatusCode.FAILED_PRECONDITION,
          "cannot archive a campaign that is active (archive needs completed)")
    check(stub.PauseCampaign(pb.PauseCampaignRequest(campaign_id=created.id, requested_by=user), timeout=10).campaign.status == pb.CAMPAIGN_STATUS_PAUSED, "pause")
    check(stub.ResumeCampaign(pb.ResumeCampaignRequest(campaign_id=created.id, requested_by=user), timeout=10).campaign.status == pb.CAMPAIGN_STATUS_ACTIVE, "resume")

    # Watch: the current status first, then the change a terminate makes.
    watch = stub.WatchCampaignStatus(pb.WatchCampaignStatusRequest(campaign_id=created.id), timeout=10)
    check(next(watch).status.status == pb.CAMPAIGN_STATUS_ACTIVE, "watch starts with the current status")
    stub.TerminateCampaign(pb.TerminateCampaignRequest(campaign_id=created.id, requested_by=user, reason="done"), timeout=10)
    seen = next(watch).status
    check(seen.status == pb.CAMPAIGN_STATUS_COMPLETED, "watch sees the terminate")
    watch.cancel()
    check(stub.ArchiveCampaign(pb.ArchiveCampaignRequest(campaign_id=created.id, requested_by=user), timeout=10).campaign.status == pb.CAMPAIGN_STATUS_ARCHIVED, "archive")

    # Lists, templates, duplicates, analytics.
    for i in range(3):
        stub.CreateCampaign(pb.CreateCampaignRequest(campaign=definition(f"Batch {i}"), created_by=user), timeout=10)
    page = stub.ListCampaigns(pb.ListCampaignsRequest(filter=pb.CampaignFilter(tags=["python"]), page=common.PageRequest(page_size=2)), timeout=10)
    check(len(page.campaigns) == 2 and page.page.next_page_token, "a first page of two with a next token")
    rest = stub.ListCampaigns(pb.ListCampaignsRequest(filter=pb.CampaignFilter(tags=["python"]), page=common.PageRequest(page_size=2, page_token=page.page.next_page_token)), timeout=10)
    check(len(rest.campaigns) == 2 and not rest.page.next_page_token, "the last page")
    template = stub.CreateCampaignTemplate(pb.CreateCampaignTemplateRequest(name="Push starter", definition=definition(), created_by=user, tags=["push"]), timeout=10).template
    check(len(stub.ListCampaignTemplates(pb.ListCampaignTemplatesRequest(tags=["push"]), timeout=10).templates) == 1, "templates by tag")
    from_template = stub.CreateCampaignFromTemplate(pb.CreateCampaignFromTemplateRequest(template_id=template.id, name="From template", created_by=user), timeout=10).campaign
    check(from_template.template_id == template.id and from_template.name == "From template", "a campaign from a template")
    copy = stub.DuplicateCampaign(pb.DuplicateCampaignRequest(campaign_id=from_template.id, created_by=user), timeout=10).campaign
    check(copy.name == "From template (copy)" and copy.id != from_template.id, "duplicate")
    analytics = stub.GetCampaignAnalytics(pb.GetCampaignAnalyticsRequest(campaign_id=copy.id), timeout=10).analytics
    check(analytics.totals.sent == 0 and analytics.goal_progress["click_rate"] == 0, "analytics are zeros before any event")

    # Error cases.
    bad = definition("")
    bad.workflow.nodes.add(id="loose", type=wf.NODE_TYPE_DELAY)
    error = fails(stub.CreateCampaign, pb.CreateCampaignRequest(campaign=bad, created_by=user), grpc.StatusCode.INVALID_ARGUMENT, "campaign.name: required")
    check("campaign.workflow.nodes[3].config: required for a delay node" in error.details(), f"invalid workflow named: {error.details()}")
    violations = field_violations(error)
    check(violations.get("campaign.name") == "required", f"campaign.name among the field violations: {violations}")
    check(violations.get("campaign.workflow.nodes[3].config") == "required for a delay node", f"the node's violation: {violations}")
    fails(stub.GetCampaign, pb.GetCampaignRequest(campaign_id="00000000-0000-4000-8000-000000000000"), grpc.StatusCode.NOT_FOUND, "not found")
    error = fails(stub.GetCampaign, pb.GetCampaignRequest(campaign_id="nope"), grpc.StatusCode.INVALID_ARGUMENT, "campaign_id: expected a UUID")
    check(field_violations(error) == {"campaign_id": 'expected a UUID, got "nope"'}, f"one violation: {field_violations(error)}")
    fails(stub.ListCampaigns, pb.ListCampaignsRequest(page=common.PageRequest(page_size=10000)), grpc.StatusCode.INVALID_ARGUMENT,
          "page.page_size: must be between 1 and 500")
    fails(stub.CreateCampaign, pb.CreateCampaignRequest(campaign=definition(), created_by="00000000-0000-4000-8000-000000000000"),
          grpc.StatusCode.INVALID_ARGUMENT, "created_by: no user")
    done()


if __name__ == "__main__":
    main()
