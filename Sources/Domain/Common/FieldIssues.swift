import Foundation
import HeraldCore

/// Problems found in a request, each at a field path (proto field names, e.g. `campaign.workflow.nodes[2].id`),
/// collected so that one INVALID_ARGUMENT names every offending field at once.
public struct FieldIssues: Sendable, Equatable {
    public struct Issue: Sendable, Equatable, CustomStringConvertible {
        public let path: String
        public let problem: String
        public var description: String { "\(path): \(problem)" }
    }

    /// The issues kept: the first `limit`.
    public private(set) var issues: [Issue] = []
    /// Every issue found, those past `limit` included (they are counted, not kept).
    public private(set) var count = 0

    /// Issues kept beyond which only the count goes on: a request with a million bad elements costs a counter,
    /// not a million messages (the status names far fewer anyway, see the RPC layer's `StatusLimits`).
    public static let limit = 100

    public init() {}

    public var isEmpty: Bool { count == 0 }

    /// Records a problem at `path`; both are only built while fewer than `limit` issues are kept.
    public mutating func add(_ path: @autoclosure () -> String, _ problem: @autoclosure () -> String) {
        count += 1
        if issues.count < Self.limit { issues.append(Issue(path: path(), problem: problem())) }
    }

    /// Whether an issue was recorded at exactly `path` (e.g. a required message reported missing, whose placeholder
    /// a validator should leave alone).
    public func reported(_ path: String) -> Bool { issues.contains { $0.path == path } }

    /// Adds `problem` at `path` unless `condition` holds.
    public mutating func check(
        _ condition: Bool, _ path: @autoclosure () -> String, _ problem: @autoclosure () -> String
    ) {
        if !condition { add(path(), problem()) }
    }

    /// The UUID in `text`, or nil with an issue at `path` ("required" when empty).
    public mutating func uuid(_ text: String, at path: String) -> UUID? {
        if text.isEmpty {
            add(path, "required")
            return nil
        }
        guard let id = UUID(canonical: text) else {
            add(path, "expected a UUID, got \"\(text.prefix(100))\"")
            return nil
        }
        return id
    }

    /// Adds every issue of `other` (found by a helper with its own `FieldIssues`).
    public mutating func merge(_ other: FieldIssues) {
        for issue in other.issues { add(issue.path, issue.problem) }
        count += other.count - other.issues.count
    }

    /// Throws a `ValidationError` listing every issue, if there is any.
    public func throwIfAny() throws {
        if count > 0 { throw ValidationError(issues: issues, count: count) }
    }
}

/// A request that cannot be accepted as sent: INVALID_ARGUMENT with every offending field path.
public struct ValidationError: Error, Sendable, Equatable, StatusConvertibleError, CustomStringConvertible {
    public let issues: [FieldIssues.Issue]
    /// Issues found in all (more than `issues` when the collector stopped keeping them).
    public let count: Int

    public init(issues: [FieldIssues.Issue], count: Int? = nil) {
        self.issues = issues
        self.count = max(count ?? issues.count, issues.count)
    }

    public init(_ path: String, _ problem: String) { self.init(issues: [.init(path: path, problem: problem)]) }

    public var statusCode: StatusCode { .invalidArgument }
    public var statusMessage: String {
        issues.map(\.description).joined(separator: "; ")
            + (count > issues.count ? "; and \(count - issues.count) more" : "")
    }
    public var description: String { statusMessage }
    public var fieldViolations: [FieldViolation] {
        issues.map { FieldViolation(field: $0.path, description: $0.problem) }
    }
    public var violationCount: Int { count }
}

/// Child paths: `path.field`, `path[index]`, `path["key"]`.
extension String {
    @inlinable public func field(_ name: String) -> String { isEmpty ? name : self + "." + name }
    @inlinable public func index(_ i: Int) -> String { self + "[\(i)]" }
    @inlinable public func key(_ key: String) -> String { self + "[\"\(key)\"]" }
}

/// Tells the elements of a list seen before, in constant time each: validators name duplicates without comparing
/// every element with every earlier one (a request of a hundred thousand would take minutes).
public struct Repeats<Element: Hashable> {
    private var seen: Set<Element> = []

    public init() {}

    /// Whether `element` was passed before; records it.
    public mutating func seenBefore(_ element: Element) -> Bool { !seen.insert(element).inserted }
}

extension Array where Element: Hashable {
    /// The elements in order, each once.
    public func uniqued() -> [Element] {
        var seen = Repeats<Element>()
        return filter { !seen.seenBefore($0) }
    }
}
