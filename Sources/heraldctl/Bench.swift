import API
import ArgumentParser
import Codec
import Foundation
import HeraldCore
import RPC
import Synchronization
import TypedClients

/// `heraldctl bench HOST:PORT pkg.Service/Method`: a load generator over Herald's gRPC client.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a method: closed loop or fixed rate; throughput, errors by status, latency percentiles.",
        discussion: """
            Every call's status is checked: failures are counted by status and never as throughput. With --rate, \
            each call's latency counts from when it was due, so a stalled server shows in the percentiles \
            (no coordinated omission). A server-streaming method counts the messages of each call too.
            """)

    @Argument(help: "The server, HOST:PORT.") var endpoint: Endpoint
    @Argument(help: "pkg.Service/Method") var method: String
    @Option(help: "The request as proto3 JSON.") var data = "{}"
    @Option(
        help:
            "A file of requests, one proto3 JSON object per line, used in turn instead of --data (so that a read is spread over many keys)."
    )
    var dataFile: String?
    @Option(help: "HTTP/2 connections.") var connections = 8
    @Option(help: "Calls in flight per connection.") var concurrency = 32
    @Option(help: "Seconds to run (default 10 unless --requests is given).") var duration: Double?
    @Option(help: "Calls to make in all.") var requests: Int?
    @Option(help: "Calls per second in all (open loop); default: as fast as answers come back.") var rate: Double?
    @Option(help: "Seconds each call may take.") var timeout = 10.0
    @Flag(help: "Print the result as JSON.") var json = false

    func validate() throws {
        guard connections > 0, concurrency > 0 else {
            throw ValidationError("--connections and --concurrency must be positive")
        }
        if let rate, rate <= 0 { throw ValidationError("--rate must be positive") }
        if let requests, requests <= 0 { throw ValidationError("--requests must be positive") }
    }

    func run() async throws {
        let target = try APIMethod.named(method, command: "bench")
        let payloads = try self.payloads(for: target)
        let load = Load(
            path: target.path, serverStreaming: target.serverStreaming, payloads: payloads,
            workers: connections * concurrency,
            duration: duration ?? (requests == nil ? 10 : nil), requests: requests, rate: rate, timeout: timeout)
        let clients = (0..<connections).map { _ in GRPCClient(host: endpoint.host, port: endpoint.port) }
        defer { for item in clients { item.close() } }
        let result = await load.run(clients)
        print(
            json
                ? result.json(connections: connections, concurrency: concurrency)
                : result.text(connections: connections, concurrency: concurrency))
        if result.histogram.total == 0 { throw ExitCode.failure }
    }

    /// The requests to send, encoded once: --data, or every line of --data-file (blank lines skipped).
    func payloads(for target: JSONMethod) throws -> [[UInt8]] {
        guard let dataFile else {
            do {
                return [try target.request(json: data)]
            } catch {
                printError("heraldctl bench: bad request JSON: \(error)")
                throw ExitCode.failure
            }
        }
        guard let text = try? String(contentsOfFile: dataFile, encoding: .utf8) else {
            printError("heraldctl bench: cannot read \(dataFile)")
            throw ExitCode.failure
        }
        var payloads: [[UInt8]] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.allSatisfy(\.isWhitespace) {
            do {
                payloads.append(try target.request(json: String(line)))
            } catch {
                printError("heraldctl bench: \(dataFile):\(number + 1): bad request JSON: \(error)")
                throw ExitCode.failure
            }
        }
        guard !payloads.isEmpty else {
            printError("heraldctl bench: \(dataFile) holds no request")
            throw ExitCode.failure
        }
        return payloads
    }
}

/// One run of the load: workers (connections × concurrency) each make calls in a loop until the duration or the
/// request count is reached.
struct Load: Sendable {
    let path: String
    let serverStreaming: Bool
    /// The encoded requests, sent in turn: worker w sends payloads[w], payloads[w + workers], ... (modulo the count).
    let payloads: [[UInt8]]
    let workers: Int
    let duration: Double?
    let requests: Int?
    let rate: Double?
    let timeout: Double

    struct Result: Sendable {
        var histogram = Histogram()
        /// Response messages of server-streaming calls.
        var messages = 0
        var errors: [StatusCode: Int] = [:]
        var firstErrors: [StatusCode: String] = [:]
        var seconds = 0.0

        var requestsPerSecond: Double { seconds > 0 ? Double(histogram.total) / seconds : 0 }

        func text(connections: Int, concurrency: Int) -> String {
            let ms = { (ns: UInt64) in String(format: "%.3f ms", Double(ns) / 1e6) }
            let errorText =
                errors.isEmpty
                ? "none"
                : errors.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value) (\(firstErrors[$0.key] ?? ""))" }
                    .joined(separator: ", ")
            let streamed =
                messages == 0
                ? "" : "\nmessages: \(messages) = \(Int(Double(messages) / Swift.max(seconds, 1e-9))) messages/s"
            return """
                calls:    \(histogram.total) answered in \(String(format: "%.2f", seconds)) s = \(Int(requestsPerSecond)) calls/s (\(connections) connections x \(concurrency) in flight)
                errors:   \(errorText)
                latency:  p50 \(ms(histogram.value(atPercentile: 50)))  p90 \(ms(histogram.value(atPercentile: 90)))  p99 \(ms(histogram.value(atPercentile: 99)))  p99.9 \(ms(histogram.value(atPercentile: 99.9)))  max \(ms(histogram.max))
                """ + streamed
        }

        func json(connections: Int, concurrency: Int) -> String {
            let us = { (ns: UInt64) in JSONValue.number(String(format: "%.1f", Double(ns) / 1e3)) }
            let value: JSONValue = [
                "calls": .number(String(histogram.total)), "seconds": .number(String(format: "%.3f", seconds)),
                "callsPerSecond": .number(String(format: "%.1f", requestsPerSecond)),
                "connections": .number(String(connections)),
                "concurrency": .number(String(concurrency)), "messages": .number(String(messages)),
                "messagesPerSecond": .number(String(format: "%.1f", seconds > 0 ? Double(messages) / seconds : 0)),
                "errors": .object(
                    errors.sorted { $0.key.rawValue < $1.key.rawValue }.map { ("\($0.key)", .number(String($0.value))) }
                ),
                "latencyMicroseconds": [
                    "p50": us(histogram.value(atPercentile: 50)), "p90": us(histogram.value(atPercentile: 90)),
                    "p99": us(histogram.value(atPercentile: 99)), "p99.9": us(histogram.value(atPercentile: 99.9)),
                    "max": us(histogram.max),
                ],
            ]
            return value.text(indent: 2)
        }

        mutating func add(_ other: Result) {
            histogram.add(other.histogram)
            messages += other.messages
            errors.merge(other.errors, uniquingKeysWith: +)
            firstErrors.merge(other.firstErrors) { first, _ in first }
        }
    }

    /// One server-streaming call: the number of messages it returned.
    func streamCall(_ client: GRPCClient, _ request: [UInt8]) async throws -> Int {
        let call = client.stream(path, timeout: .milliseconds(Int(timeout * 1000)))
        call.send(request)
        call.finishSending()
        var count = 0
        for try await _ in call.responses { count += 1 }
        return count
    }

    func run(_ clients: [GRPCClient]) async -> Result {
        let clock = ContinuousClock()
        let start = clock.now
        let end = duration.map { start + .milliseconds(Int($0 * 1000)) }
        final class Counters: Sendable {
            let issued = Atomic(0)
            let completed = Atomic(0)
        }
        let counters = Counters()
        let progress =
            isatty(2) != 0
            ? Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    let elapsed = clock.now - start
                    let seconds = elapsed.seconds
                    FileHandle.standardError.write(
                        Data(
                            "\r\(Int(seconds)) s  \(counters.completed.load(ordering: .relaxed)) calls  \(Int(Double(counters.completed.load(ordering: .relaxed)) / seconds)) calls/s   "
                                .utf8))
                }
            } : nil
        // With a rate, worker w sends at start + (w + k × workers) / rate for k = 0, 1, ...
        let interval = rate.map { Duration.nanoseconds(Int64(1e9 / $0)) }
        var total = await withTaskGroup(of: Result.self) { group in
            for worker in 0..<workers {
                let client = clients[worker % clients.count]
                // On the client's loop: the call, its answer and the next call never change threads.
                group.addTask(executorPreference: client.loop) {
                    var result = Result()
                    var due = start + (interval.map { $0 * worker } ?? .zero)
                    var next = worker % payloads.count
                    while true {
                        if let end, clock.now >= end { break }
                        if let requests, counters.issued.add(1, ordering: .relaxed).newValue > requests { break }
                        if interval != nil {
                            if due > clock.now { try? await Task.sleep(until: due, clock: clock) }
                            if let end, clock.now >= end { break }
                        }
                        let begin = interval == nil ? clock.now : due
                        let request = payloads[next]
                        next = (next + workers) % payloads.count
                        do {
                            if serverStreaming {
                                result.messages += try await streamCall(client, request)
                            } else {
                                _ = try await client.unary(path, request, timeout: .milliseconds(Int(timeout * 1000)))
                            }
                            let elapsed = clock.now - begin
                            result.histogram.record(UInt64(max(0, elapsed.nanoseconds)))
                            counters.completed.add(1, ordering: .relaxed)
                        } catch {
                            let status = RPCError.from(error)
                            result.errors[status.code, default: 0] += 1
                            if result.firstErrors[status.code] == nil {
                                result.firstErrors[status.code] = status.message
                            }
                        }
                        if let interval { due += interval * workers }
                    }
                    return result
                }
            }
            return await group.reduce(into: Result()) { $0.add($1) }
        }
        progress?.cancel()
        if progress != nil { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        let elapsed = clock.now - start
        total.seconds = elapsed.seconds
        return total
    }
}
