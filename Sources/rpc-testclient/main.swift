// rpc-testclient: gRPC's interop client with gRPC's flag names.
//   rpc-testclient --server_host 127.0.0.1 --server_port 10000 --test_case large_unary[,ping_pong...|all]
import Foundation
import Interop
import RPC

var options: [String: String] = [:]
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    guard argument.hasPrefix("--") else {
        FileHandle.standardError.write(Data("rpc-testclient: unexpected argument \(argument)\n".utf8))
        exit(2)
    }
    let flag = argument.dropFirst(2)
    if let equals = flag.firstIndex(of: "=") {
        options[String(flag[..<equals])] = String(flag[flag.index(after: equals)...])
    } else {
        options[String(flag)] = arguments.next() ?? ""
    }
}
for name in options.keys where !["server_host", "server_port", "test_case", "use_tls"].contains(name) {
    FileHandle.standardError.write(Data("rpc-testclient: unknown flag --\(name)\n".utf8))
    exit(2)
}
guard let port = Int(options["server_port"] ?? ""), (1...65535).contains(port) else {
    FileHandle.standardError.write(Data("rpc-testclient: --server_port needs a port number\n".utf8))
    exit(2)
}
if options["use_tls"] == "true" {
    FileHandle.standardError.write(Data("rpc-testclient: TLS is not implemented yet\n".utf8))
    exit(2)
}
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
