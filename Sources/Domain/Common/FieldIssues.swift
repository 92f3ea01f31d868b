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

    public private(set) var issues: [Issue] = []

    public init() {}

    public var isEmpty: Bool { issues.isEmpty }

    public mutating func add(_ path: String, _ problem: String) { issues.append(Issue(path: path, problem: problem)) }

    /// Adds `problem` at `path` unless `condition` holds.
    public mutating func check(_ condition: Bool, _ path: String, _ problem: @autoclosure () -> String) {
        if !condition { add(path, problem()) }
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

    /// Throws a `ValidationError` listing every issue, if there is any.
    public func throwIfAny() throws {
        if !issues.isEmpty { throw ValidationError(issues: issues) }
    }
}

/// A request that cannot be accepted as sent: INVALID_ARGUMENT with every offending field path.
public struct ValidationError: Error, Sendable, Equatable, StatusConvertibleError, CustomStringConvertible {
    public let issues: [FieldIssues.Issue]

    public init(issues: [FieldIssues.Issue]) { self.issues = issues }

    public init(_ path: String, _ problem: String) { issues = [.init(path: path, problem: problem)] }

    public var statusCode: StatusCode { .invalidArgument }
    public var statusMessage: String { issues.map(\.description).joined(separator: "; ") }
    public var description: String { statusMessage }
}

/// Child paths: `path.field`, `path[index]`, `path["key"]`.
extension String {
    @inlinable public func field(_ name: String) -> String { isEmpty ? name : self + "." + name }
    @inlinable public func index(_ i: Int) -> String { self + "[\(i)]" }
    @inlinable public func key(_ key: String) -> String { self + "[\"\(key)\"]" }
}
