import Foundation
import HeraldCore
import RPC
import TestSupport
import Testing

/// Every call gets a definite status a client can read, however large the error its handler made: the status is
/// bounded where it is written, and a call whose headers cannot be sent is reset instead of left open.
@Suite("bounded statuses")
struct StatusBoundTests {
    struct ManyViolations: StatusConvertibleError {
        let count: Int
        var statusCode: StatusCode { .invalidArgument }
        var statusMessage: String { "many" }
        var fieldViolations: [FieldViolation] {
            (0..<count).map {
                FieldViolation(
                    field: "request.items[\($0)].channel",
                    description: "unknown value 99; expected EMAIL, SMS, PUSH or IN_APP")
            }
        }
    }

    func serve(_ configure: (inout ServiceRegistry) -> Void, _ body: (GRPCClient) async throws -> Void) async throws {
        LoopStalls.watch()
        var services = ServiceRegistry()
        configure(&services)
        let server = GRPCServer(.init(host: "127.0.0.1", port: 0), services: services)
        try server.start()
        defer { server.stop() }
        let client = GRPCClient(host: "127.0.0.1", port: server.port)
        defer { client.close() }
        try await body(client)
    }

    /// The call's error; records an issue if it succeeded.
    func failure(_ client: GRPCClient, _ path: String) async -> RPCError {
        do {
            _ = try await client.unary(path, [], timeout: .seconds(5))
            Issue.record("\(path) succeeded")
            return RPCError(.ok, "")
        } catch {
            return RPCError.from(error)
        }
    }

    @Test(
        "any number of field violations: the first that fit, then one saying how many more, within gRPC core's 8 KiB",
        arguments: [1, 10, 40, 400, 100_000])
    func violations(count: Int) async throws {
        try await serve({ $0.unary("/t.S/Bad") { _, _ in throw ManyViolations(count: count) } }) { client in
            let error = await failure(client, "/t.S/Bad")
            #expect(error.code == .invalidArgument)
            #expect(error.message.hasPrefix("request.items[0].channel: unknown value 99"))
            #expect(error.message.utf8.count <= StatusLimits.messageBytes)
            let violations = error.fieldViolations
            #expect(
                violations.first
                    == FieldViolation(
                        field: "request.items[0].channel",
                        description: "unknown value 99; expected EMAIL, SMS, PUSH or IN_APP"))
            if count <= 10 {
                #expect(violations.count == count && !error.message.contains("more"))
            } else {
                let shown = violations.count - 1
                #expect(shown >= 5, "as many as fit: \(shown)")
                #expect(error.message.hasSuffix("; and \(count - shown) more"))
                #expect(
                    violations.last
                        == FieldViolation(field: "", description: "\(count - shown) more invalid fields not listed"))
            }
            let details = try #require(error.details)
            #expect(error.message.utf8.count + (details.count * 4 + 2) / 3 < 6 << 10)
        }
    }

    @Test("a huge message is cut and huge details dropped: the code still arrives")
    func hugeError() async throws {
        let message = String(repeating: "é", count: 100_000)
        try await serve({
            $0.unary("/t.S/Bad") { _, _ in
                throw RPCError(.failedPrecondition, message, details: Array(repeating: 7, count: 100_000))
            }
        }) { client in
            let error = await failure(client, "/t.S/Bad")
            #expect(error.code == .failedPrecondition)
            #expect(error.message.hasSuffix("…") && error.message.hasPrefix("éé") && error.message.count < 1000)
            #expect(error.details == nil)
        }
    }

    @Test("trailing metadata too large for the client is dropped, the status kept")
    func hugeTrailingMetadata() async throws {
        try await serve({ services in
            services.register("/t.S/Big") { _, writer, _ in
                writer.addTrailingMetadata("x-big", String(repeating: "b", count: 60_000))
                throw RPCError(.notFound, "no such thing")
            }
        }) { client in
            let error = await failure(client, "/t.S/Big")
            #expect(error.code == .notFound && error.message == "no such thing")
            #expect(error.trailer("x-big") == nil)
        }
    }

    @Test(
        "response headers nghttp2 cannot send end the call with INTERNAL instead of leaving it open until its deadline")
    func headersNotSent() async throws {
        try await serve({ services in
            services.register("/t.S/Huge") { _, writer, _ in
                writer.addInitialMetadata("x-huge", String(repeating: "h", count: 100_000))
                await writer.send([1, 2, 3])
            }
        }) { client in
            // Left open, the call would end with DEADLINE_EXCEEDED (its 5 s deadline), or never without one.
            let error = await failure(client, "/t.S/Huge")
            #expect(error.code == .internal, "\(error)")
        }
    }
}
