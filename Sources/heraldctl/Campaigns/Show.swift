import API
import ArgumentParser
import Codec
import Foundation
import HeraldCore
import RPC
import TypedClients
import Yams

/// How campaign responses look on a terminal.
enum Show {
    static func short(_ value: JSONValue) -> String {
        let text = value.text
        for prefix in ["CAMPAIGN_STATUS_", "CAMPAIGN_TYPE_", "NOTIFICATION_CHANNEL_", "EXECUTION_STATUS_"]
        where text.hasPrefix(prefix) {
            return text.dropFirst(prefix.count).lowercased()
        }
        return text
    }

    static func campaign(_ c: JSONValue) {
        print("\(c["name"].text)  (\(c["id"].text))")
        print("  status    \(short(c["status"]))    version \(c["version"].text)    type \(short(c["type"]))")
        print("  channels  \(c["channels"].items.map(short).joined(separator: ", "))")
        let nodes = c["workflow"]["nodes"].items
        print(
            "  workflow  \(nodes.count) nodes, \(c["workflow"]["edges"].items.count) edges: \(nodes.map { $0["id"].text }.joined(separator: " "))"
        )
        if !c["tags"].items.isEmpty { print("  tags      \(c["tags"].items.map(\.text).joined(separator: ", "))") }
        print("  updated   \(c["updatedAt"].text) by \(c["updatedBy"].text)")
    }

    static func statusLine(_ s: JSONValue) -> String {
        let execution = s["currentExecution"]
        let running =
            execution == .null
            ? "no execution" : "execution \(execution["id"].text.prefix(8)) \(short(execution["status"]))"
        return "\(s["updatedAt"].text)  \(short(s["status"]).padding(10)) v\(s["version"].text)  \(running)"
    }

    static func table(_ header: [String], _ rows: [[String]]) {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            print(
                row.enumerated().map { $1.padding(widths[$0]) }.joined(separator: "  ").trimmingCharacters(
                    in: .whitespaces))
        }
        if rows.isEmpty { print("(none)") }
    }
}

extension JSONValue {
    /// A scalar as text ("" for null, 0 for an omitted zero number is the caller's business).
    var text: String {
        switch self {
        case .string(let text), .number(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .null: ""
        default: self.text(indent: nil)
        }
    }
}
