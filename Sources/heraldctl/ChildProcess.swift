import Foundation

/// A child process started with posix_spawn and reaped by a thread of its own blocked in waitpid.
///
/// Foundation's `Process` never reaped children in heraldctl's async main (they stayed zombies and no
/// termination handler ran), so the supervisor and the cluster script use this instead.
final class ChildProcess: Sendable {
    enum Output: Sendable {
        case discard
        case inherit
        /// Each line of stdout and stderr, without its newline, from a reader thread.
        case lines(@Sendable (String) -> Void)
    }

    /// How a process ended.
    enum Termination: Sendable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        var description: String {
            switch self {
            case .exited(let status): "exited with status \(status)"
            case .signalled(let number): "killed by signal \(number)"
            }
        }
    }

    let pid: pid_t

    private init(pid: pid_t) { self.pid = pid }

    static func spawn(_ executable: String, _ arguments: [String], environment: [String: String], output: Output) throws
        -> ChildProcess
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var pipe: [Int32] = [-1, -1]
        switch output {
        case .discard:
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        case .inherit:
            break
        case .lines:
            guard Foundation.pipe(&pipe) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
            posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
            posix_spawn_file_actions_adddup2(&actions, pipe[1], 2)
            posix_spawn_file_actions_addclose(&actions, pipe[0])
            posix_spawn_file_actions_addclose(&actions, pipe[1])
        }
        // The child starts with default signal handling and nothing blocked, whatever this process set up.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGINT, SIGTERM, SIGCHLD, SIGPIPE] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for item in argv { free(item) }
            for item in envp { free(item) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        if case .lines = output { close(pipe[1]) }
        guard status == 0 else {
            if case .lines = output { close(pipe[0]) }
            throw POSIXError(.init(rawValue: status) ?? .EIO)
        }
        if case .lines(let line) = output {
            let fd = pipe[0]
            Thread.detachNewThread { readLines(fd, line) }
        }
        return ChildProcess(pid: pid)
    }

    /// Calls `handler` once the process has ended (from the reaping thread).
    func onExit(_ handler: @escaping @Sendable (Termination) -> Void) {
        let pid = self.pid
        Thread.detachNewThread {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as functions.
            let signal = status & 0x7f
            handler(signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal))
        }
    }

    /// Waits for the process to end.
    func wait() async -> Termination {
        await withCheckedContinuation { continuation in onExit { continuation.resume(returning: $0) } }
    }

    func signal(_ number: Int32) { kill(pid, number) }

    var isRunning: Bool { kill(pid, 0) == 0 }

    private static func readLines(_ fd: Int32, _ line: @Sendable (String) -> Void) {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            buffer.append(contentsOf: chunk[..<count])
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                line(String(decoding: buffer[..<newline], as: UTF8.self))
                buffer.removeSubrange(...newline)
            }
        }
        if !buffer.isEmpty { line(String(decoding: buffer, as: UTF8.self)) }
        close(fd)
    }
}
