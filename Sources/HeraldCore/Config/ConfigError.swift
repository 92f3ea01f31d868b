/// One or more configuration values that cannot be used. The process stops before serving.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    /// One problem: the key (and environment variable if it came from one), the value, what was expected.
    public struct Problem: Sendable, Equatable {
        public let key: String
        public let origin: String
        public let value: String?
        public let expected: String
    }

    public let problems: [Problem]

    public var description: String {
        problems.map { problem in
            let value = problem.value.map { " = \"\($0)\"" } ?? ""
            return "config: \(problem.key)\(value) (from \(problem.origin)): expected \(problem.expected)"
        }.joined(separator: "\n")
    }
}
