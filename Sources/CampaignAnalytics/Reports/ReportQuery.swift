import Codec
import Domain
import Foundation
import HeraldCore
import Postgres
import ServiceKit

/// GenerateReport's data: counts of the named campaigns from the rollups (plus the unfolded deltas), grouped by
/// period (the granularity, in UTC) and the dimensions, with rates derived from the sums.
enum ReportQuery {
    /// Dimension name → column.
    static let dimensions = [
        "campaign": "campaign_id::text", "channel": "channel::text", "variant": "variant_id",
        "node": "node_id",
    ]
    /// Counts a report can show, and rates derived from them (numerator, denominator).
    static let counts = EventStore.countColumns
    static let rates: [String: (String, String)] = [
        "delivery_rate": ("delivered", "sent"), "open_rate": ("opened", "delivered"),
        "click_rate": ("clicked", "delivered"), "conversion_rate": ("converted", "delivered"),
        "unsubscribe_rate": ("unsubscribed", "delivered"), "bounce_rate": ("bounced", "sent"),
    ]
    static var metricNames: [String] { counts + rates.keys.sorted() }
    /// Rows a report may have.
    static let maxRows = 100_000

    /// What is wrong with a definition, at its field paths.
    static func validate(_ d: ReportDefinition, at path: String, into issues: inout FieldIssues) {
        issues.check(!d.campaignIDs.isEmpty, path.field("campaign_ids"), "required: at least one campaign")
        issues.check(d.campaignIDs.count <= 100, path.field("campaign_ids"), "at most 100 campaigns")
        issues.check(!d.metrics.isEmpty, path.field("metrics"), "required: at least one of \(metricNames)")
        issues.check(
            d.metrics.count <= metricNames.count && d.metrics.uniqued().count == d.metrics.count, path.field("metrics"),
            "each metric at most once (\(d.metrics.count) given)")
        issues.check(
            d.dimensions.count <= dimensions.count && d.dimensions.uniqued().count == d.dimensions.count,
            path.field("dimensions"), "each dimension at most once (\(d.dimensions.count) given)")
        issues.check(d.name.count <= 255, path.field("name"), "at most 255 characters")
        for (i, metric) in d.metrics.prefix(100).enumerated() where !metricNames.contains(metric) {
            issues.add(
                path.field("metrics").index(i),
                "unknown metric \"\(metric.prefix(64))\"; expected one of \(metricNames)")
        }
        for (i, dimension) in d.dimensions.prefix(100).enumerated() where dimensions[dimension] == nil {
            issues.add(
                path.field("dimensions").index(i),
                "unknown dimension \"\(dimension.prefix(64))\"; expected one of \(dimensions.keys.sorted())")
        }
        if let start = d.timeRange?.start, let end = d.timeRange?.end {
            issues.check(end > start, path.field("time_range.end"), "must be after start")
        }
    }

    static func rows(_ d: ReportDefinition, pool: PostgresPool) async throws -> [ReportRow] {
        let unit =
            (d.granularity ?? .daily) == .hourly
            ? "hour"
            : d.granularity == .weekly ? "week" : d.granularity == .monthly ? "month" : "day"
        let dims = d.dimensions.compactMap { dimensions[$0] }
        let keyColumns = (["period"] + dims.indices.map { "d\($0)" }).joined(separator: ", ")
        let select = (["date_trunc('\(unit)', hour, 'UTC') AS period"] + dims.enumerated().map { "\($1) AS d\($0)" })
            .joined(separator: ", ")
        let sums = counts.map { "sum(\($0))::float8 AS \($0)" }.joined(separator: ", ")
        let columns = (["campaign_id", "channel", "variant_id", "node_id", "hour"] + counts).joined(separator: ", ")
        let result = try await pool.query(
            """
            SELECT \(select), \(sums) FROM (
                SELECT \(columns) FROM analytics.rollups
                WHERE campaign_id = ANY($1::uuid[]) AND hour >= date_trunc('hour', $2::timestamptz) AND hour < $3
                UNION ALL
                SELECT \(columns) FROM analytics.rollup_deltas
                WHERE campaign_id = ANY($1::uuid[]) AND hour >= date_trunc('hour', $2::timestamptz) AND hour < $3) x
            GROUP BY \(keyColumns) ORDER BY \(keyColumns) LIMIT \(maxRows + 1)
            """,
            [d.campaignIDs, d.timeRange?.start ?? Date.distantPast, d.timeRange?.end ?? Date.distantFuture])
        guard result.rowCount <= maxRows else {
            throw ServiceError.failedPrecondition(
                "the report would have more than \(maxRows) rows: narrow the time range, or use a coarser granularity or fewer dimensions"
            )
        }
        return try result.map { row in
            var sums: [String: Double] = [:]
            for count in counts { sums[count] = try row.decode(count) }
            var values: [String: Double] = [:]
            for metric in d.metrics {
                if let (part, whole) = rates[metric] {
                    values[metric] = (sums[whole] ?? 0) > 0 ? (sums[part] ?? 0) / sums[whole]! : 0
                } else {
                    values[metric] = sums[metric] ?? 0
                }
            }
            return ReportRow(
                dimensions: try dims.indices.map { try row.decode("d\($0)", as: String.self) },
                periodStart: try row.decode("period"), values: values)
        }
    }

    /// The rows as CSV (a header, then one line per row), JSON (an array of objects) or an HTML page (`ReportPage`).
    static func render(_ d: ReportDefinition, _ rows: [ReportRow], generatedAt: Date) -> [UInt8] {
        if d.format == .html { return ReportPage.render(d, rows, generatedAt: generatedAt) }
        let header = ["period"] + d.dimensions + d.metrics
        func number(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x) }
        if d.format == .csv {
            var out = header.joined(separator: ",") + "\r\n"
            for row in rows {
                let fields =
                    [row.periodStart.map { $0.ISO8601Format() } ?? ""] + row.dimensions.map(CSV.quote)
                    + d.metrics.map { number(row.values[$0] ?? 0) }
                out += fields.joined(separator: ",") + "\r\n"
            }
            return Array(out.utf8)
        }
        let objects = rows.map { row -> JSONValue in
            var members: [(String, JSONValue)] = [("period", .string(row.periodStart.map { $0.ISO8601Format() } ?? ""))]
            members += zip(d.dimensions, row.dimensions).map { ($0, .string($1)) }
            members += d.metrics.map { ($0, .number(number(row.values[$0] ?? 0))) }
            return .object(members)
        }
        return Array(JSONValue.array(objects).text().utf8)
    }
}
