// rpc-testserver: gRPC's interop TestService, Herald's Bench/Echo and health, over h2c.
//   rpc-testserver --port 19000 [--host 127.0.0.1] [--unix_socket PATH]   (gRPC's flag style: --flag value or --flag=value)
import EventLoop
import Foundation
import Interop
import RPC

// A parent (a test runner, a supervisor) may have blocked SIGTERM/SIGINT; a server must still stop on them.
// Unblocked before any loop thread starts, so every thread inherits the mask.
var stopSignals = sigset_t()
sigemptyset(&stopSignals)
sigaddset(&stopSignals, SIGTERM)
sigaddset(&stopSignals, SIGINT)
pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)

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
let stopSignalsSources = [SIGTERM, SIGINT].map { number -> DispatchSourceSignal in
    signal(number, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: number)
    source.setEventHandler {
        health.shutdown()
        Task {
            await server.shutdown(grace: .seconds(5))
            exit(0)
        }
    }
    source.resume()
    return source
}
// Serve the main queue (the signal handlers' work lands there) until exit.
dispatchMain()
