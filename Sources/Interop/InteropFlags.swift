import Foundation

/// The command line of gRPC's interop programs: `--name value` or `--name=value`, only the names a program knows.
/// A bad command line stops the program with its name, what was wrong, and exit status 2.
public struct InteropFlags {
    public let program: String
    private var values: [String: String] = [:]

    public init(program: String, known: Set<String>, arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
        self.program = program
        var remaining = arguments.makeIterator()
        while let argument = remaining.next() {
            guard argument.hasPrefix("--") else { Self.fail(program, "unexpected argument \(argument)") }
            let flag = argument.dropFirst(2)
            if let equals = flag.firstIndex(of: "=") {
                values[String(flag[..<equals])] = String(flag[flag.index(after: equals)...])
            } else {
                values[String(flag)] = remaining.next() ?? ""
            }
        }
        for name in values.keys where !known.contains(name) { Self.fail(program, "unknown flag --\(name)") }
    }

    public subscript(name: String) -> String? { values[name] }

    /// The port named by `--name` (`absent` when the flag is not given), within `range`.
    public func port(_ name: String, absent: String = "", in range: ClosedRange<Int>) -> Int {
        guard let port = Int(values[name] ?? absent), range.contains(port) else {
            fail("--\(name) needs a port number")
        }
        return port
    }

    public func fail(_ message: String) -> Never { Self.fail(program, message) }

    private static func fail(_ program: String, _ message: String) -> Never {
        FileHandle.standardError.write(Data("\(program): \(message)\n".utf8))
        exit(2)
    }
}
