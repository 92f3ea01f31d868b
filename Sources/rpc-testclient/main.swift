// rpc-testclient: gRPC's interop client with gRPC's flag names.
//   rpc-testclient --server_host 127.0.0.1 --server_port 10000 --test_case large_unary[,ping_pong...|all]
//     [--use_tls=true --ca_file F [--server_host_override NAME] [--client_cert_file F --client_key_file F]]
//     [--use_service_client=true]   through Herald's service client library (balancing, retries of UNAVAILABLE,
//                                    breakers) instead of one plain connection
import Foundation
import Interop
import RPC
import Resilience
import ServiceClients

let options = InteropFlags(
    program: "rpc-testclient",
    known: [
        "server_host", "server_port", "test_case", "use_tls", "use_service_client", "ca_file", "server_host_override",
        "client_cert_file", "client_key_file",
    ])
let port = options.port("server_port", in: 1...65535)
let requested = options["test_case"] ?? "all"
let cases =
    requested == "all"
    ? InteropClient.cases + InteropClient.compressionCases : requested.split(separator: ",").map(String.init)
let host = options["server_host"] ?? "127.0.0.1"
var tls: TLSContext?
if options["use_tls"] == "true" {
    guard let ca = options["ca_file"] else {
        FileHandle.standardError.write(Data("rpc-testclient: --use_tls=true needs --ca_file\n".utf8))
        exit(2)
    }
    do {
        tls = try TLSContext(
            caFile: ca, serverName: options["server_host_override"] ?? host,
            certificateChainFile: options["client_cert_file"],
            privateKeyFile: options["client_key_file"])
    } catch {
        FileHandle.standardError.write(Data("rpc-testclient: \(error)\n".utf8))
        exit(2)
    }
}
let channel: any RPCChannel
if options["use_service_client"] == "true" {
    var configuration = ServiceClientConfiguration(endpoints: [(host, port)])
    configuration.retry = RetryPolicy(
        maxAttempts: 5, initialBackoff: .milliseconds(100), maxBackoff: .seconds(1), backoffMultiplier: 2,
        retryableCodes: [.unavailable])
    channel = ServiceClient(target: "interop", configuration)
} else {
    channel = GRPCClient(host: host, port: port, tls: tls)
}
let client = InteropClient(client: channel)
var failures = 0
for name in cases {
    do {
        try await client.run(name)
        print("PASS \(name)")
    } catch {
        failures += 1
        print("FAIL \(name): \(error)")
    }
}
exit(failures == 0 ? 0 : 1)
