// herald-bench-postgres: drives Herald's PostgreSQL layer for tools/bench-postgres, which runs pgbench and
// psql beside it on the same cluster. Prints one `key=value` line per measurement.
//
//   herald-bench-postgres select --url URL --connections 8 --seconds 10 --accounts 1000000
//   herald-bench-postgres copy   --url URL --rows 1000000
//   herald-bench-postgres insert --url URL --connections 8 --seconds 5
//   herald-bench-postgres pipeline --url URL --rows 200000 --batch 100
import EventLoop
import Foundation
import HeraldCore
import Postgres
import Synchronization

struct Options {
    var mode = ""
    var url = ""
    var connections = 8
    var seconds = 10.0
    var accounts = 100_000
    var rows = 1_000_000
    var batch = 100
    var variant = "both"

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        mode = iterator.next() ?? ""
        while let flag = iterator.next() {
            guard let value = iterator.next() else { fatalError("\(flag) needs a value") }
            switch flag {
            case "--url": url = value
            case "--connections": connections = Int(value)!
            case "--seconds": seconds = Double(value)!
            case "--accounts": accounts = Int(value)!
            case "--rows": rows = Int(value)!
            case "--batch": batch = Int(value)!
            case "--variant": variant = value
            default: fatalError("unknown flag \(flag)")
            }
        }
    }
}

let options = Options(CommandLine.arguments)
let pool = PostgresPool(.init(connection: .init(conninfo: options.url), maxConnections: options.connections))

/// Runs `work` on `options.connections` concurrent tasks until the time is up; returns operations per second.
/// With `onLoops`, each task prefers one of the event loops as its executor, as a Herald request handler does:
/// the pool then hands it a connection of its own loop and statements run without a thread hop.
func closedLoop(onLoops: Bool = false, _ work: @escaping @Sendable () async throws -> Void) async throws -> Double {
    let deadline = ContinuousClock.now + .milliseconds(Int(options.seconds * 1000))
    let started = ContinuousClock.now
    let total = try await withThrowingTaskGroup(of: Int.self) { group in
        for worker in 0..<options.connections {
            let loop = EventLoopGroup.shared.loops[worker % EventLoopGroup.shared.loops.count]
            group.addTask(executorPreference: onLoops ? loop : nil) {
                var count = 0
                while ContinuousClock.now < deadline {
                    try await work()
                    count += 1
                }
                return count
            }
        }
        return try await group.reduce(0, +)
    }
    let elapsed = ContinuousClock.now - started
    return Double(total) / elapsed.seconds
}

/// An empty unlogged (id, name, value) table for the write benchmarks, replacing any earlier one.
func createRowsTable(_ name: String) async throws {
    try await pool.query("DROP TABLE IF EXISTS \(name)")
    try await pool.query("CREATE UNLOGGED TABLE \(name) (id int8, name text, value int8)")
}

switch options.mode {
case "select":
    // pgbench -S's statement, same table, random account ids.
    let accounts = options.accounts
    let select: @Sendable () async throws -> Void = {
        let row = try await pool.query(
            "SELECT abalance FROM pgbench_accounts WHERE aid = $1", [FastRandom.account(accounts)]
        ).first
        _ = try row?.decode("abalance", as: Int.self)
    }
    _ = try await closedLoop(onLoops: true, select)  // warm-up: opens every connection, on every loop
    if options.variant != "pool" {
        print("select_per_second=\(Int(try await closedLoop(onLoops: true, select)))")
    }
    if options.variant != "loops" {
        print("select_from_cooperative_pool_per_second=\(Int(try await closedLoop(onLoops: false, select)))")
    }

case "copy":
    try await createRowsTable("bench_copy")
    let rows = options.rows
    let started = ContinuousClock.now
    let copied = try await pool.withConnection { connection in
        try await connection.copyFrom("COPY bench_copy (id, name, value) FROM STDIN", rows: 1...rows) { n, row in
            row.append(n)
            row.append("name \(n)")
            row.append(n &* 7)
        }
    }
    precondition(copied == rows, "copied \(copied) of \(rows)")
    print("copy_rows_per_second=\(Int(Double(rows) / (ContinuousClock.now - started).seconds))")

case "insert":
    try await createRowsTable("bench_insert")
    let counter = Atomic<Int>(0)
    let rate = try await closedLoop {
        let n = counter.add(1, ordering: .relaxed).newValue
        try await pool.query(
            "INSERT INTO bench_insert (id, name, value) VALUES ($1, $2, $3)", [n, "name \(n)", n &* 7])
    }
    print("insert_rows_per_second=\(Int(rate))")

case "pipeline":
    try await createRowsTable("bench_pipeline")
    let rows = options.rows
    let batch = options.batch
    let started = ContinuousClock.now
    try await pool.withConnection { connection in
        var n = 0
        while n < rows {
            let statements = (n..<min(n + batch, rows)).map {
                PostgresStatement(
                    "INSERT INTO bench_pipeline (id, name, value) VALUES ($1, $2, $3)", [$0, "name \($0)", $0 &* 7])
            }
            _ = try await connection.pipeline(statements)
            n += statements.count
        }
    }
    print("pipeline_rows_per_second=\(Int(Double(rows) / (ContinuousClock.now - started).seconds))")

default:
    print(
        "usage: herald-bench-postgres select|copy|insert|pipeline --url URL [--connections N] [--seconds S] [--rows N]")
    exit(2)
}

/// A cheap generator (splitmix64 over a shared counter), so the benchmark measures the database path, not a
/// `getrandom(2)` system call per query (pgbench uses its own generator too).
enum FastRandom {
    static let counter = Atomic<UInt64>(UInt64(ContinuousClock.now.hashValue.magnitude))

    static func account(_ accounts: Int) -> Int {
        var z = counter.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(accounts)) + 1
    }
}
