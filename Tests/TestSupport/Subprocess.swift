import Foundation
import Synchronization

/// What a finished program printed.
public struct ProcessOutput: Sendable {
    public let status: Int32
    public let stdout: [UInt8]
    public let stderr: String
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs a program to completion with `input` on its standard input, as the tests' real peers (protoc, Python,
/// heraldctl) are run.
public func runProcess(
    _ executable: String, _ arguments: [String], input: [UInt8] = [], environment: [String: String] = [:],
    directory: URL? = nil
) throws -> ProcessOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    if let directory { process.currentDirectoryURL = directory }
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    // Write and read concurrently, so that neither side blocks on a full pipe.
    let writer = Thread {
        stdin.fileHandleForWriting.write(Data(input))
        try? stdin.fileHandleForWriting.close()
    }
    writer.start()
    let errors = ErrorCollector(stderr.fileHandleForReading)
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessOutput(status: process.terminationStatus, stdout: Array(output), stderr: errors.text())
}

/// Drains a pipe on its own thread.
// unchecked: `data` is written by the reader thread before `done` signals
private final class ErrorCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }.start()
    }

    func text() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}

/// A server the tests start and stop.
// unchecked: the Process is only touched by the test that owns it
public final class RunningProcess: @unchecked Sendable {
    public let process: Process
    private let output: FileHandle

    /// Starts `executable` (with `environment` added to this process's) and waits for its first line of output
    /// (servers print their port there).
    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        output = pipe.fileHandleForReading
        try process.run()
    }

    /// What the process printed after its first line, read as it comes: a process whose output nobody read would
    /// block once the pipe is full (a supervisor printing a crashing child's backtraces did, and never stopped).
    private final class Rest: Sendable {
        let data = Mutex(Data())
        let drained = DispatchSemaphore(value: 0)
    }
    private let rest = Rest()
    private var draining = false

    /// The first line the process printed (blocking until it does, or until it exits); the rest is read from then on.
    public func firstLine() -> String {
        var line = Data()
        while true {
            let chunk = output.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
            if line.contains(0x0A) { break }
        }
        let newline = line.firstIndex(of: 0x0A)
        if let newline { rest.data.withLock { $0.append(line[line.index(after: newline)...]) } }
        if !draining {
            draining = true
            // Not holding `self`, so that a process its test forgot to stop is still stopped by `deinit`.
            Thread.detachNewThread { [output, rest] in
                while case let chunk = output.availableData, !chunk.isEmpty { rest.data.withLock { $0.append(chunk) } }
                rest.drained.signal()
            }
        }
        return String(decoding: line[..<(newline ?? line.endIndex)], as: UTF8.self)
    }

    /// Stops the program (`grace` for it to exit after SIGTERM) and returns what it printed since the first line.
    public func remainingOutput(grace: Duration = .seconds(2)) -> String {
        stop(grace: grace)
        if draining {
            rest.drained.wait()
            rest.drained.signal()
            return String(decoding: rest.data.withLock { $0 }, as: UTF8.self)
        }
        return String(decoding: output.readDataToEndOfFile(), as: UTF8.self)
    }

    /// SIGTERM, then SIGKILL after `grace`: a child may inherit a signal mask that blocks SIGTERM.
    public func stop(grace: Duration = .seconds(2)) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}
