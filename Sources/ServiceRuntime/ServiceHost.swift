import API
import EventLoop
import Foundation
import HeraldCore
import Logging
import Observability
import Postgres
import RPC
import Synchronization

/// What every platform service process does around its own handlers: flags, configuration, JSON logs, the
/// database pool, the gRPC server with health and reflection, readiness once the database answers, the admin
/// port, and a graceful stop on SIGTERM/SIGINT (a `ServiceGroup`).
///
///     campaign-manager [--port N] [--host H] [--config FILE] [--admin_port N]
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

    /// A service's handlers, what it checks and starts once the database answers, and what to do before the
    /// process exits.
    public struct Served: Sendable {
        public let services: ServiceRegistry
        /// Runs once the database answers, before the service says it is ready: checks of stored state (a
        /// `ConfigError` stops the process with status 78, saying why; any other error is retried) and background
        /// work to start.
        public let whenReady: @Sendable () async throws -> Void
        public let shutdown: @Sendable () async -> Void

        /// (`shutdown` comes first, so that a trailing closure is the shutdown, as it always was.)
        public init(
            _ services: ServiceRegistry, shutdown: @escaping @Sendable () async -> Void = {},
            whenReady: @escaping @Sendable () async throws -> Void = {}
        ) {
            self.services = services
            self.whenReady = whenReady
            self.shutdown = shutdown
        }
    }

    /// Runs service `name` (a process name of `HeraldAPI.platformServices`) with the handlers `setup` makes, until
    /// SIGTERM or SIGINT; then drains and exits 0. A bad flag or configuration exits non-zero first, saying why.
    public static func run(
        _ name: String, arguments: [String] = CommandLine.arguments, _ setup: (Context) throws -> Served
    ) -> Never {
        ServiceGroup.unblockStopSignals()
        guard let serviceName = HeraldAPI.platformServices[name] else { fail(name, "not a platform service") }
        let flags = Flags(name, Array(arguments.dropFirst()))
        let config: HeraldConfig
        do {
            config = try HeraldConfig.load(path: flags.config)
        } catch {
            fail(name, "\(error)", code: 78)
        }
        HeraldLogging.bootstrap(service: name, level: config.logLevel)
        let logger = Logger(label: "herald.\(name)")
        let port = flags.port ?? config.services[name]?.port ?? 0
        let pool = PostgresPool(.init(config, service: name), logger: Logger(label: "herald.\(name).postgres"))
        let served: Served
        do {
            served = try setup(Context(config: config, pool: pool, logger: logger))
        } catch let error as ConfigError {
            fail(name, "\(error)", code: 78)
        } catch {
            fail(name, "\(error)")
        }
        let health = HealthService(services: [serviceName])
        health.setStatus(.notServing)
        health.setStatus(.notServing, for: serviceName)
        let server = startServer(
            name, serviceName, served.services, health: health, host: flags.host, port: port, config: config,
            logger: logger)
        watchLoops(logger)
        let adminPort = flags.adminPort ?? (port == 0 ? 0 : config.services[name]?.adminPort ?? 0)
        let admin = startAdmin(
            host: flags.host, port: adminPort, ready: { health.status(of: serviceName) == .serving }, logger: logger)
        // Both ports accept connections before anyone is told where they are.
        FileHandle.standardOutput.write(Data("\(name) listening on \(flags.host):\(server.port)\n".utf8))
        if let admin { FileHandle.standardOutput.write(Data("\(name) admin on \(flags.host):\(admin.port)\n".utf8)) }
        becomeReady(when: pool, answers: health, serviceName, then: served.whenReady, name: name, logger: logger)

        let group = ServiceGroup()
        if let tls = server.configuration.tls {
            group.onReload {
                do {
                    try tls.reload()
                    logger.info("TLS certificate reloaded")
                } catch {
                    logger.error("TLS certificate not reloaded", metadata: ["error": "\(error)"])
                }
            }
        }
        group.onShutdown("stop saying ready") { health.shutdown() }
        group.onShutdown("drain the gRPC server") { await server.shutdown(grace: .seconds(5)) }
        group.onShutdown("stop the service") { await served.shutdown() }
        group.onShutdown("close the pool") { pool.close() }
        group.handleSignals()
        Task {
            await group.run()
            exit(0)
        }
        dispatchMain()
    }

    /// The gRPC server with the service's handlers, health, reflection of its own API, calls counted by method and
    /// status, and TLS from the configuration; listening when this returns.
    static func startServer(
        _ name: String, _ serviceName: String, _ handlers: ServiceRegistry, health: HealthService, host: String,
        port: Int,
        config: HeraldConfig, logger: Logger
    ) -> GRPCServer {
        var services = handlers
        health.register(in: &services)
        let reflected = [
            serviceName, "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection",
        ]
        ReflectionService(
            messages: HeraldAPI.messages, enums: HeraldAPI.enums,
            services: HeraldAPI.services.filter { reflected.contains($0.fullName) },
            registry: HeraldAPI.registry
        ).register(in: &services)
        services.intercept { context, proceed in
            do {
                try await proceed()
                Metrics.shared.increment("herald_rpc_server_handled_total", ["method": context.path, "code": "OK"])
            } catch {
                Metrics.shared.increment(
                    "herald_rpc_server_handled_total", ["method": context.path, "code": "\(RPCError.from(error).code)"])
                throw error
            }
        }
        Metrics.shared.describe("herald_rpc_server_handled_total", "Calls answered, by method and gRPC status.")
        Metrics.shared.describe(
            "herald_rpc_server_calls_reset_total", "Calls reset because their status could not be sent.")
        var configuration = GRPCServer.Configuration(host: host, port: port)
        if let tls = config.tls {
            do {
                configuration.tls = try TLSContext(
                    certificateChainFile: tls.certificateFile, privateKeyFile: tls.keyFile,
                    clientCAFile: tls.clientCAFile)
            } catch {
                fail(name, "TLS: \(error)", code: 78)
            }
        }
        let server = GRPCServer(configuration, services: services)
        do {
            try server.start()
        } catch {
            fail(name, "cannot listen on \(host):\(port): \(error)")
        }
        logger.info(
            "listening", metadata: ["host": "\(host)", "port": "\(server.port)", "tls": "\(config.tls != nil)"])
        return server
    }

    /// A blocking call on an event loop stalls every connection, timer and task on it: say so when it happens.
    static func watchLoops(_ logger: Logger) {
        Metrics.shared.describe(
            "herald_event_loop_stalls_total", "Times an event loop did not turn for a second or more.")
        _ = LoopWatchdog(loops: EventLoopGroup.shared.loops) { loop, stalled, resumed in
            let milliseconds = "\(stalled.milliseconds)"
            if resumed {
                logger.warning(
                    "event loop turns again", metadata: ["loop": "\(loop.name)", "stalled_ms": "\(milliseconds)"])
            } else {
                logger.warning(
                    "event loop stalled: a blocking call on it?",
                    metadata: ["loop": "\(loop.name)", "for_ms": "\(milliseconds)"])
                Metrics.shared.increment("herald_event_loop_stalls_total", ["loop": loop.name])
            }
        }
    }

    /// The admin port: /metrics, /healthz, /readyz (ready while `ready` says so), listening when this returns; nil
    /// when it cannot listen (logged: the service still serves gRPC). Port 0 picks a free one.
    static func startAdmin(host: String, port: Int, ready: @escaping @Sendable () -> Bool, logger: Logger)
        -> AdminServer?
    {
        let admin = AdminServer(ready: ready)
        let started = DispatchSemaphore(value: 0)
        let failure = Mutex<(any Error)?>(nil)
        Task {
            do {
                try await admin.start(host: host, port: port)
            } catch {
                failure.withLock { $0 = error }
            }
            started.signal()
        }
        started.wait()  // the main thread, before it serves: no loop or pool thread waits here
        if let error = failure.withLock({ $0 }) {
            logger.error("no admin port", metadata: ["error": "\(error)"])
            return nil
        }
        logger.info("admin port", metadata: ["port": "\(admin.port)"])
        return admin
    }

    /// Ready once the database answers and the service's own checks pass; until then health says NOT_SERVING and
    /// callers go elsewhere. A configuration the checks refuse stops the process (status 78).
    static func becomeReady(
        when pool: PostgresPool, answers health: HealthService, _ serviceName: String,
        then check: @escaping @Sendable () async throws -> Void, name: String, logger: Logger
    ) {
        Task {
            var delay = 100
            while true {
                do {
                    try await pool.query("SELECT 1")
                    try await check()
                    health.setStatus(.serving)
                    health.setStatus(.serving, for: serviceName)
                    logger.info("serving")
                    return
                } catch let error as ConfigError {
                    logger.critical("refusing to serve", metadata: ["error": "\(error)"])
                    fail(name, "\(error)", code: 78)
                } catch {
                    logger.warning("not ready yet", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .milliseconds(delay))
                    delay = min(delay * 2, 5000)
                }
            }
        }
    }

    /// `--name value` and `--name=value`, for the flags ServiceHost knows.
    struct Flags {
        var port: Int?
        var host = "127.0.0.1"
        var config: String?
        var adminPort: Int?

        init(_ program: String, _ arguments: [String]) {
            let usage = "usage: \(program) [--port N] [--host H] [--config FILE] [--admin_port N]"
            var i = 0
            while i < arguments.count {
                let argument = arguments[i]
                guard argument.hasPrefix("--") else { fail(program, "unexpected argument \(argument); \(usage)") }
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
                switch name {
                case "port", "admin_port":
                    guard let number = Int(value), (0...65535).contains(number) else {
                        fail(program, "--\(name): expected 0-65535, got \(value)")
                    }
                    if name == "port" { port = number } else { adminPort = number }
                case "host": host = value
                case "config": config = value
                default: fail(program, "unknown flag --\(name); \(usage)")
                }
                i += 1
            }
        }
    }

    static func fail(_ program: String, _ message: String, code: Int32 = 2) -> Never {
        FileHandle.standardError.write(Data("\(program): \(message)\n".utf8))
        exit(code)
    }
}
