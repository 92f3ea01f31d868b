import Foundation
import HeraldCore
import TestSupport
import Testing

/// A Python grpcio client of Tests/ServiceTests/Python (generated from Protos/ at run time) against a service on
/// `port`, acting as `user` (on `campaign`, for the services that need one): it prints "ok: N checks" and exits 0, or names the failed check.
func runPolyglotClient(
    _ script: String, port: Int, user: String, campaign: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let python = try #require(
        TestEnvironment.python(), "tools/test prepares the Python environment", sourceLocation: sourceLocation)
    let result = try await runBlocking {
        try runProcess(
            python,
            [
                TestEnvironment.root.appendingPathComponent("Tests/ServiceTests/Python/\(script)").path, "--protos",
                TestEnvironment.root.appendingPathComponent("Protos").path, "--target", "127.0.0.1:\(port)", "--user",
                user,
            ] + (campaign.map { ["--campaign", $0] } ?? []))
    }
    #expect(result.status == 0, "\(result.stdoutText)\(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stdoutText.hasPrefix("ok: "), "\(result.stdoutText)", sourceLocation: sourceLocation)
}
