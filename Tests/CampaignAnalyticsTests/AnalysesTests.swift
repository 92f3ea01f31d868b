import Domain
import Foundation
import HeraldCore
import Postgres
import RPC
import TestSupport
import Testing

@testable import CampaignAnalytics

/// Funnels, reports, dashboards and the live metrics line, against counts made from the events themselves.
@Suite("campaign-analytics: funnels, reports, dashboards, watching")
struct AnalysesTests {
    @Test("the funnel counts users step by step in order, within the window, as the events say")
    func funnel() async throws {
        try await Harness.with { h in
            let events = IngestionTests.generate(h.campaign, users: 2_000, seed: 8)
            _ = try await h.track(events.sent)
            // Ground truth: each user's first time of each step; a step counts after the previous one's, within
            // seven days of the first send.
            var firsts: [UUID: [EventType: Date]] = [:]
            for e in events.unique {
                let at = e.timestamp!
                if let t = firsts[e.userID]?[e.eventType!], t <= at { continue }
                firsts[e.userID, default: [:]][e.eventType!] = at
            }
            let steps = EventStore.funnelSteps
            var want = [Int64](repeating: 0, count: steps.count)
            for (_, times) in firsts {
                guard let sent = times[.sent] else { continue }
                var previous = sent
                for (i, step) in steps.enumerated() {
                    guard let at = times[step], at >= previous, at <= sent.addingTimeInterval(7 * 86_400) else { break }
                    want[i] += 1
                    previous = at
                }
            }
            let funnel = try await h.analytics.funnel(of: h.campaign)
            #expect(funnel.stages.map(\.eventType) == steps)
            #expect(funnel.stages.map(\.users) == want)
            #expect(funnel.stages[0].conversionFromStart == 1)
            #expect(abs(funnel.stages[2].conversionFromPrevious - Double(want[2]) / Double(want[1])) < 1e-12)
        }
    }

    @Test("a report by channel and variant, daily, as CSV and JSON, agrees with the events")
    func report() async throws {
        try await Harness.with { h in
            let events = IngestionTests.generate(h.campaign, users: 1_000, seed: 9)
            _ = try await h.track(events.sent)
            var sent: [String: Double] = [:]
            var opened: [String: Double] = [:]
            for e in events.unique {
                let key = "\(e.channel!.rawValue)/\(e.variantID)"
                if e.eventType == .sent { sent[key, default: 0] += 1 }
                if e.eventType == .opened { opened[key, default: 0] += 1 }
            }
            let definition = ReportDefinition(
                name: "By channel", campaignIDs: [h.campaign], metrics: ["sent", "opened"],
                dimensions: ["channel", "variant"], granularity: .monthly, format: .csv)
            let report = try await h.analytics.report(definition)
            var gotSent: [String: Double] = [:]
            for row in report.rows {
                gotSent[row.dimensions.joined(separator: "/"), default: 0] += row.values["sent"] ?? 0
            }
            #expect(gotSent == sent)
            let csv = String(decoding: report.rendered, as: UTF8.self).split(separator: "\r\n")
            #expect(csv.first == "period,channel,variant,sent,opened")
            #expect(csv.count == report.rows.count + 1)
            var json = definition
            json.format = .json
            let rendered = try await h.analytics.report(json).rendered
            let parsed = try JSONSerialization.jsonObject(with: Data(rendered)) as? [[String: Any]] ?? []
            let openedTotal = parsed.reduce(0.0) { $0 + (($1["opened"] as? NSNumber)?.doubleValue ?? 0) }
            #expect(openedTotal == opened.values.reduce(0, +))
            let bad = try await h.failure(
                "GenerateReport",
                #"{"definition": {"campaignIds": ["\#(h.campaign)"], "metrics": ["sent", "happiness"], "dimensions": ["planet"]}}"#
            )
            #expect(bad.message.contains("definition.metrics[1]: unknown metric \"happiness\""))
            #expect(bad.message.contains("definition.dimensions[0]: unknown dimension \"planet\""))
            let manySent = (0..<5_000).map { _ in "\"sent\"" }.joined(separator: ",")
            let repeated = try await h.failure(
                "GenerateReport",
                #"{"definition": {"campaignIds": ["\#(h.campaign)"], "metrics": [\#(manySent)], "dimensions": ["channel", "channel"]}}"#
            )
            #expect(repeated.message.contains("definition.metrics: each metric at most once (5000 given)"))
            #expect(repeated.message.contains("definition.dimensions: each dimension at most once"))
        }
    }

    @Test("the HTML report opens in headless Chromium with its charts and table in the page")
    func htmlReport() async throws {
        try await Harness.with { h in
            let events = IngestionTests.generate(h.campaign, users: 400, seed: 10)
            _ = try await h.track(events.sent)
            let definition = ReportDefinition(
                name: "Spring <sale> report", campaignIDs: [h.campaign], metrics: ["sent", "open_rate"],
                dimensions: ["variant"], granularity: .weekly, format: .html)
            let report = try await h.analytics.report(definition)
            let file = NSTemporaryDirectory() + "herald-report-\(UUID().uuidString).html"
            try Data(report.rendered).write(to: URL(fileURLWithPath: file))
            defer { try? FileManager.default.removeItem(atPath: file) }
            let chromium = "/usr/bin/chromium"
            try #require(FileManager.default.isExecutableFile(atPath: chromium), "tools/test installs chromium")
            let result = try await runBlocking {
                try runProcess(
                    chromium,
                    [
                        "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--dump-dom",
                        "file://" + file,
                    ])
            }
            #expect(result.status == 0, "\(result.stderr.suffix(1000))")
            let dom = result.stdoutText
            #expect(dom.contains("<title>Spring &lt;sale&gt; report</title>"))
            // One chart per metric, one line per variant in each.
            #expect(dom.components(separatedBy: "<svg").count - 1 == 2)
            #expect(dom.components(separatedBy: "<polyline").count - 1 == 4)
            #expect(dom.components(separatedBy: "<tr>").count - 1 == report.rows.count + 1)
        }
    }

    @Test("dashboards are stored and read back whole; an unknown one is NOT_FOUND")
    func dashboards() async throws {
        try await Harness.with { h in
            let query = ReportDefinition(campaignIDs: [h.campaign], metrics: ["open_rate"], granularity: .hourly)
            let definition = DashboardDefinition(
                name: "Launch",
                widgets: [
                    DashboardWidget(
                        id: "w1", kind: "line", title: "Opens", query: query, x: 0, y: 0, width: 6, height: 4)
                ],
                refreshIntervalSeconds: 30)
            let created = try await h.analytics.createDashboard(definition, by: UUID(canonical: h.user)!)
            #expect(try await h.analytics.dashboard(created.id) == created)
            #expect(try await h.failure("GetDashboard", #"{"dashboardId": "\#(UUID())"}"#).code == .notFound)
        }
    }

    @Test("WatchCampaignMetrics sends the counts, then again as events arrive")
    func watch() async throws {
        try await Harness.with { h in
            var iterator = try h.analytics.watchMetrics(of: h.campaign, timeout: .seconds(15)).makeAsyncIterator()
            let first = try await iterator.next()
            #expect(first?.sent == 0)
            let events = (0..<25).map { _ in
                CampaignEvent(id: UUID(), campaignID: h.campaign, userID: UUID(), eventType: .sent, channel: .email)
            }
            _ = try await h.analytics.track(events)
            let second = try await iterator.next()
            #expect(second?.sent == 25)
        }
    }
}
