// rpc-testserver: gRPC's interop TestService, Herald's Bench/Echo and health, over h2c.
//   rpc-testserver --port 19000 [--host 127.0.0.1] [--unix_socket PATH]   (gRPC's flag style: --flag value or --flag=value)
import EventLoop
import Foundation
import Interop
import RPC

// A parent (a test runner, a supervisor) may have blocked SIGTERM/SIGINT; a server must still stop on them.
GRPCServer.unblockStopSignals()

let options = InteropFlags(program: "rpc-testserver", known: ["port", "host", "use_tls", "unix_socket"])
let port = options.port("port", absent: "0", in: 0...65535)
let health = HealthService(services: ["grpc.testing.TestService", "herald.bench.v1.Bench", "grpc.health.v1.Health"])
let server = GRPCServer(
    .init(host: options["host"] ?? "127.0.0.1", port: port, unixSocketPath: options["unix_socket"]),
    services: InteropServices.registry(health: health))
do {
    try server.start()
} catch {
    FileHandle.standardError.write(Data("rpc-testserver: \(error)\n".utf8))
    exit(1)
}
FileHandle.standardOutput.write(Data("rpc-testserver listening on \(options["host"] ?? "127.0.0.1"):\(server.port)\n".utf8))
// SIGTERM / SIGINT: health goes NOT_SERVING, GOAWAY to every client, calls in flight get 5 seconds, exit 0.
GRPCServer.serveUntilStopped(server, health: health)
