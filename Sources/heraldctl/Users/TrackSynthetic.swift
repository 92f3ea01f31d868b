import ArgumentParser
import Codec
import Domain
import Foundation
import RPC
import Synchronization
import Synthetic

extension UsersCommand {
    /// `heraldctl users track-synthetic`: the synthetic population's activity (`SyntheticPopulation.activities`) sent
    /// with TrackUserActivities in batches, several calls in flight: for the demo, and the activity benchmark.
    struct TrackSynthetic: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Track the activity of imported synthetic users (users generate; users import), in batches.",
            discussion: """
                Users synthetic-0 ... synthetic-(COUNT-1) must have been imported with the same --seed. Prints the \
                events sent and stored, and events per second.
                """)
        @OptionGroup var options: Options
        @Option(help: "Users whose activity to send.") var count = 1000
        @Option(help: "Days of activity per user (ending at the population's epoch, shifted to now).") var days = 7
        @Option(help: "The population's seed.") var seed: UInt64 = 42
        @Option(help: "Activities per call (at most 10,000).") var batch = 1000
        @Option(help: "Calls in flight.") var concurrency = 4

        func run() async throws {
            let client = options.client()
            defer { client.close() }
            let ids = try await Self.ids(client, count: count)
            guard ids.count == count else {
                printError("heraldctl users track-synthetic: \(ids.count) of \(count) synthetic users are imported")
                throw ExitCode.failure
            }
            // The population's activity ends at its fixed epoch; shifted so that it ends now (inside retention).
            let source = ActivityBatches(
                population: SyntheticPopulation(seed: seed, count: count), ids: ids, days: days, end: Date(),
                batch: batch)
            let method = UserDirectoryAPI.trackUserActivities
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<max(1, concurrency) {
                    group.addTask {
                        while let activities = source.next() {
                            let request = try method.encodeRequest(TrackUserActivitiesRequest(activities))
                            let response = try await client.client.unary(method.path, request, timeout: .seconds(60))
                            source.record(
                                sent: activities.count, stored: Int(try method.decodeResponse(response.message).stored))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let (sent, stored) = source.totals.withLock { $0 }
            print(
                "tracked \(sent) events of \(count) users (\(stored) stored) in \(String(format: "%.2f", seconds)) s: "
                    + "\(Int(Double(sent) / seconds)) events/s")
        }

        /// The ids of users synthetic-0 ..< synthetic-count, by number (ExportUsers of the prefix).
        static func ids(_ client: ServiceCommandClient, count: Int) async throws -> [UUID] {
            var ids = [UUID?](repeating: nil, count: count)
            let method = UserDirectoryAPI.exportUsers
            let call = client.client.stream(method.path, timeout: .seconds(600))
            call.send(try method.encodeRequest(ExportUsersRequest(filter: UserFilter(externalIDPrefix: "synthetic-"))))
            call.finishSending()
            do {
                for try await message in call.responses {
                    for user in try method.decodeResponse(message).values {
                        if let number = Int(user.externalID.dropFirst("synthetic-".count)), number < count {
                            ids[number] = user.id
                        }
                    }
                }
            } catch let error as RPCError {
                throw client.failure(error)
            }
            return ids.compactMap { $0 }
        }
    }
}

/// The synthetic activity in batches, handed to several senders; what they sent and what was stored.
private final class ActivityBatches: Sendable {
    let population: SyntheticPopulation
    let ids: [UUID]
    let days: Int
    let end: Date
    let batch: Int
    private let state = Mutex<(next: Int, pending: [TrackedActivity])>((0, []))
    let totals = Mutex<(sent: Int, stored: Int)>((0, 0))

    init(population: SyntheticPopulation, ids: [UUID], days: Int, end: Date, batch: Int) {
        self.population = population
        self.ids = ids
        self.days = days
        self.end = end
        self.batch = batch
    }

    /// The next batch: activities of the next users until `batch` are gathered; nil once all are sent.
    func next() -> [TrackedActivity]? {
        state.withLock { state in
            while state.pending.count < batch && state.next < ids.count {
                let i = state.next
                state.next += 1
                state.pending += population.activities(of: i, days: days, end: end).map { TrackedActivity(ids[i], $0) }
            }
            guard !state.pending.isEmpty else { return nil }
            let taken = Array(state.pending.prefix(batch))
            state.pending.removeFirst(taken.count)
            return taken
        }
    }

    func record(sent: Int, stored: Int) {
        totals.withLock {
            $0.sent += sent
            $0.stored += stored
        }
    }
}
