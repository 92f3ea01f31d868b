// Codec benchmark: encode and decode of a realistic Campaign and a small CampaignEvent, in ns/op and
// mallocs/op, side by side: Herald's codec, swift-protobuf's generated Swift, protobuf-c's generated C.
import API
import CGenerated
import CMallocCounter
import Codec
import Foundation
import SwiftProtobuf
import SwiftProtobufGenerated

@inline(never) func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }

/// One implementation of one operation: `run(n)` does it `n` times and returns nanoseconds per operation.
struct Contender {
    let name: String
    let run: (Int) throws -> Double

    /// A Swift body, timed here.
    init(_ name: String, swift body: @escaping () throws -> Void) {
        self.name = name
        run = { n in
            let start = ContinuousClock.now
            for _ in 0..<n { try body() }
            let elapsed = ContinuousClock.now - start
            return (Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9) / Double(n)
        }
    }

    /// A C loop that times itself.
    init(_ name: String, c run: @escaping (Int) -> Double) {
        self.name = name
        self.run = run
    }
}

/// What the rounds measured of one operation: each contender's ns/op per round, and its mallocs per operation.
struct Rounds {
    let names: [String]
    /// `times[i]`: the ns/op of contender i in each round.
    let times: [[Double]]
    let mallocs: [Double]

    func median(_ i: Int) -> Double { Self.median(times[i]) }

    /// How many times faster contender `a` is than `b`: the median of the per-round ratios, and their range.
    func ratio(_ a: Int, over b: Int) -> (median: Double, low: Double, high: Double) {
        let ratios = zip(times[a], times[b]).map { $1 / $0 }.sorted()
        return (Self.median(ratios), ratios.first!, ratios.last!)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}

/// Runs every contender once per round, in an order that rotates from round to round, so that what the machine
/// does meanwhile (another process, frequency changes) falls on all of them alike; a ratio is taken within each
/// round. Single runs on a shared 2-core machine swing by a third; the median of the rounds holds still.
func interleave(_ contenders: [Contender], iterations: Int, rounds: Int) throws -> Rounds {
    var mallocs: [Double] = []
    for contender in contenders {  // warm-up, and the allocation count
        _ = try contender.run(iterations / 10)
        let before = malloc_counter_read()
        _ = try contender.run(iterations / 10)
        mallocs.append(Double(malloc_counter_read() - before) / Double(iterations / 10))
    }
    var times = [[Double]](repeating: [], count: contenders.count)
    for round in 0..<rounds {
        for k in 0..<contenders.count {
            let i = (k + round) % contenders.count
            times[i].append(try contenders[i].run(iterations))
        }
    }
    return Rounds(names: contenders.map(\.name), times: times, mallocs: mallocs)
}

func report(_ label: String, _ rounds: Rounds) {
    print("\n\(label)")
    print("  " + "implementation".padding(toLength: 44, withPad: " ", startingAt: 0) + "  median ns/op   range ns/op   mallocs/op")
    for i in rounds.names.indices {
        let sorted = rounds.times[i].sorted()
        print(
            "  " + rounds.names[i].padding(toLength: 44, withPad: " ", startingAt: 0)
                + String(format: "%14.0f  %6.0f-%-6.0f %10.1f", rounds.median(i), sorted.first!, sorted.last!, rounds.mallocs[i]))
    }
}

let registry = HeraldAPI.registry
let campaignType = registry.message("herald.campaigns.v1.Campaign")!
let eventType = registry.message("herald.analytics.v1.CampaignEvent")!
let iterationScale = Int(ProcessInfo.processInfo.environment["BENCH_SCALE"] ?? "1") ?? 1

let rounds = Int(ProcessInfo.processInfo.environment["BENCH_ROUNDS"] ?? "9") ?? 9

func run<Value, Generated: SwiftProtobuf.Message>(
    name: String, type: MessageType, value: Value, iterations: Int, generated: Generated.Type,
    descriptor: UnsafePointer<ProtobufCMessageDescriptor>, write: @escaping (Value, MessageBuilder) -> Void,
    read: @escaping (MessageView) -> Value
) throws -> (encode: Rounds, decode: Rounds, size: Int) {
    let bytes = try type.encode { write(value, $0) }
    let prebuilt = try Generated(serializedBytes: bytes)
    let theirs: [UInt8] = try prebuilt.serializedBytes()
    // Map entries may come in another order, so compare sizes, then what each side reads back.
    guard theirs.count == bytes.count else {
        fatalError("\(name): swift-protobuf encodes \(theirs.count) bytes, Herald \(bytes.count)")
    }
    let encode = try interleave(
        [
            Contender("herald: Swift values -> bytes", swift: { blackHole(try type.encode { write(value, $0) }) }),
            Contender("swift-protobuf: generated struct -> bytes", swift: { blackHole(try prebuilt.serializedBytes() as [UInt8]) }),
            Contender("protobuf-c generated C: C struct -> bytes", c: { n in
                bytes.withUnsafeBufferPointer { cgen_encode_ns(descriptor, $0.baseAddress, $0.count, n) }
            }),
        ], iterations: iterations, rounds: rounds)
    let decode = try interleave(
        [
            Contender("herald: bytes -> Swift values", swift: { blackHole(try type.decode(bytes) { read($0) }) }),
            Contender("herald: bytes -> view (validated C struct)", swift: { blackHole(try type.decode(bytes) { $0.has(1) }) }),
            Contender("swift-protobuf: bytes -> generated struct", swift: { blackHole(try Generated(serializedBytes: bytes)) }),
            Contender("protobuf-c generated C: bytes -> C struct", c: { n in
                bytes.withUnsafeBufferPointer { cgen_decode_ns(descriptor, $0.baseAddress, $0.count, n) }
            }),
        ], iterations: iterations, rounds: rounds)
    return (encode, decode, bytes.count)
}

// BENCH_PROFILE=encode|decode|event-encode|event-decode: only Herald's side of one measurement, for a profiler.
if let profile = ProcessInfo.processInfo.environment["BENCH_PROFILE"] {
    let value = CampaignValue.realistic()
    let bytes = try campaignType.encode { CampaignMapper.write(value, into: $0) }
    let event = EventValue()
    let eventBytes = try eventType.encode { EventValue.write(event, into: $0) }
    for _ in 0..<(100_000 * iterationScale) {
        switch profile {
        case "encode": blackHole(try campaignType.encode { CampaignMapper.write(value, into: $0) })
        case "decode": blackHole(try campaignType.decode(bytes) { CampaignMapper.read($0) })
        case "event-encode": for _ in 0..<50 { blackHole(try eventType.encode { EventValue.write(event, into: $0) }) }
        default: for _ in 0..<50 { blackHole(try eventType.decode(eventBytes) { EventValue.read($0) }) }
        }
    }
    exit(0)
}

let campaign = try run(
    name: "Campaign", type: campaignType, value: CampaignValue.realistic(), iterations: 20_000 * iterationScale,
    generated: Herald_Campaigns_V1_Campaign.self, descriptor: cgen_campaign_descriptor(), write: CampaignMapper.write, read: CampaignMapper.read)
let event = try run(
    name: "CampaignEvent", type: eventType, value: EventValue(), iterations: 400_000 * iterationScale,
    generated: Herald_Analytics_V1_CampaignEvent.self, descriptor: cgen_event_descriptor(), write: EventValue.write, read: EventValue.read)

report("Campaign (30-node workflow, \(campaign.size) bytes): encode", campaign.encode)
report("Campaign: decode", campaign.decode)
report("CampaignEvent (\(event.size) bytes): encode", event.encode)
report("CampaignEvent: decode", event.decode)

/// The spread line of a ratio, and its `ratio` line for the end of the run.
func ratio(_ what: String, _ value: (median: Double, low: Double, high: Double), atLeast target: Double) -> String {
    print(String(format: "  %@: %.2f (median of %d rounds, %.2f-%.2f)", what, value.median, rounds, value.low, value.high))
    return String(format: "ratio %@: %.2f (target >= %g)", what, value.median, target)
}

/// Herald's time over C's (lower is better), median and range of the rounds.
func overC(_ what: String, _ value: (median: Double, low: Double, high: Double), atMost target: Double) -> String {
    let (median, low, high) = (1 / value.median, 1 / value.high, 1 / value.low)
    print(String(format: "  %@: %.2f (median of %d rounds, %.2f-%.2f)", what, median, rounds, low, high))
    return String(format: "ratio %@: %.2f (target <= %g)", what, median, target)
}

print("\nhow many times faster Herald is (swift-protobuf), and Herald's time over protobuf-c's C, per round")
var lines: [String] = []
for (label, result) in [("Campaign", campaign), ("CampaignEvent", event)] {
    lines.append(ratio("\(label) encode vs swift-protobuf", result.encode.ratio(0, over: 1), atLeast: 2))
    lines.append(overC("\(label) encode / protobuf-c", result.encode.ratio(0, over: 2), atMost: 1.5))
    lines.append(ratio("\(label) decode to Swift values vs swift-protobuf", result.decode.ratio(0, over: 2), atLeast: 2))
    lines.append(overC("\(label) decode to a validated view / protobuf-c", result.decode.ratio(1, over: 3), atMost: 1.5))
}
print("")
for line in lines { print(line) }
