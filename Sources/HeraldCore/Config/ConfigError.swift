/// One or more configuration values that cannot be used. The process stops before serving.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    /// One problem: the key (and environment variable if it came from one), the value, what was expected.
    public struct Problem: Sendable, Equatable {
        public let key: String
        public let origin: String
        public let value: String?
        public let expected: String

        /// `value` is shown in the message: leave it out for secrets.
        public init(key: String, origin: String, value: String? = nil, expected: String) {
            self.key = key
            self.origin = origin
            self.value = value
            self.expected = expected
        }
    }

    public let problems: [Problem]

    public init(problems: [Problem]) { self.problems = problems }

    public var description: String {
        problems.map { problem in
            let value = problem.value.map { " = \"\($0)\"" } ?? ""
            return "config: \(problem.key)\(value) (from \(problem.origin)): expected \(problem.expected)"
        }.joined(separator: "\n")
    }
}
