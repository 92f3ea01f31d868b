import ArgumentParser
import Codec
import Foundation

/// How user-directory responses look on a terminal, and the filters and consent changes its flags describe.
enum UserLines {
    static func short(_ value: JSONValue) -> String {
        let text = value.text
        for prefix in [
            "NOTIFICATION_CHANNEL_", "CONSENT_PURPOSE_", "DEVICE_PLATFORM_", "DATA_SUBJECT_REQUEST_KIND_",
            "DATA_SUBJECT_REQUEST_STATE_",
        ] where text.hasPrefix(prefix) {
            return text.dropFirst(prefix.count).lowercased()
        }
        return text
    }

    static func profileLine(_ u: JSONValue) -> String {
        "\(u["id"].text)  \(u["externalId"].text.padding(20))  \(u["email"].text.padding(32))  \(u["timezone"].text)"
    }

    static func profile(_ u: JSONValue) -> String {
        var lines = [
            "\(u["displayName"].text.isEmpty ? "(no name)" : u["displayName"].text)  (\(u["id"].text))",
            "  external id  \(u["externalId"].text)    version \(u["version"].text)",
            "  email        \(u["email"].text)", "  phone        \(u["phone"].text)",
            "  locale       \(u["locale"].text)    time zone \(u["timezone"].text)",
        ]
        if !u["attributes"].members.isEmpty { lines.append("  attributes   \(u["attributes"].text(indent: nil))") }
        for device in u["devices"].items {
            lines.append(
                "  device       \(short(device["platform"])) \(device["appId"].text) \(device["token"].text.prefix(12))…"
            )
        }
        lines.append("  updated      \(u["updatedAt"].text)")
        return lines.joined(separator: "\n")
    }

    static func consent(_ c: JSONValue) -> String {
        var lines = ["consent of \(c["userId"].text)"]
        for entry in c["channels"].items + c["purposes"].items {
            let subject = entry["channel"] == .null ? short(entry["purpose"]) : "channel:" + short(entry["channel"])
            lines.append(
                "  \(subject.padding(18)) \((entry["granted"].text == "true" ? "granted" : "withdrawn").padding(10)) "
                    + "\(entry["source"].text)  \(entry["legalBasis"].text)  \(entry["updatedAt"].text)")
        }
        if !c["history"].items.isEmpty { lines.append("history:") }
        for change in c["history"].items {
            let subject = change["channel"] == .null ? short(change["purpose"]) : "channel:" + short(change["channel"])
            lines.append(
                "  \(change["at"].text)  \(subject.padding(18)) \(change["granted"].text == "true" ? "granted" : "withdrawn")  \(change["source"].text)"
            )
        }
        return lines.joined(separator: "\n")
    }

    static func request(_ r: JSONValue) -> String {
        var lines = [
            "\(short(r["kind"])) request \(r["id"].text) of user \(r["userId"].text): \(short(r["state"]))",
            "  requested by \(r["requestedBy"].text) at \(r["requestedAt"].text)",
        ]
        for step in r["steps"].items {
            let state = step["done"].text == "true" ? "done \(step["completedAt"].text)" : "pending"
            let error = step["lastError"].text.isEmpty ? "" : "  last error: \(step["lastError"].text)"
            lines.append("  \(step["service"].text.padding(24)) \(state)  attempts \(step["attempts"].text)\(error)")
        }
        return lines.joined(separator: "\n")
    }

    /// A UserFilter from the list and export flags.
    static func filter(attributes: [String], prefix: String, reachable: String?) throws -> JSONValue {
        var members: [(String, JSONValue)] = []
        if !attributes.isEmpty {
            members.append(
                (
                    "attributes",
                    .object(
                        try attributes.map { pair in
                            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                            guard parts.count == 2 else {
                                throw ValidationError("--attr expects NAME=VALUE, got \(pair)")
                            }
                            return (parts[0], ImportFile.attribute(parts[1]))
                        })
                ))
        }
        if !prefix.isEmpty { members.append(("externalIdPrefix", .string(prefix))) }
        if let reachable { members.append(("reachableOn", .string("NOTIFICATION_CHANNEL_" + reachable.uppercased()))) }
        return .object(members)
    }

    /// A ConsentUpdate from `marketing=false,channel:sms=true`.
    static func consentUpdate(_ changes: String, source: String, legalBasis: String) throws -> JSONValue {
        var channels: [JSONValue] = []
        var purposes: [JSONValue] = []
        for change in changes.split(separator: ",") {
            let parts = change.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let granted = Bool(parts[1].lowercased()) else {
                throw ValidationError("--set expects SUBJECT=true|false, got \(change)")
            }
            if parts[0].hasPrefix("channel:") {
                channels.append([
                    "channel": .string("NOTIFICATION_CHANNEL_" + parts[0].dropFirst("channel:".count).uppercased()),
                    "granted": .bool(granted),
                ])
            } else {
                purposes.append([
                    "purpose": .string("CONSENT_PURPOSE_" + parts[0].uppercased()), "granted": .bool(granted),
                ])
            }
        }
        return [
            "channels": .array(channels), "purposes": .array(purposes), "source": .string(source),
            "legalBasis": .string(legalBasis),
        ]
    }
}
