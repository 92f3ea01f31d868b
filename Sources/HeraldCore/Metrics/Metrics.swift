import Synchronization

/// Prometheus counters and gauges for one process, exposed as text by the admin server's `/metrics`.
///
/// ```swift
/// Metrics.shared.increment("herald_rpc_server_handled_total", ["method": path, "code": "OK"])
/// ```
public final class Metrics: Sendable {
    public static let shared = Metrics()

    private struct Key: Hashable {
        let name: String
        let labels: [String: String]
    }

    private struct State {
        var counters: [Key: Double] = [:]
        var gauges: [Key: Double] = [:]
        var help: [String: String] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Describes a metric (`# HELP` line).
    public func describe(_ name: String, _ help: String) {
        state.withLock { $0.help[name] = help }
    }

    public func increment(_ name: String, _ labels: [String: String] = [:], by amount: Double = 1) {
        state.withLock { $0.counters[Key(name: name, labels: labels), default: 0] += amount }
    }

    public func set(_ name: String, _ labels: [String: String] = [:], to value: Double) {
        state.withLock { $0.gauges[Key(name: name, labels: labels)] = value }
    }

    /// The current value of a counter or gauge (tests, and code that reads its own figures).
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        state.withLock { $0.counters[Key(name: name, labels: labels)] ?? $0.gauges[Key(name: name, labels: labels)] }
    }

    /// The Prometheus text exposition format (version 0.0.4), metrics sorted by name.
    public func exposition() -> String {
        let snapshot = state.withLock { $0 }
        var out = ""
        func write(_ entries: [Key: Double], type: String) {
            for name in Set(entries.keys.map(\.name)).sorted() {
                if let help = snapshot.help[name] { out += "# HELP \(name) \(Self.escapeHelp(help))\n" }
                out += "# TYPE \(name) \(type)\n"
                for (key, value) in entries.filter({ $0.key.name == name }).sorted(by: {
                    Self.labelText($0.key.labels) < Self.labelText($1.key.labels)
                }) {
                    out += "\(name)\(Self.labelText(key.labels)) \(Self.number(value))\n"
                }
            }
        }
        write(snapshot.counters, type: "counter")
        write(snapshot.gauges, type: "gauge")
        return out
    }

    static func labelText(_ labels: [String: String]) -> String {
        guard !labels.isEmpty else { return "" }
        return "{"
            + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\(escapeLabel($0.value))\"" }.joined(separator: ",")
            + "}"
    }

    static func escapeLabel(_ value: String) -> String {
        value.replacingAll("\\", "\\\\").replacingAll("\"", "\\\"").replacingAll("\n", "\\n")
    }

    static func escapeHelp(_ value: String) -> String { value.replacingAll("\\", "\\\\").replacingAll("\n", "\\n") }

    static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}

extension String {
    func replacingAll(_ target: Character, _ replacement: String) -> String {
        var out = ""
        for character in self { if character == target { out += replacement } else { out.append(character) } }
        return out
    }
}
