// herald-bench-campaigns: a closed-loop load generator for campaign-manager. Every call's status is checked, so
// a failing call is counted as an error and never as throughput.
//   herald-bench-campaigns get|create --target HOST:PORT --user USER_ID [--connections 4] [--concurrency 16] [--seconds 10]
// Prints requests_per_second=, p50_us=, p99_us=, errors=.
import API
import Codec
import Foundation
import RPC
import Synchronization

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("herald-bench-campaigns: \(message)\n".utf8))
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard let mode = arguments.first, ["get", "create"].contains(mode) else { fail("usage: herald-bench-campaigns get|create --target HOST:PORT --user ID") }
arguments.removeFirst()
var options: [String: String] = [:]
while arguments.count >= 2 {
    options[String(arguments.removeFirst().dropFirst(2))] = arguments.removeFirst()
}
guard let target = options["target"], let colon = target.lastIndex(of: ":"), let port = Int(target[target.index(after: colon)...]) else {
    fail("--target HOST:PORT is required")
}
guard let user = options["user"] else { fail("--user USER_ID is required") }
let host = String(target[..<colon])
let connections = Int(options["connections"] ?? "4") ?? 4
let concurrency = Int(options["concurrency"] ?? "16") ?? 16
let seconds = Double(options["seconds"] ?? "10") ?? 10

let json = ProtoJSON(registry: HeraldAPI.registry)
let service = HeraldAPI.service("herald.campaigns.v1.CampaignManager")!
func request(_ method: String, _ text: String) -> (path: String, bytes: [UInt8]) {
    let schema = service.methods.first { $0.name == method }!
    do {
        return (service.path(schema), try HeraldAPI.registry.message(schema.input)!.encode(json.decode(text: text, as: schema.input)))
    } catch {
        fail("cannot encode \(method): \(error)")
    }
}

// The campaign the spec's example would hold: two channels, a five-node workflow with a condition and a delay.
let definition = """
    {"name": "Benchmark campaign", "type": "CAMPAIGN_TYPE_ONE_TIME",
     "channels": ["NOTIFICATION_CHANNEL_EMAIL", "NOTIFICATION_CHANNEL_SMS"],
     "targetSegments": ["3f0e7a2c-1111-4222-8333-944455556666"],
     "workflow": {"nodes": [
        {"id": "start", "type": "NODE_TYPE_START"},
        {"id": "mail", "type": "NODE_TYPE_MESSAGE", "config": {"message": {"channel": "NOTIFICATION_CHANNEL_EMAIL",
          "content": {"subject": "Hi {{first_name}}", "body": "Welcome to the benchmark"}}}},
        {"id": "wait", "type": "NODE_TYPE_DELAY", "config": {"delay": {"duration": "3600s"}}},
        {"id": "sms", "type": "NODE_TYPE_MESSAGE", "config": {"message": {"channel": "NOTIFICATION_CHANNEL_SMS",
          "content": {"body": "Still there?"}}}},
        {"id": "end", "type": "NODE_TYPE_END"}],
      "edges": [{"source": "start", "target": "mail"}, {"source": "mail", "target": "wait"},
                {"source": "wait", "target": "sms"}, {"source": "sms", "target": "end"}]},
     "schedule": {"type": "SCHEDULE_TYPE_IMMEDIATE", "timezone": "Europe/Paris"},
     "budget": {"total": 1000, "currency": "EUR"}, "goals": [{"metric": "open_rate", "target": 0.3}],
     "tags": ["bench"], "metadata": {"team": "perf"}}
    """
let create = request("CreateCampaign", "{\"createdBy\": \"\(user)\", \"campaign\": \(definition)}")
let clients = (0..<connections).map { _ in GRPCClient(host: host, port: port) }

// GetCampaign reads one campaign made for the purpose.
var call = create
if mode == "get" {
    let response: GRPCClient.Response
    do {
        response = try await clients[0].unary(create.path, create.bytes, timeout: .seconds(10))
    } catch {
        fail("CreateCampaign failed: \(error)")
    }
    let id = try HeraldAPI.registry.message("herald.campaigns.v1.CreateCampaignResponse")!.decode(response.message) { $0.message(1)!.string(1) }
    call = request("GetCampaign", "{\"campaignId\": \"\(id)\"}")
}
let work = call

/// Latencies in microseconds and error count, per worker, merged at the end.
let results = Mutex<(latencies: [Int], errors: Int, firstError: String?)>(([], 0, nil))
let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
let clock = ContinuousClock()
let started = clock.now
await withTaskGroup(of: Void.self) { group in
    for worker in 0..<(connections * concurrency) {
        let client = clients[worker % connections]
        group.addTask {
            var latencies: [Int] = []
            latencies.reserveCapacity(100_000)
            var errors = 0
            var firstError: String?
            while clock.now < deadline {
                let begin = clock.now
                do {
                    _ = try await client.unary(work.path, work.bytes, timeout: .seconds(10))
                    let elapsed = clock.now - begin
                    latencies.append(Int(elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000))
                } catch {
                    errors += 1
                    if firstError == nil { firstError = "\(error)" }
                }
            }
            results.withLock {
                $0.latencies += latencies
                $0.errors += errors
                if $0.firstError == nil { $0.firstError = firstError }
            }
        }
    }
}
let elapsed = clock.now - started
let total = results.withLock { $0 }
let sorted = total.latencies.sorted()
func percentile(_ p: Double) -> Int { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print("requests_per_second=\(Int(Double(sorted.count) / wall))")
print("p50_us=\(percentile(0.5))")
print("p99_us=\(percentile(0.99))")
print("errors=\(total.errors)")
if let first = total.firstError { FileHandle.standardError.write(Data("first error: \(first)\n".utf8)) }
for client in clients { client.close() }
