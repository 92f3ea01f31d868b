/// Reads typed values from a `ConfigSource`, collecting every problem instead of stopping at the first.
///
/// Each read names its dotted key and, optionally, the environment variable that overrides it
/// (the spec's names: `CAMPAIGN_SERVICE_PORT`, `WORKFLOW_RETRY_ATTEMPTS`, `LOG_LEVEL`, ...).
/// After reading, `finish()` reports keys in the file that nothing read (a typo is an error, not a silent default).
public struct ConfigReader {
    private let source: ConfigSource
    private var used: Set<String> = []
    private var prefixesUsed: Set<String> = []
    private(set) var problems: [ConfigError.Problem] = []

    public init(source: ConfigSource) { self.source = source }

    /// The raw text of a key: the environment variable when set, else the file, else nil.
    private mutating func raw(_ key: String, env: String?) -> (text: String, origin: String)? {
        used.insert(key)
        if let env, let value = source.environment[env] { return (value, "environment variable \(env)") }
        switch source.entries[key]?.value {
        case .scalar(let text): return (text, source.entries[key]!.origin)
        case .list:
            problems.append(
                .init(key: key, origin: source.entries[key]!.origin, value: nil, expected: "a single value, not a list")
            )
            return nil
        case nil: return nil
        }
    }

    /// Reads a value through `parse`, which returns nil when the text is unusable.
    public mutating func value<T>(
        _ key: String, env: String? = nil, default defaultValue: T, expected: String, parse: (String) -> T?
    ) -> T {
        guard let (text, origin) = raw(key, env: env) else { return defaultValue }
        if let parsed = parse(text.trimmingWhitespace()) { return parsed }
        problems.append(.init(key: key, origin: origin, value: text, expected: expected))
        return defaultValue
    }

    public mutating func string(_ key: String, env: String? = nil, default defaultValue: String) -> String {
        value(key, env: env, default: defaultValue, expected: "a string") { $0 }
    }

    public mutating func optionalString(_ key: String, env: String? = nil) -> String? {
        value(key, env: env, default: nil, expected: "a string") { Optional($0) }
    }

    public mutating func int(_ key: String, env: String? = nil, default defaultValue: Int, range: ClosedRange<Int>)
        -> Int
    {
        value(key, env: env, default: defaultValue, expected: "an integer in \(range.lowerBound)...\(range.upperBound)")
        {
            Int($0).flatMap { range.contains($0) ? $0 : nil }
        }
    }

    public mutating func port(_ key: String, env: String? = nil, default defaultValue: Int) -> Int {
        value(key, env: env, default: defaultValue, expected: "a TCP port number 1-65535") {
            Int($0).flatMap { (1...65535).contains($0) ? $0 : nil }
        }
    }

    public mutating func double(
        _ key: String, env: String? = nil, default defaultValue: Double, range: ClosedRange<Double>
    )
        -> Double
    {
        value(key, env: env, default: defaultValue, expected: "a number in \(range.lowerBound)...\(range.upperBound)") {
            Double($0).flatMap { $0.isFinite && range.contains($0) ? $0 : nil }
        }
    }

    public mutating func bool(_ key: String, env: String? = nil, default defaultValue: Bool) -> Bool {
        value(key, env: env, default: defaultValue, expected: "true or false") {
            switch $0.lowercased() {
            case "true", "yes", "on", "1": return true
            case "false", "no", "off", "0": return false
            default: return nil
            }
        }
    }

    /// A list from the file, or a comma-separated environment variable.
    public mutating func list(_ key: String, env: String? = nil, default defaultValue: [String]) -> [String] {
        used.insert(key)
        if let env, let value = source.environment[env] {
            return value.split(separator: ",").map { String($0).trimmingWhitespace() }
        }
        switch source.entries[key]?.value {
        case .list(let items): return items
        case .scalar(let text):
            problems.append(.init(key: key, origin: source.entries[key]!.origin, value: text, expected: "a list"))
            return defaultValue
        case nil: return defaultValue
        }
    }

    /// The names directly under `prefix` in the file (e.g. the services listed under `services`).
    public mutating func children(of prefix: String) -> [String] {
        prefixesUsed.insert(prefix)
        let start = prefix + "."
        var names = Set<String>()
        for key in source.entries.keys where key.hasPrefix(start) {
            let rest = key.dropFirst(start.count)
            if let name = rest.split(separator: ".").first { names.insert(String(name)) }
        }
        return names.sorted()
    }

    /// Records a problem found by a cross-field check.
    public mutating func fail(_ key: String, value: String?, expected: String) {
        problems.append(
            .init(key: key, origin: source.entries[key]?.origin ?? "configuration", value: value, expected: expected))
    }

    /// Throws every problem found, including keys in the file that no reader asked for.
    public func finish() throws {
        var all = problems
        for key in source.entries.keys.sorted() where !used.contains(key) {
            all.append(
                .init(
                    key: key, origin: source.entries[key]!.origin, value: nil,
                    expected: "a known key (this one is not used by Herald)"))
        }
        if !all.isEmpty { throw ConfigError(problems: all) }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let first = s.first, first.isWhitespace { s.removeFirst() }
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return String(s)
    }
}
