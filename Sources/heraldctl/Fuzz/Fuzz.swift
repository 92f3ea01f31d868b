import API
import ArgumentParser
import Codec
import Foundation
import HeraldCore
import RPC
import Synchronization
import TypedClients

/// `heraldctl fuzz HOST:PORT --seeds FILE`: mutation fuzzing of a running service over gRPC.
struct Fuzz: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Send mutated requests to a running service; fail on a crash, an unanswered call, UNKNOWN, INTERNAL or UNIMPLEMENTED.",
        discussion: """
            The seeds file holds valid requests, one JSON object per line: {"method": "pkg.Service/Method", "request": \
            {proto3 JSON}, "save": {"NAME": "response.path"}, "expect": "CODE"}. They are sent first, in order, and \
            must succeed (or end with `expect`); `save` keeps a value of the response (e.g. a created id) for later \
            seeds, which name it as $NAME, as do --var values. Then each mutant is a seed's encoding damaged by one to \
            four mutations (bit flips, insertions, deletions, truncation, fields repeated or dropped, tags, varints and \
            lengths made wrong, payloads spliced), sent with a deadline. A call must be answered within --timeout \
            (one retry with ten times as long tells a slow machine from a hang), with a status other than UNKNOWN, \
            INTERNAL, UNIMPLEMENTED, CANCELLED or DATA_LOSS; the process named by --pid must stay alive. Every failure \
            prints its reproducer: --seed S --only N sends that mutant again.
            """)

    @Argument(help: "The server, HOST:PORT.") var endpoint: Endpoint
    @Option(help: "The seeds file (JSON lines).") var seeds: String
    @Option(help: "Mutants to send.") var mutants = 10_000
    @Option(help: "The random seed (default: from the clock; printed).") var seed: UInt64?
    @Option(help: "Send only the mutant with this number (a reproducer).") var only: Int?
    @Option(help: "Calls in flight.") var concurrency = 16
    @Option(help: "Seconds a call may take before it counts as unanswered.") var timeout = 1.0
    @Option(help: "The service's process id: its death is a failure.") var pid: Int32?
    @Option(parsing: .singleValue, help: "NAME=VALUE for $NAME in the seeds (repeatable).") var `var`: [String] = []
    @Option(help: "Stop after this many failures.") var maxFailures = 20

    func run() async throws {
        let seed = self.seed ?? UInt64(Date().timeIntervalSince1970 * 1000)
        let client = GRPCClient(host: endpoint.host, port: endpoint.port, connections: 4)
        defer { client.close() }
        var variables: [String: String] = [:]
        for assignment in `var` {
            guard let equals = assignment.firstIndex(of: "=") else {
                throw ValidationError("--var expects NAME=VALUE, got \(assignment)")
            }
            variables[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
        }
        let requests = try await FuzzSeeds.load(seeds, variables: variables, client: client, timeout: timeout * 10)
        let target = FuzzTarget(client: client, timeout: timeout, pid: pid)
        let started = ContinuousClock.now
        let range = only.map { $0..<($0 + 1) } ?? 0..<mutants
        let outcome = await target.run(
            range, requests: requests, seed: seed, concurrency: concurrency, maxFailures: maxFailures)
        let seconds = (ContinuousClock.now - started).seconds
        let methods = Set(requests.map(\.method.path)).count
        let codes = outcome.codes.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print(
            "fuzz \(endpoint.host):\(endpoint.port): \(outcome.sent) mutants of \(requests.count) seeds (\(methods) methods), seed \(seed), "
                + "in \(String(format: "%.1f", seconds)) s (\(Int(Double(outcome.sent) / max(seconds, 0.001)))/s): \(codes)"
        )
        if outcome.slow > 0 {
            print("fuzz: \(outcome.slow) calls answered only on their retry (a loaded machine, not a hang)")
        }
        for slow in outcome.slowest where slow.seconds > timeout / 4 {
            print(
                "slow: mutant \(slow.index) of \(slow.method) took \(String(format: "%.2f", slow.seconds)) s: \(slow.steps.joined(separator: "; "))"
            )
        }
        for failure in outcome.failures {
            print(
                """
                FAILED mutant \(failure.index) of \(failure.method) (seed request \(failure.seedIndex)): \(failure.problem)
                  mutations: \(failure.steps.joined(separator: "; "))
                  request: \(failure.bytes.count) bytes, base64 \(Data(failure.bytes.prefix(192)).base64EncodedString())\(failure.bytes.count > 192 ? "…" : "")
                  reproduce: heraldctl fuzz \(endpoint.host):\(endpoint.port) --seeds \(seeds) --seed \(seed) --only \(failure.index)
                """)
        }
        if outcome.crashed { print("FAILED: the service's process \(pid.map(String.init) ?? "") is gone") }
        if !outcome.failures.isEmpty || outcome.crashed { throw ExitCode.failure }
    }
}

/// A seed: a valid request of one method, encoded.
struct FuzzRequest: Sendable {
    let method: APIMethodPath
    let bytes: [UInt8]
}

/// What the fuzzer needs of a method.
struct APIMethodPath: Sendable {
    let path: String
    let serverStreaming: Bool
}

enum FuzzSeeds {
    /// Reads the seeds file, sends each seed in order (they must succeed, or end with their `expect`), and returns
    /// their encodings with every $NAME replaced.
    static func load(_ file: String, variables initial: [String: String], client: GRPCClient, timeout: Double)
        async throws -> [FuzzRequest]
    {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            printError("heraldctl fuzz: cannot read \(file)")
            throw ExitCode.failure
        }
        var variables = initial
        var requests: [FuzzRequest] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = rawLine.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            let place = "\(file):\(number + 1)"
            var line = trimmed
            for (name, value) in variables { line = line.replacingOccurrences(of: "$" + name, with: value) }
            let entry: JSONValue
            do {
                entry = try JSONValue.parse(line)
            } catch {
                printError("heraldctl fuzz: \(place): \(error)")
                throw ExitCode.failure
            }
            guard case .string(let name) = entry.member("method"), let request = entry.member("request") else {
                printError(
                    "heraldctl fuzz: \(place): expected {\"method\": \"pkg.Service/Method\", \"request\": {...}}")
                throw ExitCode.failure
            }
            let method = try APIMethod.named(name, command: "fuzz")
            let bytes: [UInt8]
            do {
                bytes = try method.request(request)
            } catch {
                printError("heraldctl fuzz: \(place): bad request JSON: \(error)")
                throw ExitCode.failure
            }
            let expected =
                entry.member("expect").flatMap {
                    if case .string(let code) = $0 { StatusCode(name: code) } else { nil }
                } ?? .ok
            let outcome = await FuzzTarget.call(
                client, APIMethodPath(path: method.path, serverStreaming: method.serverStreaming), bytes,
                timeout: timeout)
            guard outcome.code == expected else {
                printError(
                    "heraldctl fuzz: \(place): the seed \(name) must end with \(expected), got \(outcome.code): \(outcome.message)"
                )
                throw ExitCode.failure
            }
            if case .object(let saves) = entry.member("save") ?? .null, let response = outcome.response {
                let json = try method.response(response)
                for (variable, path) in saves {
                    guard case .string(let path) = path, let value = json.at(path: path)?.scalarText else {
                        printError("heraldctl fuzz: \(place): the response has no \(path) to save as \(variable)")
                        throw ExitCode.failure
                    }
                    variables[variable] = value
                }
            }
            requests.append(
                FuzzRequest(
                    method: APIMethodPath(path: method.path, serverStreaming: method.serverStreaming), bytes: bytes))
        }
        guard !requests.isEmpty else {
            printError("heraldctl fuzz: \(file) holds no seed")
            throw ExitCode.failure
        }
        return requests
    }
}

/// Sends mutants and judges the answers.
struct FuzzTarget: Sendable {
    let client: GRPCClient
    let timeout: Double
    let pid: Int32?

    struct Failure: Sendable {
        let index: Int
        let seedIndex: Int
        let method: String
        let steps: [String]
        let bytes: [UInt8]
        let problem: String
    }

    /// A mutant that took long to answer (reported, so that a slow path is found before it becomes a hang).
    struct Slow: Sendable {
        let index: Int
        let method: String
        let seconds: Double
        let steps: [String]
    }

    struct Outcome: Sendable {
        var sent = 0
        /// The slowest answers, slowest first.
        var slowest: [Slow] = []
        var codes: [String: Int] = [:]
        var failures: [Failure] = []
        var slow = 0
        var crashed = false
    }

    /// Statuses a service never owes a client, whatever it sent.
    static let failing: Set<StatusCode> = [.unknown, .internal, .unimplemented, .cancelled, .dataLoss]

    /// What the workers share.
    final class Progress: Sendable {
        let state = Mutex(Outcome())
        let next: Mutex<Int>
        init(from start: Int) { next = Mutex(start) }
    }

    func run(_ range: Range<Int>, requests: [FuzzRequest], seed: UInt64, concurrency: Int, maxFailures: Int) async
        -> Outcome
    {
        let progress = Progress(from: range.lowerBound)
        let donors = requests.map(\.bytes)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, concurrency) {
                group.addTask {
                    while true {
                        let going = progress.state.withLock { !$0.crashed && $0.failures.count < maxFailures }
                        let index: Int? = progress.next.withLock { value in
                            guard value < range.upperBound, going else { return nil }
                            defer { value += 1 }
                            return value
                        }
                        guard let index else { return }
                        var mutator = Mutator(
                            random: SeededRandom(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15))
                        let seedIndex = Int(mutator.random.next() % UInt64(requests.count))
                        let request = requests[seedIndex]
                        let (bytes, steps) = mutator.mutate(request.bytes, donors: donors)
                        let started = ContinuousClock.now
                        var outcome = await Self.call(client, request.method, bytes, timeout: timeout)
                        var slow = false
                        if outcome.code == .deadlineExceeded {
                            // Once more with ten times as long: a loaded machine answers then, a hang does not.
                            outcome = await Self.call(client, request.method, bytes, timeout: timeout * 10)
                            slow = outcome.code != .deadlineExceeded
                        }
                        let problem: String? =
                            switch outcome.code {
                            case .deadlineExceeded: "no answer within \(timeout * 10) s"
                            case .unavailable: isAlive ? nil : "the service's process died"
                            case let code where Self.failing.contains(code): "\(code): \(outcome.message)"
                            default: nil
                            }
                        let seconds = (ContinuousClock.now - started).seconds
                        progress.state.withLock { s in
                            s.sent += 1
                            if s.slowest.count < 5 || seconds > s.slowest[s.slowest.count - 1].seconds {
                                s.slowest.append(
                                    Slow(index: index, method: request.method.path, seconds: seconds, steps: steps))
                                s.slowest.sort { $0.seconds > $1.seconds }
                                if s.slowest.count > 5 { s.slowest.removeLast() }
                            }
                            s.codes["\(outcome.code)", default: 0] += 1
                            if slow { s.slow += 1 }
                            if outcome.code == .unavailable && !isAlive { s.crashed = true }
                            if let problem {
                                s.failures.append(
                                    Failure(
                                        index: index, seedIndex: seedIndex, method: request.method.path, steps: steps,
                                        bytes: bytes, problem: problem))
                            }
                        }
                    }
                }
            }
        }
        var outcome = progress.state.withLock { $0 }
        if !isAlive { outcome.crashed = true }
        return outcome
    }

    private var isAlive: Bool { pid.map { kill($0, 0) == 0 } ?? true }

    struct CallOutcome: Sendable {
        let code: StatusCode
        let message: String
        /// The response (unary) or first response message (server streaming).
        let response: [UInt8]?
    }

    /// One call: a unary call, or a server-streaming call until its first message (then cancelled).
    static func call(_ client: GRPCClient, _ method: APIMethodPath, _ bytes: [UInt8], timeout: Double) async
        -> CallOutcome
    {
        let deadline = Duration.milliseconds(Int(timeout * 1000))
        do {
            if !method.serverStreaming {
                let response = try await client.unary(method.path, bytes, timeout: deadline)
                return CallOutcome(code: .ok, message: "", response: response.message)
            }
            let call = client.stream(method.path, timeout: deadline)
            call.send(bytes)
            call.finishSending()
            defer { call.cancel() }
            for try await message in call.responses { return CallOutcome(code: .ok, message: "", response: message) }
            return CallOutcome(code: .ok, message: "", response: nil)
        } catch {
            let status = RPCError.from(error)
            return CallOutcome(code: status.code, message: status.message, response: nil)
        }
    }
}

extension JSONValue {
    /// An object's member, or nil.
    func member(_ key: String) -> JSONValue? { members.first { $0.0 == key }?.1 }

    /// The value at a dotted path (`campaign.id`, `items.0.id`).
    func at(path: String) -> JSONValue? {
        var current: JSONValue? = self
        for step in path.split(separator: ".") {
            if case .array(let items) = current, let index = Int(step) {
                current = items.indices.contains(index) ? items[index] : nil
            } else {
                current = current?.member(String(step))
            }
        }
        return current
    }

    /// A string or number as text; nil for anything else.
    var scalarText: String? {
        switch self {
        case .string(let text), .number(let text): text
        default: nil
        }
    }
}
