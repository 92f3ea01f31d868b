import API
import ArgumentParser
import Codec
import Foundation
import HeraldCore
import RPC
import TypedClients
import Yams

/// A CampaignDefinition file: YAML (scalars typed as JSON would type them, quoted ones always strings) or JSON.
enum DefinitionFile {
    static func load(_ path: String) throws -> JSONValue {
        let text: String
        do {
            text =
                path == "-"
                ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                : try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read \(path): \(error.localizedDescription)")
        }
        if let json = try? JSONValue.parse(text) { return json }
        do {
            guard let node = try Yams.compose(yaml: text) else { throw ValidationError("\(path) is empty") }
            return json(node)
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("\(path) is neither JSON nor YAML: \(error)")
        }
    }

    static func json(_ node: Node) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style != .plain { return .string(scalar.string) }
            switch scalar.string {
            case "null", "~", "": return .null
            case "true": return .bool(true)
            case "false": return .bool(false)
            default:
                if case .number = (try? JSONValue.parse(scalar.string)) ?? .null { return .number(scalar.string) }
                return .string(scalar.string)
            }
        case .sequence(let sequence): return .array(sequence.map(json))
        case .mapping(let mapping): return .object(mapping.map { ($0.key.string ?? "", json($0.value)) })
        case .alias(let alias): return .string(alias.anchor.rawValue)
        }
    }
}
