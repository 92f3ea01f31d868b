import Domain
import Foundation
import Postgres

/// The WHERE clause of a list query and its parameters, built condition by condition (values always parameters,
/// never spliced into the text), with keyset pagination: a page starts after the last key of the previous one,
/// so deep pages cost what the first does.
public struct QueryConditions {
    public private(set) var parameters: [any PostgresEncodable]
    private var clauses: [String] = []

    /// Conditions whose parameters follow `parameters` (those the query needs before them).
    public init(after parameters: [any PostgresEncodable] = []) { self.parameters = parameters }

    /// Adds the condition `clause` makes of the placeholder of `value` (e.g. `{ "c.tags @> \($0)::text[]" }`).
    public mutating func add(_ value: any PostgresEncodable, _ clause: (String) -> String) {
        parameters.append(value)
        clauses.append(clause("$\(parameters.count)"))
    }

    /// Adds a condition that takes no value.
    public mutating func add(_ clause: String) { clauses.append(clause) }

    /// For lists by (`createdAt`, `id`), newest first unless `oldestFirst`: only rows after the cursor's key.
    public mutating func after(_ cursor: PageCursor?, createdAt: String, id: String, oldestFirst: Bool = false) {
        guard let cursor, let time = cursor.createdAt, let key = cursor.id else { return }
        parameters.append(time)
        parameters.append(key)
        clauses.append(
            "(\(createdAt), \(id)) \(oldestFirst ? ">" : "<") ($\(parameters.count - 1), $\(parameters.count))")
    }

    /// `WHERE …`, or nothing without conditions.
    public var whereClause: String { clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ") }

    /// `LIMIT $n` for one more row than the page holds (the extra one says that another page exists; see `Page`).
    public mutating func limit(_ page: PageRequest) -> String {
        parameters.append(page.size + 1)
        return "LIMIT $\(parameters.count)"
    }
}
