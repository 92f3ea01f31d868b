import Foundation
import Testing

/// What `tools/test` sets up for the suites: the repository, the built executables, the Python environment.
public enum TestEnvironment {
    /// The repository's root folder.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The folder of the built executables (`swift build --show-bin-path`).
    /// The key tests seal personal data with (`ENCRYPTION_KEY`, base64 of 32 bytes); never a real one.
    public static let encryptionKey = "dGVzdHMgb25seTogbm90IGEgcmVhbCBrZXkgISEhISE="

    public static var binDirectory: String {
        ProcessInfo.processInfo.environment["HERALD_BIN_DIR"] ?? root.appendingPathComponent(".build/debug").path
    }

    /// The Python of tools/test's venv (grpcio, protobuf, h2). Without it the test fails, not skips: a skipped
    /// polyglot test proves nothing.
    public static func python() -> String? {
        guard let python = ProcessInfo.processInfo.environment["HERALD_PYTHON"] else {
            Issue.record(
                "HERALD_PYTHON is not set: run the tests through tools/test, which prepares the Python environment")
            return nil
        }
        return python
    }
}
