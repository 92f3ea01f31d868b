import Foundation
import Yams

/// The raw values of a configuration: the YAML file flattened to dotted keys, plus the environment.
///
/// `services.campaign-manager.port: 8080` becomes the key `services.campaign-manager.port` with the text
/// `8080` and the origin `Config/herald.yaml:12`. Lists are kept as lists of texts.
public struct ConfigSource: Sendable {
    public enum Value: Sendable {
        case scalar(String)
        case list([String])
    }

    struct Entry: Sendable {
        let value: Value
        let origin: String
    }

    var entries: [String: Entry]
    let environment: [String: String]

    /// Parses YAML text. Structural problems (not a mapping, duplicate keys) are reported as `ConfigError`.
    public init(yaml: String, fileName: String, environment: [String: String]) throws {
        self.environment = environment
        self.entries = [:]
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigError(problems: [
                .init(key: "(file)", origin: fileName, value: nil, expected: "valid YAML (\(error))")
            ])
        }
        guard let root else { return }
        var problems: [ConfigError.Problem] = []
        flatten(root, prefix: "", fileName: fileName, problems: &problems)
        if !problems.isEmpty { throw ConfigError(problems: problems) }
    }

    /// Reads the file at `path` (UTF-8).
    public static func load(path: String, environment: [String: String]) throws -> ConfigSource {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw ConfigError(problems: [
                .init(key: "(file)", origin: path, value: nil, expected: "a readable UTF-8 YAML file")
            ])
        }
        return try ConfigSource(yaml: text, fileName: path, environment: environment)
    }

    private mutating func flatten(_ node: Node, prefix: String, fileName: String, problems: inout [ConfigError.Problem])
    {
        let origin = "\(fileName):\((node.mark?.line ?? 0))"
        switch node {
        case .mapping(let mapping):
            for (keyNode, valueNode) in mapping {
                guard let key = keyNode.string else {
                    problems.append(.init(key: prefix, origin: origin, value: nil, expected: "string keys"))
                    continue
                }
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                if entries[path] != nil {
                    problems.append(.init(key: path, origin: origin, value: nil, expected: "each key once"))
                }
                flatten(valueNode, prefix: path, fileName: fileName, problems: &problems)
            }
        case .sequence(let sequence):
            let items = sequence.map { $0.string ?? "" }
            entries[prefix] = Entry(value: .list(items), origin: origin)
        case .scalar(let scalar):
            if scalar.string == "~" || (scalar.string == "null" && scalar.style == .plain) {
                return
            }
            entries[prefix] = Entry(value: .scalar(scalar.string), origin: origin)
        case .alias:
            problems.append(.init(key: prefix, origin: origin, value: nil, expected: "no YAML aliases"))
        }
    }
}
