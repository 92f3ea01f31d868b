import API
import ArgumentParser
import Codec
import Foundation
import RPC

extension UsersCommand {
    /// `heraldctl users import FILE`: one ImportUsers stream, chunks of rows sent as they are read (the stream waits
    /// for the server when it is behind), a live progress line, then what the import did.
    struct ImportUsers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Upsert users by external id from a CSV or JSON-lines file (- for stdin).",
            discussion: """
                JSON lines: each line an ImportRow ({"user": {...}, "consent": {...}}) or a UserProfile, in proto3 \
                JSON. CSV: a header row; columns external_id, email, phone, display_name, locale, timezone, marketing, \
                analytics, consent_source, legal_basis; any other column is an attribute (numbers, true/false, arrays \
                and objects read as JSON). One transaction: a bad row is reported with its number and left out; an \
                interrupted import stores nothing.
                """)
        @OptionGroup var options: Options
        @Argument(help: "The file: .csv, else JSON lines; - reads stdin.") var file: String
        @Option(help: "csv or jsonl (default: from the file name).") var format: String?
        @Option(help: "Rows per message.") var chunk = 1000
        @Option(help: "Bad rows to list at the end.") var show = 20
        @Flag(help: "No progress line.") var quiet = false

        func run() async throws {
            let format = try format.map {
                guard let f = ImportFile.Format(rawValue: $0) else { throw ValidationError("--format: csv or jsonl") }
                return f
            }
            var reader: ImportFile
            do {
                reader = try ImportFile(path: file, format: format)
            } catch {
                printError("heraldctl users import: \(error)")
                throw ExitCode.failure
            }
            let total = file == "-" ? nil : try? ImportFile.countRows(file, format: reader.format)
            let client = options.client()
            defer { client.close() }
            let method = try client.method("ImportUsers")
            let call = client.client.stream(method.path, timeout: nil)
            var progress = ProgressLine(total: total, enabled: !quiet)
            var unreadable: [ImportFile.BadLine] = []
            var message: [UInt8] = []
            var rows = 0
            while true {
                let encoded: [UInt8]?
                do {
                    encoded = try reader.next()
                } catch let bad as ImportFile.BadLine {
                    unreadable.append(bad)
                    progress.update(rows: reader.row, errors: unreadable.count)
                    continue
                }
                guard let encoded else { break }
                message += WireConcatenation.field(1, encoded)
                rows += 1
                if rows == chunk {
                    await call.write(message)
                    message.removeAll(keepingCapacity: true)
                    rows = 0
                    progress.update(rows: reader.row, errors: unreadable.count)
                }
            }
            if !message.isEmpty { await call.write(message) }
            call.finishSending()
            progress.update(rows: reader.row, errors: unreadable.count, force: true)
            var response: JSONValue?
            do {
                for try await bytes in call.responses { response = try method.response(bytes) }
            } catch let error as RPCError {
                progress.finish()
                throw client.failure(error)
            }
            progress.finish()
            guard let result = response else {
                throw client.failure(RPCError(.internal, "the import ended without a result"))
            }
            if options.json {
                print(result.text(indent: 2))
            } else {
                let rejected = Int(result["rejected"].text) ?? 0
                print(
                    "imported \(result["rows"].text.isEmpty ? "0" : result["rows"].text) rows in \(progress.elapsedText): "
                        + "\(result["created"].text.isEmpty ? "0" : result["created"].text) created, "
                        + "\(result["updated"].text.isEmpty ? "0" : result["updated"].text) updated, \(rejected) refused"
                        + (unreadable.isEmpty ? "" : ", \(unreadable.count) unreadable (not sent)"))
                for error in result["errors"].items.prefix(show) {
                    print("  row \(error["row"].text): \(error["field"].text): \(error["description"].text)")
                }
                for bad in unreadable.prefix(show) { print("  \(bad)") }
            }
            if !unreadable.isEmpty || (Int(result["rejected"].text) ?? 0) > 0 { throw ExitCode(3) }
        }
    }
}

/// A progress line on stderr, redrawn at most ten times a second: rows, rows/s, errors, and the ETA when the total is
/// known.
struct ProgressLine {
    let total: Int64?
    let enabled: Bool
    let start = ContinuousClock.now
    private var lastDrawn = ContinuousClock.now - .seconds(1)

    init(total: Int64?, enabled: Bool) {
        self.total = total
        self.enabled = enabled && isatty(2) != 0
    }

    var elapsed: Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    var elapsedText: String { String(format: "%.1f s", elapsed) }

    mutating func update(rows: Int64, errors: Int, force: Bool = false) {
        guard enabled, force || ContinuousClock.now - lastDrawn > .milliseconds(100) else { return }
        lastDrawn = ContinuousClock.now
        let rate = Double(rows) / max(elapsed, 0.001)
        var line = "\r\(rows)"
        if let total, total > 0 {
            let share = min(1, Double(rows) / Double(total))
            let width = 24
            let filled = Int(share * Double(width))
            line +=
                "/\(total) [" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
            line += "] \(Int(share * 100))%"
            if rate > 0 { line += "  ETA \(Int(Double(total - rows) / rate)) s" }
        }
        line += "  \(Int(rate)) rows/s  \(errors) errors\u{1B}[K"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() { if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }
}
