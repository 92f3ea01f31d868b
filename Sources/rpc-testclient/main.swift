// rpc-testclient: gRPC's interop client with gRPC's flag names.
//   rpc-testclient --server_host 127.0.0.1 --server_port 10000 --test_case large_unary[,ping_pong...|all]
import Foundation
import Interop
import RPC

let options = InteropFlags(program: "rpc-testclient", known: ["server_host", "server_port", "test_case", "use_tls"])
let port = options.port("server_port", in: 1...65535)
let requested = options["test_case"] ?? "all"
let cases = requested == "all"
    ? InteropClient.cases + InteropClient.compressionCases : requested.split(separator: ",").map(String.init)
let client = InteropClient(client: GRPCClient(host: options["server_host"] ?? "127.0.0.1", port: port))
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
