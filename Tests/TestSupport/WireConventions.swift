import API
import Codec
import Domain
import Foundation

/// Checks a domain value against the wire message it writes, by conventions its fixture follows: every field of
/// the message is set (a mapper that forgets a field, or writes it under another number, leaves one unset);
/// every string holds its own field's name (or starts with it and "#", or is a UUID for id fields, one of the ids
/// `WireFixtures` gives to that kind of id); every number equals its own field number. A mapper that swaps two
/// fields of one type breaks the last two. A message nested in one of its own type (a condition's group) is not
/// checked again: its outer level already was, and a fixture cannot set every field at every depth.
public enum WireConventions {
    /// What breaks the conventions in `message`, as field paths with the problem; empty when nothing does.
    public static func violations(
        in message: DynamicMessage, of type: MessageType, at path: String = "", within ancestors: Set<String> = []
    ) -> [String] {
        let ancestors = ancestors.union([type.fullName])
        var found: [String] = []
        var oneofsSet: Set<String> = []
        var oneofs: Set<String> = []
        for field in type.schema.fields {
            let at = path.isEmpty ? field.name : path + "." + field.name
            if let group = field.oneof { oneofs.insert(group) }
            guard let values = message.fields[field.number], !values.isEmpty else {
                if field.oneof == nil { found.append("\(at): not set") }
                continue
            }
            if let group = field.oneof { oneofsSet.insert(group) }
            for value in values { found += check(value, field, at, within: ancestors) }
        }
        for group in oneofs.subtracting(oneofsSet) {
            found.append("\(path.isEmpty ? group : path + "." + group): no case set")
        }
        return found
    }

    private static func check(
        _ value: DynamicMessage.Value, _ field: FieldSchema, _ at: String, within ancestors: Set<String>
    ) -> [String] {
        let number = Double(field.number)
        switch value {
        case .string(let text):
            if text == field.name || text.hasPrefix(field.name + "#") { return [] }
            guard let id = UUID(canonical: text), text == text.lowercased() else {
                return ["\(at): holds \"\(text)\", expected \"\(field.name)\" (a string of another field?)"]
            }
            guard let allowed = WireFixtures.idsByField[field.name], !allowed.map(WireFixtures.id).contains(id) else {
                return []
            }
            return [
                "\(at): holds \(text), not one of the fixtures' \(field.name) ids \(allowed) (an id of another field?)"
            ]
        case .int32(let n):
            return Double(n) == number ? [] : ["\(at): holds \(n), expected its field number \(field.number)"]
        case .int64(let n):
            return Double(n) == number ? [] : ["\(at): holds \(n), expected its field number \(field.number)"]
        case .double(let n): return n == number ? [] : ["\(at): holds \(n), expected its field number \(field.number)"]
        case .message(let nested):
            // The well-known types (Timestamp, Duration, Struct, Value) hold whatever the fixture says.
            guard !nested.typeName.hasPrefix("google.protobuf."), !ancestors.contains(nested.typeName),
                let nestedType = HeraldAPI.registry.message(nested.typeName)
            else { return [] }
            return violations(in: nested, of: nestedType, at: at, within: ancestors)
        default: return []
        }
    }
}
