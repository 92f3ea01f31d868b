import Foundation
import Logging
import Synchronization

/// A swift-log handler that writes one JSON object per line to standard error.
///
/// Fields: `ts` (RFC 3339, UTC, milliseconds), `level`, `service`, `logger`, `msg`, then the metadata.
/// Each line is written with a single `write(2)`, so lines from several threads never interleave.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let service: String

    public init(label: String, service: String, level: Logger.Level) {
        self.label = label
        self.service = service
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var line = "{\"ts\":\"\(Self.timestamp())\",\"level\":\"\(event.level.rawValue)\""
        line += ",\"service\":" + JSONText.quote(service) + ",\"logger\":" + JSONText.quote(label)
        line += ",\"msg\":" + JSONText.quote(event.message.description)
        for key in merged.keys.sorted() where !["ts", "level", "service", "logger", "msg"].contains(key) {
            line += "," + JSONText.quote(key) + ":" + JSONText.value(merged[key]!)
        }
        line += "}\n"
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }

    private static func timestamp() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var tmValue = tm()
        var seconds = spec.tv_sec
        gmtime_r(&seconds, &tmValue)
        let millis = spec.tv_nsec / 1_000_000
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tmValue.tm_year + 1900, tmValue.tm_mon + 1,
            tmValue.tm_mday, tmValue.tm_hour, tmValue.tm_min, tmValue.tm_sec, millis)
    }
}

/// JSON text for log lines.
enum JSONText {
    static func quote(_ text: String) -> String {
        var out = ""
        JSONEscaping.appendQuoted(text, to: &out)
        return out
    }

    static func value(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let s): return quote(s)
        case .stringConvertible(let c): return quote(c.description)
        case .array(let items): return "[" + items.map(Self.value).joined(separator: ",") + "]"
        case .dictionary(let dict):
            return "{" + dict.keys.sorted().map { quote($0) + ":" + Self.value(dict[$0]!) }.joined(separator: ",") + "}"
        }
    }
}

/// Process-wide logging set-up: JSON lines to stderr at the configured level.
public enum HeraldLogging {
    private static let bootstrapped = Mutex(false)

    /// Installs the JSON handler once per process; later calls are ignored (swift-log allows one bootstrap).
    public static func bootstrap(service: String, level: Logger.Level) {
        let first = bootstrapped.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, service: service, level: level) }
    }

    /// Parses a `LOG_LEVEL` value (`trace`, `debug`, `info`, `notice`, `warning`/`warn`, `error`, `critical`).
    public static func level(named name: String) -> Logger.Level? {
        let lowered = name.lowercased()
        if lowered == "warn" { return .warning }
        return Logger.Level(rawValue: lowered)
    }
}
