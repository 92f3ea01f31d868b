import Codec
import Domain
import Foundation
import Postgres
import ServiceKit

/// A statement's parameters, numbered in the order they are bound.
struct SQLParameters {
    private(set) var values: [any PostgresEncodable]

    init(_ initial: [any PostgresEncodable] = []) { values = initial }

    /// The placeholder of `value` (`$4`).
    mutating func bind(_ value: any PostgresEncodable) -> String {
        values.append(value)
        return "$\(values.count)"
    }
}

/// A segment's conditions as one SQL predicate over a user row `u` of users.users, and what can change its answer.
struct CompiledConditions {
    /// A boolean SQL expression; NULL (a missing attribute) counts as false.
    var predicate = "true"
    /// The change-feed names (`attributes.plan`, `event:purchase`, `consent`, …; `event:*` for any activity) of the
    /// changes that can move a user in or out, plus `segment:<id>` for memberships of other segments.
    var dependencies: Set<String> = []
    /// Whether time alone can move a user (within the last N days, more than N days ago, activity windows).
    var timeRelative = false
    /// Segments whose memberships the conditions read.
    var segments: Set<UUID> = []
    /// Typed views of attributes compared by range: worth an index (see `AttributeIndexes`).
    var indexes: Set<AttributeIndex> = []
    /// Regular expressions to check before saving (PostgreSQL's syntax is what counts), by condition path.
    var regexes: [(path: String, pattern: String)] = []
}

/// Compiles conditions (see segments.proto for their grammar) into `CompiledConditions`, every value a parameter,
/// every problem an issue at its condition's path. `scope` phrases activity and membership rules for the users
/// asked about: all of them (a join over the activity of the type) or a few listed (an index probe per user).
struct ConditionCompiler {
    enum Scope { case everyone, listed }

    static let maxDepth = 8
    static let maxConditions = 200
    static let maxListValues = 1_000

    let scope: Scope
    let now: Date
    var parameters: SQLParameters
    var issues = FieldIssues()
    var compiled = CompiledConditions()
    private var count = 0

    init(scope: Scope, now: Date = Date(), parameters: SQLParameters = SQLParameters()) {
        self.scope = scope
        self.now = now
        self.parameters = parameters
    }

    /// Compiles a whole definition's conditions (`conditions` at `path`).
    mutating func compile(_ conditions: [SegmentCondition], at path: String) {
        compiled.predicate = conditions.isEmpty ? "true" : list(conditions, at: path, depth: 1)
    }

    /// `a AND b OR c NOT d` → `((a AND b) OR (c AND NOT d))`.
    private mutating func list(_ conditions: [SegmentCondition], at path: String, depth: Int) -> String {
        var disjuncts: [[String]] = [[]]
        for (i, condition) in conditions.enumerated() {
            let at = path.index(i)
            guard counted(at) else { break }
            var expression = one(condition, at: at, depth: depth)
            if condition.logicalOperator == .not { expression = "NOT coalesce(\(expression), false)" }
            if i > 0 && condition.logicalOperator == .or { disjuncts.append([]) }
            disjuncts[disjuncts.count - 1].append(expression)
        }
        let terms = disjuncts.map { $0.count == 1 ? $0[0] : "(" + $0.joined(separator: " AND ") + ")" }
        return terms.count == 1 ? terms[0] : "(" + terms.joined(separator: " OR ") + ")"
    }

    /// Counts a condition (property conditions included); false, with an issue the first time, past the limit, so
    /// that a request of a million conditions costs no more than one of two hundred.
    private mutating func counted(_ path: String) -> Bool {
        count += 1
        if count == Self.maxConditions + 1 {
            issues.add(path, "more than \(Self.maxConditions) conditions in one segment")
        }
        return count <= Self.maxConditions
    }

    private mutating func one(_ c: SegmentCondition, at path: String, depth: Int) -> String {
        let kinds = [!c.group.isEmpty, c.activity != nil, !c.field.isEmpty || c.operator != nil].filter { $0 }.count
        guard kinds == 1 else {
            issues.add(
                path,
                kinds == 0
                    ? "empty; expected a field with an operator, a group or an activity rule"
                    : "more than one of field/operator, group and activity; a condition is exactly one")
            return "false"
        }
        if !c.group.isEmpty {
            guard depth < Self.maxDepth else {
                issues.add(path.field("group"), "groups nested deeper than \(Self.maxDepth)")
                return "false"
            }
            return list(c.group, at: path.field("group"), depth: depth + 1)
        }
        if let activity = c.activity { return self.activity(activity, at: path.field("activity")) }
        switch ConditionField.user(c.field) {
        case .failure(let problem):
            issues.add(path.field("field"), problem.description)
            return "false"
        case .success(let field):
            compiled.dependencies.formUnion(field.dependencies)
            return leaf(field, c, at: path)
        }
    }

    // MARK: Leaves

    private mutating func leaf(_ field: ConditionField, _ c: SegmentCondition, at path: String) -> String {
        guard let op = c.operator else {
            issues.add(path.field("operator"), "required")
            return "false"
        }
        if op.takesNoValue, c.value != nil, c.value != .null {
            issues.add(path.field("value"), "\(Self.name(op)) takes no value")
        }
        switch field {
        case .consent(let purpose):
            return flag(op, c.value, at: path) { p in DirectorySQL.consented(toPurpose: p.bind(purpose.rawValue)) }
        case .reachable(let channel):
            return flag(op, c.value, at: path) { p in DirectorySQL.reachable(on: p.bind(channel.rawValue), channel) }
        case .segment: return membership(op, c.value, at: path)
        case .json, .text, .time: return compare(field, op, c.value, at: path)
        }
    }

    /// A yes/no field: EQUALS or NOT_EQUALS true or false.
    private mutating func flag(
        _ op: ConditionOperator, _ value: JSONValue?, at path: String, _ sql: (inout SQLParameters) -> String
    ) -> String {
        guard op == .equals || op == .notEquals else {
            issues.add(path.field("operator"), "\(Self.name(op)) does not apply; expected EQUALS or NOT_EQUALS")
            return "false"
        }
        guard case .bool(let wanted) = value else {
            issues.add(path.field("value"), "expected true or false")
            return "false"
        }
        let expression = sql(&parameters)
        return (op == .equals) == wanted ? expression : "NOT \(expression)"
    }

    private mutating func membership(_ op: ConditionOperator, _ value: JSONValue?, at path: String) -> String {
        guard op == .in || op == .notIn else {
            issues.add(path.field("operator"), "\(Self.name(op)) does not apply to segment; expected IN or NOT_IN")
            return "false"
        }
        guard case .array(let items) = value, !items.isEmpty, items.count <= 100 else {
            issues.add(path.field("value"), "expected a list of 1 to 100 segment ids")
            return "false"
        }
        var ids: [UUID] = []
        for (i, item) in items.enumerated() {
            if case .string(let text) = item, let id = UUID(canonical: text) {
                ids.append(id)
            } else {
                issues.add(path.field("value").index(i), "expected a segment id (a UUID)")
            }
        }
        compiled.segments.formUnion(ids)
        compiled.dependencies.formUnion(ids.map { "segment:" + $0.lowercased })
        let p = parameters.bind(ids)
        let sql =
            switch scope {
            case .everyone:
                "u.id IN (SELECT m.user_id FROM segments.segment_memberships m WHERE m.segment_id = ANY(\(p)::uuid[]) AND m.removed_at IS NULL)"
            case .listed:
                "EXISTS (SELECT 1 FROM segments.segment_memberships m WHERE m.user_id = u.id AND m.segment_id = ANY(\(p)::uuid[]) AND m.removed_at IS NULL)"
            }
        return op == .in ? sql : "NOT \(sql)"
    }

    /// Attributes, text columns, times and event properties.
    private mutating func compare(
        _ field: ConditionField, _ op: ConditionOperator, _ value: JSONValue?, at path: String
    )
        -> String
    {
        let valuePath = path.field("value")
        func unsupported(_ what: String) -> String {
            issues.add(valuePath, "\(Self.name(op)) on \(what)")
            return "false"
        }
        let json = field.jsonExpression
        switch op {
        case .exists:
            if let json { return "coalesce(jsonb_typeof\(json) <> 'null', false)" }
            return "(\(field.textExpression ?? field.timeExpression!) IS NOT NULL)"
        case .isEmpty:
            if let json { return "coalesce(\(json) IN ('null'::jsonb, '\"\"'::jsonb, '[]'::jsonb, '{}'::jsonb), true)" }
            if let text = field.textExpression { return "coalesce(\(text), '') = ''" }
            return "(\(field.timeExpression!) IS NULL)"
        case .equals, .notEquals:
            guard let value else { return unsupported("nothing; expected a value") }
            let equal = equality(field, value, at: valuePath)
            return op == .equals ? equal : "NOT coalesce(\(equal), false)"
        case .in, .notIn:
            guard case .array(let items) = value, !items.isEmpty, items.count <= Self.maxListValues,
                items.allSatisfy(\.isScalar)
            else {
                issues.add(valuePath, "expected a list of 1 to \(Self.maxListValues) strings, numbers or booleans")
                return "false"
            }
            let any: String
            if let json {
                any = "\(json) = ANY(\(parameters.bind(items.map { $0.text() }))::text[]::jsonb[])"
            } else if let text = field.textExpression, let strings = Self.strings(items) {
                any = "\(text) = ANY(\(parameters.bind(strings))::text[])"
            } else {
                issues.add(valuePath, "expected a list of strings for \(Self.describe(field))")
                return "false"
            }
            return op == .in ? any : "NOT coalesce(\(any), false)"
        case .contains:
            switch value {
            case .string(let needle):
                guard let text = field.textExpression else { return unsupported(Self.describe(field)) }
                let p = parameters.bind(needle)
                let inText = "strpos(\(text), \(p)) > 0"
                guard let json else { return inText }
                return "(\(inText) OR coalesce(\(json) @> jsonb_build_array(\(p)::text), false))"
            case .number, .bool:
                guard let json else { return unsupported(Self.describe(field)) }
                return
                    "coalesce(\(json) @> \(parameters.bind(PostgresJSON(text: JSONValue.array([value!]).text())))::jsonb, false)"
            default:
                issues.add(valuePath, "expected a string (in a string or a list) or a number or boolean (in a list)")
                return "false"
            }
        case .startsWith, .endsWith, .matches:
            guard case .string(let pattern) = value else {
                issues.add(valuePath, "expected a string")
                return "false"
            }
            guard let text = field.textExpression else { return unsupported(Self.describe(field)) }
            let p = parameters.bind(pattern)
            switch op {
            case .startsWith: return "starts_with(\(text), \(p))"
            case .endsWith: return "right(\(text), length(\(p))) = \(p)"
            default:
                compiled.regexes.append((path: valuePath, pattern: pattern))
                return "(\(text) ~ \(p))"
            }
        case .greaterThan, .lessThan:
            let sign = op == .greaterThan ? ">" : "<"
            guard let value, let (expression, p) = ordered(field, value, at: valuePath) else { return "false" }
            return "(\(expression) \(sign) \(p))"
        case .between:
            guard case .array(let bounds) = value, bounds.count == 2,
                let (low, lowP) = ordered(field, bounds[0], at: valuePath.index(0)),
                let (high, highP) = ordered(field, bounds[1], at: valuePath.index(1)), low == high
            else {
                if case .array(let b) = value, b.count == 2 {
                } else {
                    issues.add(valuePath, "expected [low, high]: two numbers or two times")
                }
                return "false"
            }
            if case .number(let l) = bounds[0], case .number(let h) = bounds[1], let l = Double(l), let h = Double(h),
                l > h
            {
                issues.add(valuePath, "low \(l) is above high \(h)")
            }
            return "(\(low) BETWEEN \(lowP) AND \(highP))"
        case .withinLastDays, .moreThanDaysAgo:
            guard let time = field.timeExpression else { return unsupported(Self.describe(field)) }
            guard case .number(let text) = value, let days = Int(text), days >= 0, days <= 36_500 else {
                issues.add(valuePath, "expected a whole number of days, 0 to 36500")
                return "false"
            }
            compiled.timeRelative = true
            index(field, time)
            let since = parameters.bind(now.addingTimeInterval(-Double(days) * 86_400))
            return op == .withinLastDays ? "(\(time) >= \(since))" : "(\(time) < \(since))"
        case .before, .after:
            guard let time = field.timeExpression else { return unsupported(Self.describe(field)) }
            guard case .string(let text) = value, let date = Self.time(text) else {
                issues.add(
                    valuePath, "expected a time: RFC 3339 with an offset (2026-03-01T09:00:00Z) or a date (2026-03-01)")
                return "false"
            }
            index(field, time)
            return "(\(time) \(op == .before ? "<" : ">") \(parameters.bind(date)))"
        }
    }

    /// EQUALS: a scalar by containment (so that the GIN index on attributes serves it), null as missing or null,
    /// a list or an object as the whole value.
    private mutating func equality(_ field: ConditionField, _ value: JSONValue, at path: String) -> String {
        switch field {
        case .json(let root, let keys):
            switch value {
            case .null: return "coalesce(\(field.jsonExpression!), 'null'::jsonb) = 'null'::jsonb"
            case .array, .object:
                return "(\(field.jsonExpression!) = \(parameters.bind(PostgresJSON(text: value.text())))::jsonb)"
            default:
                let nested = keys.reversed().reduce(value) { inner, key in .object([(key, inner)]) }
                return "(\(root) @> \(parameters.bind(PostgresJSON(text: nested.text())))::jsonb)"
            }
        case .text(let column):
            if case .null = value { return "(\(column) IS NULL)" }
            guard case .string(let text) = value else {
                issues.add(path, "\(Self.describe(field)) is a string; expected a string or null")
                return "false"
            }
            return "(\(column) = \(parameters.bind(text)))"
        default:
            guard case .string(let text) = value, let date = Self.time(text) else {
                issues.add(path, "\(Self.describe(field)) is a time; expected an RFC 3339 time or a date")
                return "false"
            }
            return "(\(field.timeExpression!) = \(parameters.bind(date)))"
        }
    }

    /// The view of `field` a GREATER_THAN/LESS_THAN/BETWEEN bound compares with, by the bound's type: numbers
    /// numerically, times as times, other strings by code point. Nil (with an issue) when the field has no such view.
    private mutating func ordered(_ field: ConditionField, _ value: JSONValue, at path: String) -> (String, String)? {
        switch value {
        case .number(let text):
            guard let number = field.numberExpression, Double(text)?.isFinite == true else {
                issues.add(path, "\(Self.describe(field)) is not a number; expected a string or a time")
                return nil
            }
            index(field, number)
            return (number, parameters.bind(text) + "::numeric")
        case .string(let text):
            if let date = Self.time(text), let time = field.timeExpression {
                index(field, time)
                return (time, parameters.bind(date))
            }
            guard let string = field.textExpression else {
                issues.add(path, "\(Self.describe(field)) is a time; expected an RFC 3339 time or a date")
                return nil
            }
            return (string + " COLLATE \"C\"", parameters.bind(text))
        default:
            issues.add(path, "expected a number, a string or a time")
            return nil
        }
    }

    /// Remembers a typed view of a user attribute for an expression index.
    private mutating func index(_ field: ConditionField, _ expression: String) {
        guard case .json(let root, let path) = field, root == "u.attributes", path.count == 1 else { return }
        compiled.indexes.insert(
            AttributeIndex(
                expression: expression.replacingOccurrences(of: "u.attributes", with: "attributes"), attribute: path[0],
                type: expression.hasPrefix("segments.json_number") ? "number" : "timestamp"))
    }

    // MARK: Activity

    private mutating func activity(_ rule: ActivityCondition, at path: String) -> String {
        if rule.event.isEmpty || rule.event.count > 255 {
            issues.add(path.field("event"), rule.event.isEmpty ? "required" : "at most 255 characters")
        }
        if rule.atLeast < 0 { issues.add(path.field("at_least"), "must not be negative") }
        if rule.atMost < 0 { issues.add(path.field("at_most"), "must not be negative") }
        if rule.atMost > 0 && rule.atLeast > rule.atMost {
            issues.add(path.field("at_least"), "\(rule.atLeast) is above at_most \(rule.atMost)")
        }
        if rule.didNotPerform && (rule.atLeast != 0 || rule.atMost != 0) {
            issues.add(path.field("did_not_perform"), "set with at_least or at_most; expected one or the other")
        }
        if rule.withinDays < 0 || rule.withinDays > 36_500 {
            issues.add(path.field("within_days"), "expected 0 (all kept activity) to 36500 days")
        }
        compiled.dependencies.insert("event:" + rule.event)
        var filters = ["a.type = \(parameters.bind(rule.event))"]
        if rule.withinDays > 0 {
            compiled.timeRelative = true
            filters.append("a.at >= \(parameters.bind(now.addingTimeInterval(-Double(rule.withinDays) * 86_400)))")
        }
        for (i, condition) in rule.properties.enumerated() {
            let at = path.field("properties").index(i)
            guard counted(at) else { break }
            guard condition.group.isEmpty, condition.activity == nil else {
                issues.add(at, "a property condition is a field with an operator (no groups or activity rules)")
                continue
            }
            switch ConditionField.property(condition.field) {
            case .failure(let problem): issues.add(at.field("field"), problem.description)
            case .success(let field):
                guard let op = condition.operator else {
                    issues.add(at.field("operator"), "required")
                    continue
                }
                var expression = compare(field, op, condition.value, at: at)
                if condition.logicalOperator == .not { expression = "NOT coalesce(\(expression), false)" }
                filters.append(expression)
            }
        }
        let (lower, upper) = rule.bounds
        let wanted = filters.joined(separator: " AND ")
        switch scope {
        case .listed:
            let count = "(SELECT count(*) FROM users.activity a WHERE a.user_id = u.id AND \(wanted))"
            if let upper { return "(\(count) BETWEEN \(parameters.bind(lower)) AND \(parameters.bind(upper)))" }
            return "(\(count) >= \(parameters.bind(lower)))"
        case .everyone:
            let grouped = "SELECT a.user_id FROM users.activity a WHERE \(wanted) GROUP BY a.user_id HAVING"
            if lower == 0 {
                return "NOT (u.id IN (\(grouped) count(*) > \(parameters.bind(upper ?? 0))))"
            }
            let most = upper.map { " AND count(*) <= \(parameters.bind($0))" } ?? ""
            return "(u.id IN (\(grouped) count(*) >= \(parameters.bind(lower))\(most)))"
        }
    }

    // MARK: Values

    static func name(_ op: ConditionOperator) -> String { "CONDITION_OPERATOR_" + op.rawValue.uppercased() }

    static func describe(_ field: ConditionField) -> String {
        switch field {
        case .json(let root, let path):
            (root == "u.attributes" ? "attributes." : "property ") + path.joined(separator: ".")
        case .text(let column): String(column.dropFirst(2))
        case .time(let name, _, _): name
        case .consent(let purpose): "consent.\(purpose.rawValue)"
        case .reachable(let channel): "reachable.\(channel.rawValue)"
        case .segment: "segment"
        }
    }

    static func strings(_ items: [JSONValue]) -> [String]? {
        var strings: [String] = []
        for item in items {
            guard case .string(let text) = item else { return nil }
            strings.append(text)
        }
        return strings
    }

    /// RFC 3339 with an offset, or a date (its midnight UTC).
    static func time(_ text: String) -> Date? {
        if text.count == 10, let date = try? Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day().parse(text) {
            return date
        }
        guard text.count >= 20 else { return nil }
        return (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}

extension JSONValue {
    var isScalar: Bool {
        switch self {
        case .string, .number, .bool: true
        default: false
        }
    }
}
