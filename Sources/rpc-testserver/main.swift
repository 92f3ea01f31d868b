// rpc-testserver: gRPC's interop TestService, Herald's Bench/Echo and health, over h2c.
//   rpc-testserver --port 19000 [--host 127.0.0.1] [--unix_socket PATH]   (gRPC's flag style: --flag value or --flag=value)
//     [--max_connections_per_peer N] [--first_stream_timeout_ms N] [--idle_timeout_ms N] [--keepalive_time_ms N]
//     [--keepalive_timeout_ms N] [--min_ping_interval_ms N] [--max_connection_age_ms N] [--handshake_timeout_ms N]
//     [--preface_timeout_ms N] [--header_timeout_ms N]   (Herald's connection limits)
//     [--use_tls=true --tls_cert_file F --tls_key_file F [--client_ca_file F]]   (TLS; mutual TLS with a client CA)
import EventLoop
import Foundation
import Interop
import RPC
import ServiceRuntime

// A parent (a test runner, a supervisor) may have blocked SIGTERM/SIGINT; a server must still stop on them.
ServiceGroup.unblockStopSignals()

let options = InteropFlags(
    program: "rpc-testserver",
    known: [
        "port", "host", "use_tls", "unix_socket", "max_connections_per_peer", "first_stream_timeout_ms",
        "idle_timeout_ms",
        "keepalive_time_ms", "keepalive_timeout_ms", "min_ping_interval_ms", "max_connection_age_ms",
        "handshake_timeout_ms",
        "preface_timeout_ms", "header_timeout_ms", "tls_cert_file",
        "tls_key_file", "client_ca_file",
    ])
let port = options.port("port", absent: "0", in: 0...65535)
let health = HealthService(services: ["grpc.testing.TestService", "herald.bench.v1.Bench", "grpc.health.v1.Health"])
var configuration = GRPCServer.Configuration(
    host: options["host"] ?? "127.0.0.1", port: port, unixSocketPath: options["unix_socket"])
// Herald's own flags (not gRPC's) for the abuse-resistance tests.
if let value = options["max_connections_per_peer"].flatMap({ Int($0) }) {
    configuration.limits.maxConnectionsPerPeer = value
}
if let value = options["first_stream_timeout_ms"].flatMap({ Int($0) }) {
    configuration.limits.firstStreamTimeout = .milliseconds(value)
}
if let value = options["idle_timeout_ms"].flatMap({ Int($0) }) {
    configuration.limits.idleTimeout = .milliseconds(value)
}
if let value = options["keepalive_time_ms"].flatMap({ Int($0) }) {
    configuration.limits.keepaliveTime = .milliseconds(value)
}
if let value = options["keepalive_timeout_ms"].flatMap({ Int($0) }) {
    configuration.limits.keepaliveTimeout = .milliseconds(value)
}
if let value = options["min_ping_interval_ms"].flatMap({ Int($0) }) {
    configuration.limits.minPingInterval = .milliseconds(value)
}
if let value = options["max_connection_age_ms"].flatMap({ Int($0) }) {
    configuration.limits.maxConnectionAge = .milliseconds(value)
}
if let value = options["handshake_timeout_ms"].flatMap({ Int($0) }) {
    configuration.limits.handshakeTimeout = .milliseconds(value)
}
if let value = options["preface_timeout_ms"].flatMap({ Int($0) }) {
    configuration.limits.prefaceTimeout = .milliseconds(value)
}
if let value = options["header_timeout_ms"].flatMap({ Int($0) }) {
    configuration.limits.headerTimeout = .milliseconds(value)
}
if options["use_tls"] == "true" {
    guard let certificate = options["tls_cert_file"], let key = options["tls_key_file"] else {
        FileHandle.standardError.write(
            Data("rpc-testserver: --use_tls=true needs --tls_cert_file and --tls_key_file\n".utf8))
        exit(2)
    }
    do {
        configuration.tls = try TLSContext(
            certificateChainFile: certificate, privateKeyFile: key, clientCAFile: options["client_ca_file"])
    } catch {
        FileHandle.standardError.write(Data("rpc-testserver: \(error)\n".utf8))
        exit(2)
    }
}
let server = GRPCServer(configuration, services: InteropServices.registry(health: health))
do {
    try server.start()
} catch {
    FileHandle.standardError.write(Data("rpc-testserver: \(error)\n".utf8))
    exit(1)
}
FileHandle.standardOutput.write(
    Data("rpc-testserver listening on \(options["host"] ?? "127.0.0.1"):\(server.port)\n".utf8))
// SIGTERM / SIGINT: health goes NOT_SERVING, GOAWAY to every client, calls in flight get 5 seconds, exit 0. SIGHUP
// reads the TLS certificate again.
let group = ServiceGroup()
if let tls = server.configuration.tls {
    group.onReload {
        do {
            try tls.reload()
            FileHandle.standardError.write(Data("TLS certificate reloaded\n".utf8))
        } catch {
            FileHandle.standardError.write(Data("TLS certificate not reloaded: \(error)\n".utf8))
        }
    }
}
group.onShutdown("stop saying ready") { health.shutdown() }
group.onShutdown("drain") { await server.shutdown(grace: .seconds(5)) }
group.handleSignals()
Task {
    await group.run()
    exit(0)
}
dispatchMain()
