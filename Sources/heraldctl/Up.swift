import ArgumentParser
import Foundation
import HeraldCore
import Postgres
import RPC

/// Where `heraldctl up` keeps its state: the cluster, its port, and the pid of the running `up`.
struct StateOptions: ParsableArguments {
    @Option(name: .long, help: "State directory (cluster data, pid file).")
    var stateDir = ".herald"

    var pidFile: String { stateDir + "/up.pid" }
}

/// `heraldctl up`: the embedded PostgreSQL cluster, migrations, and every built service, supervised.
struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start the local platform: PostgreSQL under .herald/, migrations, and every service that is built.",
        discussion: """
            Each service is restarted with backoff if it dies; its output is prefixed with its name. Ctrl-C (or \
            `heraldctl down`) stops the services gracefully, then the cluster.
            """)

    @OptionGroup var options: ConfigOptions
    @OptionGroup var state: StateOptions

    @Option(name: .long, help: "Use this database instead of the embedded cluster.")
    var databaseURL: String?

    @Option(name: .long, help: "Directory of NNNN_name.sql files.")
    var migrations = "Migrations"

    func run() async throws {
        var config = try options.load()
        try FileManager.default.createDirectory(atPath: state.stateDir, withIntermediateDirectories: true)
        if let pid = Self.runningPid(state.pidFile) {
            printError("heraldctl up: already running (pid \(pid)); `heraldctl down` stops it")
            throw ExitCode.failure
        }
        let cluster = databaseURL == nil ? try await Self.startCluster(state.stateDir) : nil
        let url = databaseURL ?? cluster!.url
        var environment = ProcessInfo.processInfo.environment
        environment["HERALD_DATABASE_URL"] = url
        say("database \(url)")
        if try options.load(environment: environment).security.encryptionKey == nil {
            environment["ENCRYPTION_KEY"] = try Self.localEncryptionKey(state.stateDir)
        }
        config = try options.load(environment: environment)
        do {
            let connection = try await PostgresConnection.connect(
                .init(conninfo: url, connectTimeout: .seconds(10), applicationName: "heraldctl up"))
            let applied = try await Migrator(directory: migrations).migrate(connection)
            say("migrations: \(applied.count) applied")
        } catch {
            printError("heraldctl up: migrations failed: \(error)")
            if let cluster { await Self.stopCluster(cluster.data) }
            throw ExitCode.failure
        }

        let bin = Self.binDirectory
        let programs = HeraldConfig.knownServices.compactMap { service -> Supervisor.Program? in
            let executable = bin + "/" + service.name
            guard FileManager.default.isExecutableFile(atPath: executable) else { return nil }
            return .init(
                name: service.name, executable: executable, arguments: options.config.map { ["--config", $0] } ?? [])
        }
        try "\(getpid())\n".write(toFile: state.pidFile, atomically: true, encoding: .utf8)
        let stop = Self.stopSignals()
        let supervisor = Supervisor(programs: programs, environment: environment)
        supervisor.startAll()
        await withTaskGroup(of: Void.self) { group in
            for program in programs {
                let port = config.services[program.name]?.port ?? 0
                group.addTask {
                    let status = await Self.waitUntilServing(port: port, timeout: .seconds(60))
                    supervisor.say("[heraldctl] \(program.name.padding(24)) \(status) on 127.0.0.1:\(port)")
                }
            }
        }
        supervisor.say(
            programs.isEmpty
                ? "[heraldctl] no service is built yet; the database is migrated and serving at \(url)"
                : "[heraldctl] Herald is up: \(programs.count) service(s). Ctrl-C or `heraldctl down` stops it.")
        _ = await stop.first { _ in true }
        supervisor.say("[heraldctl] stopping")
        await supervisor.stopAll()
        if let cluster { await Self.stopCluster(cluster.data) }
        try? FileManager.default.removeItem(atPath: state.pidFile)
        supervisor.say("[heraldctl] stopped")
    }

    func say(_ text: String) { Self.say(text) }

    /// A line on stdout, written at once (not buffered: it interleaves with the services' lines in a pipe or log).
    static func say(_ text: String) { FileHandle.standardOutput.write(Data("[heraldctl] \(text)\n".utf8)) }

    /// Polls grpc.health.v1 until the server answers SERVING or `timeout` passes; the last answer.
    static func waitUntilServing(port: Int, timeout: Duration) async -> String {
        let deadline = ContinuousClock.now + timeout
        var last = "NOT RUNNING"
        while ContinuousClock.now < deadline {
            do {
                last = try await checkHealth(host: "127.0.0.1", port: port, timeout: 1)
                if last == "SERVING" { return last }
            } catch {
                last = "NOT RUNNING"
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return last
    }

    /// A stream that yields once SIGINT or SIGTERM arrives.
    static func stopSignals() -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            signalSources.append(source)
        }
        return stream
    }

    /// The folder heraldctl runs from, where `swift build` puts the service executables too.
    static var binDirectory: String {
        let me =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: me).deletingLastPathComponent().path
    }

    /// Starts (creating if needed) the cluster under `stateDir/pg` on the port kept in `stateDir/pg-port`.
    static func startCluster(_ stateDir: String) async throws -> (data: String, url: String) {
        let portFile = stateDir + "/pg-port"
        let port: Int
        if let text = try? String(contentsOfFile: portFile, encoding: .utf8),
            let saved = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            port = saved
        } else {
            port = try GRPCServer.freeLoopbackPort()
            try "\(port)\n".write(toFile: portFile, atomically: true, encoding: .utf8)
        }
        let data = URL(fileURLWithPath: stateDir + "/pg").standardizedFileURL.path
        say("starting PostgreSQL on 127.0.0.1:\(port) (data in \(stateDir)/pg)")
        let result = try await run(clusterScript, ["start", data, "\(port)"])
        guard result == 0 else {
            printError("heraldctl up: the PostgreSQL cluster did not start")
            throw ExitCode.failure
        }
        return (data, "postgresql://herald@127.0.0.1:\(port)/herald")
    }

    static func stopCluster(_ data: String) async {
        say("stopping PostgreSQL")
        _ = try? await run(clusterScript, ["stop", data])
    }

    static var clusterScript: String { "tools/lib/cluster" }

    /// Runs a program to completion, its output discarded; its exit status.
    static func run(_ executable: String, _ arguments: [String]) async throws -> Int32 {
        let process = try ChildProcess.spawn(
            executable, arguments, environment: ProcessInfo.processInfo.environment, output: .inherit)
        if case .exited(let status) = await process.wait() { return status }
        return -1
    }

    /// The key the local platform seals personal data with when none is configured: made once, kept beside the
    /// cluster (owner-only), since the data cannot be read without it.
    static func localEncryptionKey(_ stateDir: String) throws -> String {
        let file = stateDir + "/encryption-key"
        if let text = try? String(contentsOfFile: file, encoding: .utf8) {
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var key = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for i in key.indices { key[i] = generator.next() }
        let text = Data(key).base64EncodedString()
        guard
            FileManager.default.createFile(
                atPath: file, contents: Data((text + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw ValidationError("cannot write \(file)")
        }
        say("personal data encryption key made: \(file) (keep it with the cluster: the data cannot be read without it)")
        return text
    }

    /// The pid in `file` if that process is alive.
    static func runningPid(_ file: String) -> Int32? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), kill(pid, 0) == 0
        else { return nil }
        return pid
    }
}

/// Kept alive for the life of the process (a released dispatch source stops delivering).
nonisolated(unsafe) private var signalSources: [any DispatchSourceSignal] = []

/// `heraldctl down`: stops a running `heraldctl up` gracefully.
struct Down: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop the platform `heraldctl up` started (services, then the cluster).")

    @OptionGroup var state: StateOptions

    func run() async throws {
        guard let pid = Up.runningPid(state.pidFile) else {
            print("heraldctl down: not running")
            return
        }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(60)
        while kill(pid, 0) == 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        if kill(pid, 0) == 0 {
            printError("heraldctl down: heraldctl up (pid \(pid)) is still running after 60 s")
            throw ExitCode.failure
        }
        print("heraldctl down: stopped")
    }
}

/// `heraldctl status`: each service's health over grpc.health.v1.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Show each service's health (grpc.health.v1) at its configured port; exits 3 when a built service is not serving."
    )

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let config = try options.load()
        print("SERVICE                  PORT   STATUS")
        var allServing = true
        for service in HeraldConfig.knownServices {
            let port = config.services[service.name]?.port ?? service.port
            let built = FileManager.default.isExecutableFile(atPath: Up.binDirectory + "/" + service.name)
            var status = built ? "NOT RUNNING" : "not built yet"
            if let answer = try? await checkHealth(host: "127.0.0.1", port: port, timeout: 2) { status = answer }
            if built && status != "SERVING" { allServing = false }
            print("\(service.name.padding(24)) \(String(port).padding(6)) \(status)")
        }
        if !allServing { throw ExitCode(3) }
    }
}
