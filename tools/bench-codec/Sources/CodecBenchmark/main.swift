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

struct Measurement {
    let nanoseconds: Double
    let mallocs: Double
}

/// Median of three timed runs of `iterations` calls, with the mallocs of the last run.
func measure(_ iterations: Int, _ body: () throws -> Void) rethrows -> Measurement {
    for _ in 0..<(iterations / 10) { try body() }
    var times: [Double] = []
    var mallocs = 0.0
    for _ in 0..<3 {
        let before = malloc_counter_read()
        let start = ContinuousClock.now
        for _ in 0..<iterations { try body() }
        let elapsed = ContinuousClock.now - start
        mallocs = Double(malloc_counter_read() - before) / Double(iterations)
        times.append((Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9) / Double(iterations))
    }
    return Measurement(nanoseconds: times.sorted()[1], mallocs: mallocs)
}

func cMeasure(_ iterations: Int, _ run: (Int) -> Double) -> Measurement {
    _ = run(iterations / 10)
    var times: [Double] = []
    var mallocs = 0.0
    for _ in 0..<3 {
        let before = malloc_counter_read()
        times.append(run(iterations))
        mallocs = Double(malloc_counter_read() - before) / Double(iterations)
    }
    return Measurement(nanoseconds: times.sorted()[1], mallocs: mallocs)
}

func report(_ label: String, _ rows: [(String, Measurement)]) {
    print("\n\(label)")
    print("  " + "implementation".padding(toLength: 44, withPad: " ", startingAt: 0) + "     ns/op   mallocs/op")
    for (name, m) in rows {
        print("  " + name.padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: "%10.0f %12.1f", m.nanoseconds, m.mallocs))
    }
}

let registry = HeraldAPI.registry
let campaignType = registry.message("herald.campaigns.v1.Campaign")!
let eventType = registry.message("herald.analytics.v1.CampaignEvent")!
let iterationScale = Int(ProcessInfo.processInfo.environment["BENCH_SCALE"] ?? "1") ?? 1

func run<Value, Generated: SwiftProtobuf.Message>(
    name: String, type: MessageType, value: Value, iterations: Int, generated: Generated.Type,
    descriptor: UnsafePointer<ProtobufCMessageDescriptor>, write: @escaping (Value, MessageBuilder) -> Void,
    read: @escaping (MessageView) -> Value
) throws -> (encode: [(String, Measurement)], decode: [(String, Measurement)], size: Int) {
    let bytes = try type.encode { write(value, $0) }
    let prebuilt = try Generated(serializedBytes: bytes)
    let theirs: [UInt8] = try prebuilt.serializedBytes()
    // Map entries may come in another order, so compare sizes, then what each side reads back.
    guard theirs.count == bytes.count else {
        fatalError("\(name): swift-protobuf encodes \(theirs.count) bytes, Herald \(bytes.count)")
    }
    let encode = [
        ("herald: Swift values -> bytes", try measure(iterations) { blackHole(try type.encode { write(value, $0) }) }),
        ("swift-protobuf: generated struct -> bytes", try measure(iterations) { blackHole(try prebuilt.serializedBytes() as [UInt8]) }),
        ("protobuf-c generated C: C struct -> bytes", cMeasure(iterations) { n in
            bytes.withUnsafeBufferPointer { cgen_encode_ns(descriptor, $0.baseAddress, $0.count, n) }
        }),
    ]
    let decode = [
        ("herald: bytes -> Swift values", try measure(iterations) { blackHole(try type.decode(bytes) { read($0) }) }),
        ("herald: bytes -> view (validated C struct)", try measure(iterations) { blackHole(try type.decode(bytes) { $0.has(1) }) }),
        ("swift-protobuf: bytes -> generated struct", try measure(iterations) { blackHole(try Generated(serializedBytes: bytes)) }),
        ("protobuf-c generated C: bytes -> C struct", cMeasure(iterations) { n in
            bytes.withUnsafeBufferPointer { cgen_decode_ns(descriptor, $0.baseAddress, $0.count, n) }
        }),
    ]
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

func ratio(_ rows: [(String, Measurement)], _ a: Int, _ b: Int) -> String {
    String(format: "%.2f", rows[b].1.nanoseconds / rows[a].1.nanoseconds)
}
print("\nratios (how many times faster herald is; below 1 means slower)")
for (label, result) in [("Campaign", campaign), ("CampaignEvent", event)] {
    print("  \(label) encode vs swift-protobuf: \(ratio(result.encode, 0, 1))   vs protobuf-c C: \(ratio(result.encode, 0, 2))")
    print("  \(label) decode to Swift values vs swift-protobuf: \(ratio(result.decode, 0, 2))   vs protobuf-c C: \(ratio(result.decode, 0, 3))")
    print("  \(label) decode to view vs protobuf-c C: \(ratio(result.decode, 1, 3))")
}
