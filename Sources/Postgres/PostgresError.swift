import CLibpq
import HeraldCore

/// Everything that can go wrong talking to PostgreSQL, with what the server said.
///
/// Server errors carry SQLSTATE, message, detail, constraint and table; `statusCode` maps them once to the
/// gRPC status a client sees (unique_violation → ALREADY_EXISTS, and so on).
public struct PostgresError: Error, Sendable, CustomStringConvertible, StatusConvertibleError {
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case connection, server, decoding, encoding, timeout, poolClosed, protocolViolation
        }
        private let value: Value
        /// The connection could not be made, or broke. Retryable: a new connection may succeed.
        public static let connection = Kind(value: .connection)
        /// The server answered with an error (see `sqlState`).
        public static let server = Kind(value: .server)
        /// A value in a result could not be decoded as asked (NULL, wrong type, bad text).
        public static let decoding = Kind(value: .decoding)
        /// A parameter could not be sent (a NUL byte in text, an unsupported value).
        public static let encoding = Kind(value: .encoding)
        /// No connection could be had within the pool's acquire timeout.
        public static let timeout = Kind(value: .timeout)
        /// The pool was closed.
        public static let poolClosed = Kind(value: .poolClosed)
        /// libpq reported something the layer did not expect.
        public static let protocolViolation = Kind(value: .protocolViolation)
        public var description: String { value.rawValue }
    }

    public var kind: Kind
    public var message: String
    public var sqlState: String?
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var table: String?
    public var column: String?
    /// The first 200 characters of the statement that failed, for logs (never for clients).
    public var query: String?
    /// True when nothing was sent on the connection before it was found broken: the work can safely go to
    /// another connection.
    public var nothingSent = false

    public init(
        kind: Kind, message: String, sqlState: String? = nil, detail: String? = nil, hint: String? = nil,
        constraint: String? = nil, table: String? = nil, column: String? = nil, query: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
        self.query = query.map { String($0.prefix(200)) }
    }

    public var description: String {
        var text = "postgres \(kind): \(message)"
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        if let detail { text += "; detail: \(detail)" }
        if let constraint { text += "; constraint: \(constraint)" }
        if let table { text += "; table: \(table)" }
        if let column { text += "; column: \(column)" }
        return text
    }

    /// Serialization failure (40001) or deadlock (40P01): the transaction may succeed if run again.
    public var isTransactionConflict: Bool { sqlState == "40001" || sqlState == "40P01" }

    /// True when trying the same work again (on a new connection or transaction) may succeed.
    public var isRetryable: Bool {
        kind == .connection || kind == .timeout || isTransactionConflict
            || sqlState.map { $0.hasPrefix("08") || $0 == "57P01" || $0 == "57P02" || $0 == "57P03" } == true
    }

    public var statusCode: StatusCode {
        switch kind {
        case .connection, .timeout, .poolClosed: return .unavailable
        case .decoding, .protocolViolation: return .internal
        case .encoding: return .invalidArgument
        default: break
        }
        guard let sqlState else { return .unknown }
        switch sqlState {
        case "23505": return .alreadyExists  // unique_violation
        case "23503": return .failedPrecondition  // foreign_key_violation: the referenced row is missing
        case "23514", "23502", "23P01": return .invalidArgument  // check, not-null, exclusion
        case "40001", "40P01": return .aborted  // serialization failure, deadlock
        case "57014": return .deadlineExceeded  // query_canceled (statement_timeout)
        case "53300", "53200", "53100": return .resourceExhausted  // too many connections, out of memory/disk
        case "42501": return .permissionDenied
        default: break
        }
        switch sqlState.prefix(2) {
        case "08", "57": return .unavailable  // connection exception, operator intervention (shutdown)
        case "22": return .invalidArgument  // data exception: a value the caller sent
        case "23": return .failedPrecondition
        case "42": return .internal  // syntax or access rule: a bug in our SQL
        default: return .internal
        }
    }

    public var statusMessage: String {
        switch statusCode {
        case .alreadyExists, .failedPrecondition, .invalidArgument:
            var text = message
            if let detail { text += ": \(detail)" }
            return text
        case .unavailable: return "database unavailable: \(message)"
        case .aborted: return "transaction conflict, retry: \(message)"
        default: return "database error"
        }
    }
}

extension PostgresError {
    /// The one funnel from libpq's connection state to a Swift error.
    static func connection(_ conn: OpaquePointer?, _ what: String) -> PostgresError {
        let text = conn.flatMap { PQerrorMessage($0) }.map { String(cString: $0) } ?? ""
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return PostgresError(kind: .connection, message: trimmed.isEmpty ? what : "\(what): \(trimmed)")
    }

    /// The one funnel from an error `PGresult` to a Swift error.
    static func server(_ result: OpaquePointer, query: String?) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let pointer = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: pointer)
        }
        let primary = field("M") ?? String(cString: PQresultErrorMessage(result))
        return PostgresError(
            kind: field("C") == nil ? .connection : .server,
            message: primary.trimmingCharacters(in: .whitespacesAndNewlines),
            sqlState: field("C"), detail: field("D"), hint: field("H"), constraint: field("n"), table: field("t"),
            column: field("c"), query: query)
    }
}

extension String {
    func trimmingCharacters(in set: Set<Character>) -> String {
        var s = Substring(self)
        while let first = s.first, set.contains(first) { s.removeFirst() }
        while let last = s.last, set.contains(last) { s.removeLast() }
        return String(s)
    }
}

extension Set where Element == Character {
    static let whitespacesAndNewlines: Set<Character> = [" ", "\n", "\r", "\t"]
}
