import Domain
import Foundation
import HeraldCore

/// A report as a self-contained HTML page: no script, no external resource; for each metric an SVG line chart over
/// the periods (one line per combination of the dimensions, the eight largest), then every row in a table.
enum ReportPage {
    static let palette = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"]

    static func render(_ d: ReportDefinition, _ rows: [ReportRow], generatedAt: Date) -> [UInt8] {
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escape(d.name.isEmpty ? "Campaign report" : d.name))</title>
            <style>
            body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem; color: #111827; }
            h1 { font-size: 1.4rem; margin: 0 0 .25rem; } p.meta { color: #6b7280; margin: 0 0 1.5rem; }
            figure { margin: 0 0 2rem; } figcaption { font-weight: 600; margin-bottom: .5rem; }
            table { border-collapse: collapse; } th, td { padding: .25rem .75rem; border-bottom: 1px solid #e5e7eb; text-align: right; }
            th:first-child, td:first-child { text-align: left; } .legend span { margin-right: 1rem; }
            </style></head><body>
            <h1>\(escape(d.name.isEmpty ? "Campaign report" : d.name))</h1>
            <p class="meta">\(d.campaignIDs.count) campaign(s) · \(rows.count) rows · generated \(generatedAt.ISO8601Format())</p>

            """
        let periods = Array(Set(rows.compactMap(\.periodStart))).sorted()
        let groups = Dictionary(grouping: rows) { $0.dimensions.joined(separator: " · ") }
        for metric in d.metrics {
            var series: [(String, [Date: Double])] = []
            for (key, members) in groups {
                var values: [Date: Double] = [:]
                for row in members {
                    if let period = row.periodStart { values[period, default: 0] += row.values[metric] ?? 0 }
                }
                series.append((key.isEmpty ? metric : key, values))
            }
            func total(_ s: (String, [Date: Double])) -> Double { s.1.values.reduce(0, +) }
            series.sort { total($0) > total($1) }
            html += chart(metric, periods: periods, series: Array(series.prefix(palette.count)))
        }
        html += "<table><thead><tr><th>period</th>"
        html +=
            d.dimensions.map { "<th>\(escape($0))</th>" }.joined() + d.metrics.map { "<th>\(escape($0))</th>" }.joined()
        html += "</tr></thead><tbody>\n"
        for row in rows {
            html += "<tr><td>\(row.periodStart.map { $0.ISO8601Format() } ?? "")</td>"
            html += row.dimensions.map { "<td>\(escape($0))</td>" }.joined()
            html += d.metrics.map { "<td>\(format(row.values[$0] ?? 0))</td>" }.joined() + "</tr>\n"
        }
        html += "</tbody></table>\n</body></html>\n"
        return Array(html.utf8)
    }

    /// A line chart of one metric: 720 × 240, axes with the maximum and the first and last period.
    static func chart(_ metric: String, periods: [Date], series: [(String, [Date: Double])]) -> String {
        let (width, height, left, bottom) = (720.0, 240.0, 56.0, 28.0)
        let maximum = max(series.flatMap(\.1.values).max() ?? 0, 1e-9)
        func x(_ i: Int) -> Double {
            periods.count < 2
                ? left + (width - left) / 2 : left + Double(i) / Double(periods.count - 1) * (width - left - 8)
        }
        func y(_ v: Double) -> Double { height - bottom - v / maximum * (height - bottom - 12) }
        var svg = """
            <figure><figcaption>\(escape(metric))</figcaption>
            <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="\(escape(metric)) over time" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))">
            <line x1="\(left)" y1="\(y(0))" x2="\(width)" y2="\(y(0))" stroke="#9ca3af"/>
            <line x1="\(left)" y1="12" x2="\(left)" y2="\(y(0))" stroke="#9ca3af"/>
            <text x="\(left - 6)" y="16" text-anchor="end" font-size="11">\(format(maximum))</text>
            <text x="\(left - 6)" y="\(y(0))" text-anchor="end" font-size="11">0</text>

            """
        if let first = periods.first, let last = periods.last {
            svg += "<text x=\"\(left)\" y=\"\(height - 8)\" font-size=\"11\">\(first.ISO8601Format())</text>\n"
            svg +=
                "<text x=\"\(width - 8)\" y=\"\(height - 8)\" text-anchor=\"end\" font-size=\"11\">\(last.ISO8601Format())</text>\n"
        }
        for (index, (_, values)) in series.enumerated() {
            let points = periods.enumerated().map { i, p in "\(format(x(i))),\(format(y(values[p] ?? 0)))" }
            svg +=
                "<polyline fill=\"none\" stroke=\"\(palette[index])\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>\n"
        }
        svg += "</svg>\n<div class=\"legend\">"
        svg += series.enumerated().map { i, s in "<span style=\"color:\(palette[i])\">■ \(escape(s.0))</span>" }
            .joined()
        return svg + "</div></figure>\n"
    }

    static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(format: "%.4g", x)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
