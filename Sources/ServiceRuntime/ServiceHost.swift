import API
import EventLoop
import Foundation
import Observability
import HeraldCore
import Logging
import Postgres
import RPC

/// What every platform service process does around its own handlers: flags, configuration, JSON logs, the
/// database pool, the gRPC server with health and reflection, readiness once the database answers, and a
/// graceful stop on SIGTERM/SIGINT.
///
///     campaign-manager [--port N] [--host H] [--config FILE]
///
/// The port defaults to the service's port in the configuration; `--port 0` picks a free one. The process prints
/// `NAME listening on HOST:PORT` on stdout once it accepts connections.
public enum ServiceHost {
    /// What a service's setup gets to build its handlers from.
    public struct Context: Sendable {
        public let config: HeraldConfig
        public let pool: PostgresPool
        public let logger: Logger
    }

    /// A service's handlers, and what to do before the process exits.
    public struct Served: Sendable {
        public let services: ServiceRegistry
        public let shutdown: @Sendable () async -> Void
        public init(_ services: ServiceRegistry, shutdown: @escaping @Sendable () async -> Void = {}) {
            self.services = services
            self.shutdown = shutdown
        }
    }

    public static func run(_ name: String, arguments: [String] = CommandLine.arguments, _ setup: (Context) throws -> Served) -> Never {
        GRPCServer.unblockStopSignals()
        guard let serviceName = HeraldAPI.platformServices[name] else { fail(name, "not a platform service") }
        let flags = parseFlags(name, Array(arguments.dropFirst()))
        let config: HeraldConfig
        do {
            config = try HeraldConfig.load(path: flags["config"])
        } catch {
            fail(name, "\(error)", code: 78)
        }
        HeraldLogging.bootstrap(service: name, level: config.logLevel)
        let logger = Logger(label: "herald.\(name)")
        let port = flags["port"].map { Int($0) ?? -1 } ?? config.services[name]?.port ?? 0
        guard (0...65535).contains(port) else { fail(name, "--port: expected 0-65535, got \(flags["port"]!)") }
        let host = flags["host"] ?? "127.0.0.1"

        let pool = PostgresPool(.init(config, service: name), logger: Logger(label: "herald.\(name).postgres"))
        let served: Served
        do {
            served = try setup(Context(config: config, pool: pool, logger: logger))
        } catch {
            fail(name, "\(error)")
        }
        var services = served.services
        let health = HealthService(services: [serviceName])
        health.setStatus(.notServing)
        health.setStatus(.notServing, for: serviceName)
        health.register(in: &services)
        let reflected = [serviceName, "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"]
        ReflectionService(
            messages: HeraldAPI.messages, enums: HeraldAPI.enums, services: HeraldAPI.services.filter { reflected.contains($0.fullName) },
            registry: HeraldAPI.registry
        ).register(in: &services)

        // Every call counted by method and status, for /metrics.
        services.intercept { context, proceed in
            do {
                try await proceed()
                Metrics.shared.increment("herald_rpc_server_handled_total", ["method": context.path, "code": "OK"])
            } catch {
                Metrics.shared.increment("herald_rpc_server_handled_total", ["method": context.path, "code": "\(RPCError.from(error).code)"])
                throw error
            }
        }
        Metrics.shared.describe("herald_rpc_server_handled_total", "Calls answered, by method and gRPC status.")
        var serverConfiguration = GRPCServer.Configuration(host: host, port: port)
        if let tls = config.tls {
            do {
                serverConfiguration.tls = try TLSContext(
                    certificateChainFile: tls.certificateFile, privateKeyFile: tls.keyFile, clientCAFile: tls.clientCAFile)
            } catch {
                fail(name, "TLS: \(error)", code: 78)
            }
        }
        let server = GRPCServer(serverConfiguration, services: services)
        do {
            try server.start()
        } catch {
            fail(name, "cannot listen on \(host):\(port): \(error)")
        }
        logger.info("listening", metadata: ["host": "\(host)", "port": "\(server.port)", "tls": "\(config.tls != nil)"])
        // A blocking call on an event loop stalls every connection, timer and task on it: say so when it happens.
        Metrics.shared.describe("herald_event_loop_stalls_total", "Times an event loop did not turn for a second or more.")
        _ = LoopWatchdog(loops: EventLoopGroup.shared.loops) { loop, stalled, resumed in
            let milliseconds = "\(stalled.milliseconds)"
            if resumed {
                logger.warning("event loop turns again", metadata: ["loop": "\(loop.name)", "stalled_ms": "\(milliseconds)"])
            } else {
                logger.warning("event loop stalled: a blocking call on it?", metadata: ["loop": "\(loop.name)", "for_ms": "\(milliseconds)"])
                Metrics.shared.increment("herald_event_loop_stalls_total", ["loop": loop.name])
            }
        }
        FileHandle.standardOutput.write(Data("\(name) listening on \(host):\(server.port)\n".utf8))
        // The admin port: /metrics, /healthz, /readyz (ready while health says SERVING). With --port 0 it is free too.
        let adminPort = flags["admin_port"].flatMap { Int($0) } ?? (port == 0 ? 0 : config.services[name]?.adminPort ?? 0)
        let admin = AdminServer { health.status(of: serviceName) == .serving }
        Task {
            do {
                try await admin.start(host: host, port: adminPort)
                logger.info("admin port", metadata: ["port": "\(admin.port)"])
                FileHandle.standardOutput.write(Data("\(name) admin on \(host):\(admin.port)\n".utf8))
            } catch {
                logger.error("no admin port", metadata: ["error": "\(error)"])
            }
        }
        // Ready once the database answers; until then health says NOT_SERVING and callers go elsewhere.
        Task {
            var delay = 100
            while true {
                do {
                    try await pool.query("SELECT 1")
                    health.setStatus(.serving)
                    health.setStatus(.serving, for: serviceName)
                    logger.info("serving")
                    return
                } catch {
                    logger.warning("database not reachable yet", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .milliseconds(delay))
                    delay = min(delay * 2, 5000)
                }
            }
        }
        GRPCServer.serveUntilStopped(server, health: health) {
            await served.shutdown()
            pool.close()
        }
    }

    /// `--name value` and `--name=value`, for the flags ServiceHost knows.
    static func parseFlags(_ program: String, _ arguments: [String]) -> [String: String] {
        let known: Set<String> = ["port", "host", "config", "admin_port"]
        var flags: [String: String] = [:]
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            guard argument.hasPrefix("--") else { fail(program, "unexpected argument \(argument); usage: \(program) [--port N] [--host H] [--config FILE]") }
            var name = String(argument.dropFirst(2))
            var value: String
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            } else {
                guard i + 1 < arguments.count else { fail(program, "--\(name) needs a value") }
                i += 1
                value = arguments[i]
            }
            guard known.contains(name) else { fail(program, "unknown flag --\(name); known: --port, --host, --config, --admin_port") }
            flags[name] = value
            i += 1
        }
        return flags
    }

    static func fail(_ program: String, _ message: String, code: Int32 = 2) -> Never {
        FileHandle.standardError.write(Data("\(program): \(message)\n".utf8))
        exit(code)
    }
}
