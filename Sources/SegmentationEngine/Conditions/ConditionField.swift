import Domain
import Foundation

/// What a condition's `field` names, and the SQL views of it a comparison can use. Attribute names become quoted
/// literals inside the statement (so that the planner can match the expression indexes the service creates for
/// them), which is why they are held to `nameRule`; values are always parameters.
enum ConditionField: Equatable {
    /// A JSON value inside `root` (`u.attributes`, or `a.properties` in an activity rule) at `path`.
    case json(root: String, path: [String])
    /// A text column of users.users.
    case text(column: String)
    /// A time: a column, or an expression over the user's activity; `name` is the field as written.
    case time(name: String, expression: String, dependency: String?)
    /// Consent to a purpose (opt-in).
    case consent(ConsentPurpose)
    /// Reachable on a channel (address, consent not withdrawn, preferred).
    case reachable(NotificationChannel)
    /// Membership of other segments.
    case segment

    /// Segment ids, attribute names and property names: letters, digits, `_` and `-`, 1 to 64 of them.
    static func validName(_ name: Substring) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
                    || $0 == "-"
            }
    }

    static let builtInText = ["external_id", "locale", "timezone"]

    /// Reads a user-level field path; nil with the reason when it names nothing.
    static func user(_ field: String) -> Result<ConditionField, FieldProblem> {
        if builtInText.contains(field) { return .success(.text(column: "u." + field)) }
        switch field {
        case "created_at": return .success(.time(name: field, expression: "u.created_at", dependency: nil))
        case "activity.first_seen":
            return .success(
                .time(
                    name: field, expression: "(SELECT min(fa.at) FROM users.activity fa WHERE fa.user_id = u.id)",
                    dependency: "event:*"))
        case "activity.last_seen":
            return .success(
                .time(
                    name: field, expression: "(SELECT max(la.at) FROM users.activity la WHERE la.user_id = u.id)",
                    dependency: "event:*"))
        case "segment": return .success(.segment)
        default: break
        }
        let parts = field.split(separator: ".", omittingEmptySubsequences: false)
        switch parts.first {
        case "consent":
            guard parts.count == 2, let purpose = ConsentPurpose(rawValue: String(parts[1])) else {
                return .failure(
                    FieldProblem(
                        "consent.\(parts.dropFirst().joined(separator: ".")) names no purpose; expected consent.marketing, consent.transactional, consent.analytics or consent.personalization"
                    ))
            }
            return .success(.consent(purpose))
        case "reachable":
            guard parts.count == 2, let channel = NotificationChannel(rawValue: String(parts[1])) else {
                return .failure(
                    FieldProblem(
                        "\(field) names no channel; expected reachable.email, reachable.sms, reachable.push or reachable.in_app"
                    ))
            }
            return .success(.reachable(channel))
        case "activity":
            return .failure(
                FieldProblem(
                    "\(field) is not a field; expected activity.first_seen or activity.last_seen (counts of events are activity rules)"
                ))
        case "attributes": return json(root: "u.attributes", parts.dropFirst(), field)
        default: return json(root: "u.attributes", parts[...], field)
        }
    }

    /// A property of an activity rule's event.
    static func property(_ field: String) -> Result<ConditionField, FieldProblem> {
        json(root: "a.properties", field.split(separator: ".", omittingEmptySubsequences: false)[...], field)
    }

    private static func json(root: String, _ path: ArraySlice<Substring>, _ field: String) -> Result<
        ConditionField, FieldProblem
    > {
        guard !path.isEmpty, path.count <= 8, path.allSatisfy(validName) else {
            return .failure(
                FieldProblem(
                    field.isEmpty
                        ? "required"
                        : "\"\(field)\" is not a field path; expected names of letters, digits, _ or - joined by dots (at most 8, each at most 64 characters)"
                ))
        }
        return .success(.json(root: root, path: path.map(String.init)))
    }

    /// The change-feed names of the changes that can change this field's value (none: it never changes, or its
    /// rule says).
    var dependencies: [String] {
        switch self {
        case .json(let root, let path): root == "u.attributes" ? ["attributes." + path[0]] : []
        case .text(let column): [String(column.dropFirst(2))]
        case .time(_, _, let dependency): dependency.map { [$0] } ?? []
        case .consent: ["consent"]
        case .reachable(.email): ["consent", "preferences", "email"]
        case .reachable(.sms): ["consent", "preferences", "phone"]
        case .reachable(.push): ["consent", "preferences", "device"]
        case .reachable(.inApp): ["consent", "preferences"]
        case .segment: []
        }
    }

    /// The JSON value itself (`u.attributes -> 'plan'`).
    var jsonExpression: String? {
        guard case .json(let root, let path) = self else { return nil }
        return "(" + root + path.map { " -> '\($0)'" }.joined() + ")"
    }

    var textExpression: String? {
        switch self {
        case .json: "segments.json_text\(jsonExpression!)"
        case .text(let column): column
        default: nil
        }
    }

    var numberExpression: String? { jsonExpression.map { "segments.json_number\($0)" } }

    var timeExpression: String? {
        switch self {
        case .json: "segments.json_time\(jsonExpression!)"
        case .time(_, let expression, _): expression
        default: nil
        }
    }
}

struct FieldProblem: Error, Equatable {
    let description: String
    init(_ description: String) { self.description = description }
}
