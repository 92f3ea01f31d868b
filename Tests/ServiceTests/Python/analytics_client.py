"""A Python grpcio client of herald.analytics.v1.CampaignAnalytics, generated from Herald's Protos/ at run time, that
calls every method (the server-streaming metrics line included), the error cases too, and checks what a Python user
would rely on.

  analytics_client.py --protos DIR --target HOST:PORT --user USER_ID --campaign CAMPAIGN_ID
Prints "ok: N checks" and exits 0, or names the failed check and exits 1.
"""
import csv
import io
import time
import uuid

import grpc

from polyglot import arguments, check, done, fails, field_violations, generate

FILES = ["herald/common/v1/common.proto", "herald/analytics/v1/analytics.proto"]


def main():
    args = arguments()
    generate(args.protos, FILES)
    from herald.analytics.v1 import analytics_pb2 as pb, analytics_pb2_grpc as rpc
    from herald.common.v1 import common_pb2 as common

    stub = rpc.CampaignAnalyticsStub(grpc.insecure_channel(args.target))
    EMAIL = common.NOTIFICATION_CHANNEL_EMAIL
    now = int(time.time()) - 3600

    def event(user, kind, offset, value=0.0):
        e = pb.CampaignEvent(id=str(uuid.uuid4()), campaign_id=args.campaign, user_id=user, event_type=kind,
                             channel=EMAIL, node_id="welcome", variant_id="b", value=value)
        e.timestamp.FromSeconds(now + offset)
        return e

    users = [str(uuid.uuid4()) for _ in range(10)]
    events = []
    for i, user in enumerate(users):
        events += [event(user, pb.EVENT_TYPE_SENT, 0), event(user, pb.EVENT_TYPE_DELIVERED, 10)]
        if i % 2 == 0:
            events.append(event(user, pb.EVENT_TYPE_OPENED, 60))
        if i % 5 == 0:
            events += [event(user, pb.EVENT_TYPE_CLICKED, 120), event(user, pb.EVENT_TYPE_CONVERTED, 300, 25.0)]
    tracked = stub.TrackCampaignEvents(pb.TrackCampaignEventsRequest(events=events), timeout=10)
    check(tracked.stored == len(events) and tracked.duplicates == 0, f"stored {tracked.stored} of {len(events)}")
    again = stub.TrackCampaignEvents(pb.TrackCampaignEventsRequest(events=events[:5]), timeout=10)
    check(again.stored == 0 and again.duplicates == 5, "a repeat is a duplicate")
    one = stub.TrackCampaignEvent(pb.TrackCampaignEventRequest(event=event(users[1], pb.EVENT_TYPE_OPENED, 90)), timeout=10)
    check(one.stored, "TrackCampaignEvent stores a new event")

    metrics = stub.GetCampaignMetrics(pb.GetCampaignMetricsRequest(campaign_id=args.campaign), timeout=10).metrics
    check(metrics.sent == 10 and metrics.delivered == 10 and metrics.opened == 6 and metrics.unique_opened == 6,
          f"counts: {metrics}")
    check(metrics.clicked == 2 and metrics.converted == 2 and abs(metrics.revenue - 50) < 1e-9, "clicks, conversions")
    check(abs(metrics.open_rate - 0.6) < 1e-9, f"open rate {metrics.open_rate}")
    intervals = {r.rate: (r.lower, r.upper) for r in metrics.rate_intervals}
    check(intervals["open_rate"][0] < 0.6 < intervals["open_rate"][1], f"Wilson interval {intervals['open_rate']}")

    funnel = stub.AnalyzeFunnel(pb.AnalyzeFunnelRequest(campaign_id=args.campaign), timeout=10).funnel
    check([s.users for s in funnel.stages] == [10, 10, 6, 1, 1], f"funnel {[s.users for s in funnel.stages]}")
    roi = stub.CalculateROI(pb.CalculateROIRequest(campaign_id=args.campaign), timeout=10).analysis
    check(abs(roi.revenue - 50) < 1e-9 and abs(roi.cost - 10 * 0.001) < 1e-9, f"ROI {roi}")

    report = stub.GenerateReport(pb.GenerateReportRequest(definition=pb.ReportDefinition(
        name="py", campaign_ids=[args.campaign], metrics=["sent", "open_rate"], dimensions=["variant"],
        granularity=pb.GRANULARITY_DAILY, format=pb.REPORT_FORMAT_CSV)), timeout=10).report
    rows = list(csv.DictReader(io.StringIO(report.rendered.decode())))
    check(sum(int(r["sent"]) for r in rows) == 10 and all(r["variant"] == "b" for r in rows), f"CSV {rows}")

    dashboard = stub.CreateDashboard(pb.CreateDashboardRequest(created_by=args.user, definition=pb.DashboardDefinition(
        name="py", refresh_interval_seconds=60, widgets=[pb.DashboardWidget(id="w", kind="line", title="Sent",
            query=pb.ReportDefinition(campaign_ids=[args.campaign], metrics=["sent"]))])), timeout=10).dashboard
    got = stub.GetDashboard(pb.GetDashboardRequest(dashboard_id=dashboard.id), timeout=10).dashboard
    check(got == dashboard, "GetDashboard returns what CreateDashboard did")

    attribution = stub.AnalyzeAttribution(pb.AnalyzeAttributionRequest(
        model=pb.ATTRIBUTION_MODEL_LINEAR, window_days=30), timeout=10).analysis
    check(attribution.conversions == 2 and abs(sum(c.conversions for c in attribution.campaigns) - 2) < 1e-9,
          f"attribution {attribution}")

    conversion = pb.ConversionEvent(id=str(uuid.uuid4()), type="purchase", value=30.0, currency="EUR")
    conversion.properties.update({"sku": "A-1"})
    stored = stub.TrackConversion(pb.TrackConversionRequest(user_id=users[3], campaign_id=args.campaign,
                                                            conversion=conversion), timeout=10)
    check(stored.stored, "TrackConversion stores a conversion")
    metric = pb.CustomMetric(id=str(uuid.uuid4()), campaign_id=args.campaign, name="installs", value=4)
    metric.dimensions["store"] = "play"
    check(stub.RecordCustomMetric(pb.RecordCustomMetricRequest(metric=metric), timeout=10).stored, "a custom metric")
    after = stub.GetCampaignMetrics(pb.GetCampaignMetricsRequest(campaign_id=args.campaign), timeout=10).metrics
    check(after.converted == 3 and after.custom_metrics["installs"] == 4, f"conversion and custom metric counted: {after}")
    behavior = stub.GetUserBehavior(pb.GetUserBehaviorRequest(user_id=users[0]), timeout=10).behavior
    check(behavior.events_by_type["sent"] == 1 and behavior.events_by_type["converted"] == 1 and behavior.campaigns == 1,
          f"behavior {behavior}")

    watch = stub.WatchCampaignMetrics(pb.WatchCampaignMetricsRequest(campaign_id=args.campaign), timeout=10)
    first = next(watch)
    check(first.metrics.sent == 10, "the watch starts with the current counts")
    stub.TrackCampaignEvent(pb.TrackCampaignEventRequest(event=event(str(uuid.uuid4()), pb.EVENT_TYPE_SENT, 5)), timeout=10)
    check(next(watch).metrics.sent == 11, "then sends them again as they change")
    watch.cancel()

    error = fails(stub.TrackCampaignEvents, pb.TrackCampaignEventsRequest(events=[
        pb.CampaignEvent(id=str(uuid.uuid4()), campaign_id=args.campaign, user_id=users[0]),
        pb.CampaignEvent(id="nope", campaign_id=str(uuid.uuid4()), user_id=users[0], event_type=pb.EVENT_TYPE_SENT,
                         channel=EMAIL)]), grpc.StatusCode.INVALID_ARGUMENT, "events[0].event_type")
    violations = field_violations(error)
    check("events[0].channel" in violations and "events[1].id" in violations, f"violations {violations}")
    fails(stub.GetCampaignMetrics, pb.GetCampaignMetricsRequest(campaign_id=str(uuid.uuid4())), grpc.StatusCode.NOT_FOUND,
          "no campaign")
    fails(stub.GetDashboard, pb.GetDashboardRequest(dashboard_id=str(uuid.uuid4())), grpc.StatusCode.NOT_FOUND,
          "no dashboard")
    done()


if __name__ == "__main__":
    main()
