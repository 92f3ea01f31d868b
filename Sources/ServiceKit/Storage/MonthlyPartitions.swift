import Foundation
import HeraldCore
import Postgres
import Synchronization

/// A table partitioned by UTC month (`users.activity`, `analytics.campaign_events`): the months it has a partition
/// for, so that ingestion creates a month's partition once, before the first write that needs it; and the upkeep
/// that creates months ahead and drops those past retention. `create` is the table's SQL function
/// `(first_month date, months int)` that creates partitions named `<prefix>YYYY_MM` idempotently.
public final class MonthlyPartitions: Sendable {
    /// The partitioned table, schema-qualified.
    public let table: String
    let create: String
    let prefix: String
    private let months = Mutex<Set<Int>>([])

    public init(table: String, create: String, prefix: String) {
        self.table = table
        self.create = create
        self.prefix = prefix
    }

    /// Year × 12 + month (UTC) of a time.
    public static func month(_ date: Date) -> Int {
        let parts = Self.calendar.dateComponents([.year, .month], from: date)
        return parts.year! * 12 + parts.month! - 1
    }

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    public static func firstDay(_ month: Int) -> Date {
        calendar.date(from: DateComponents(year: month / 12, month: month % 12 + 1, day: 1))!
    }

    /// Creates the partitions the times fall in, if this process has not seen them yet.
    public func ensure(_ times: [Date], pool: PostgresPool) async throws {
        let needed = Set(times.map(Self.month)).subtracting(months.withLock { $0 })
        for month in needed.sorted() {
            try await pool.query(
                "SELECT \(create)($1::date, 1)", [PostgresDate(Self.firstDay(month))])
            _ = months.withLock { $0.insert(month) }
        }
    }

    /// Creates this month's partition and the next two, and drops the partitions whose month ended before
    /// `now - retention` (dropping a partition, never deleting row by row). Returns the partitions dropped.
    public func maintain(pool: PostgresPool, retention: Duration, now: Date = Date()) async throws -> [String] {
        let current = Self.month(now)
        try await pool.query(
            "SELECT \(create)($1::date, 3)", [PostgresDate(Self.firstDay(current))])
        months.withLock { $0.formUnion(current...(current + 2)) }
        let cutoff = Self.month(now.addingTimeInterval(-retention.seconds))
        let existing = try await pool.query(
            """
            SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = $1::regclass
            """, [table])
        var dropped: [String] = []
        for row in existing {
            let name: String = try row.decode("name")
            guard name.hasPrefix(prefix) else { continue }  // the default partition, say
            let parts = name.dropFirst(prefix.count).split(separator: "_")
            guard parts.count == 2, let year = Int(parts[0]), let month = Int(parts[1]), year * 12 + month - 1 < cutoff
            else { continue }
            let schema = table.split(separator: ".").first.map(String.init) ?? "public"
            try await pool.query("DROP TABLE IF EXISTS \(schema).\(name)")  // another process may drop it first
            dropped.append(name)
            _ = months.withLock { $0.remove(year * 12 + month - 1) }
        }
        return dropped
    }
}
