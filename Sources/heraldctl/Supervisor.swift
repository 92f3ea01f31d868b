import Foundation
import Synchronization

/// Runs platform service processes, prefixes their output with their names, and restarts any that dies with
/// exponential backoff (100 ms doubling to 5 s; back to 100 ms once a process has stayed up for 30 s).
final class Supervisor: Sendable {
    struct Program: Sendable {
        let name: String
        let executable: String
        let arguments: [String]
    }

    private struct Child {
        var process: ChildProcess?
        var restarts = 0
        var startedAt = Date()
        var delay = 0.1
    }

    private let programs: [Program]
    private let environment: [String: String]
    private let children = Mutex<[String: Child]>([:])
    private let stopping = Atomic(false)
    private let output = Mutex(())

    init(programs: [Program], environment: [String: String]) {
        self.programs = programs
        self.environment = environment
    }

    func startAll() {
        for program in programs { start(program) }
    }

    private func start(_ program: Program) {
        guard !stopping.load(ordering: .acquiring) else { return }
        let prefix = "[\(program.name)] "
        do {
            let process = try ChildProcess.spawn(
                program.executable, program.arguments, environment: environment,
                output: .lines { [weak self] line in self?.say(prefix + line) })
            children.withLock { children in
                var child = children[program.name] ?? Child()
                child.process = process
                child.startedAt = Date()
                children[program.name] = child
            }
            process.onExit { [weak self] termination in self?.exited(program, termination.description) }
        } catch {
            exited(program, "failed to start (\(error))")
        }
    }

    private func exited(_ program: Program, _ how: String) {
        guard !stopping.load(ordering: .acquiring) else { return }
        let delay = children.withLock { children -> Double in
            var child = children[program.name] ?? Child()
            if Date().timeIntervalSince(child.startedAt) > 30 { child.delay = 0.1 }
            let delay = child.delay
            child.delay = min(child.delay * 2, 5)
            child.restarts += 1
            child.process = nil
            children[program.name] = child
            return delay
        }
        say("[heraldctl] \(program.name) \(how); restarting in \(Int(delay * 1000)) ms")
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [weak self] in self?.start(program) }
    }

    /// SIGTERM to every child, then SIGKILL to any still running after `grace`.
    func stopAll(grace: Duration = .seconds(10)) async {
        stopping.store(true, ordering: .releasing)
        let running = children.withLock { $0.values.compactMap(\.process) }
        for process in running { process.signal(SIGTERM) }
        let deadline = ContinuousClock.now + grace
        while running.contains(where: \.isRunning) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        for process in running where process.isRunning { process.signal(SIGKILL) }
    }

    /// One line on stdout, whole (lines of several children never mix).
    func say(_ line: String) {
        output.withLock { _ in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
    }
}
