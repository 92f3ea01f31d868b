import Foundation
import RPC
import TestSupport
import Testing

/// Herald's client against a real HTTP/2 server (python-h2) that refuses streams: gRFC A6's transparent retry.
@Suite("Interop: Herald's client retries refused streams from a python-h2 server")
struct RefusedStreamTests {
    @Test(
        "calls refused by GOAWAY or REFUSED_STREAM are sent once more (streams with what they sent) and answered once; a second refusal is UNAVAILABLE"
    )
    func refusedStreams() async throws {
        guard let python = TestEnvironment.python() else { return }
        let server = try RunningProcess(
            python,
            [
                TestEnvironment.root.appendingPathComponent("Tests/InteropTests/Python/refusing_server.py").path
            ])
        defer { server.stop() }
        let client = GRPCClient(host: "127.0.0.1", port: try InteropClientTests.port(server))
        defer { client.close() }

        // Three calls on the first connection: the server answers one, then GOAWAY refuses the other two.
        let names = ["one", "two", "three"]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for name in names {
                group.addTask {
                    let response = try await client.unary("/t.S/Echo", Array(name.utf8), timeout: .seconds(10))
                    #expect(response.message == Array(name.utf8))
                }
            }
            try await group.waitForAll()
        }
        // RST_STREAM(REFUSED_STREAM) without GOAWAY: retried on the same connection.
        let once = try await client.unary("/t.S/Echo", Array("refuse-once".utf8), timeout: .seconds(10))
        #expect(once.message == Array("refuse-once".utf8))
        // Only one transparent retry: refused again, the call fails UNAVAILABLE (the caller's own policy decides).
        let error = await #expect(throws: RPCError.self) {
            try await client.unary("/t.S/Echo", Array("refuse-always".utf8), timeout: .seconds(10))
        }
        #expect(error?.code == .unavailable)

        // A streaming call refused before any response is opened again with every message sent so far.
        let stream = client.stream("/t.S/Echo", timeout: .seconds(10))
        stream.send(Array("refuse-once-stream".utf8))
        stream.send(Array("second".utf8))
        stream.finishSending()
        var received: [String] = []
        for try await message in stream.responses { received.append(String(decoding: message, as: UTF8.self)) }
        #expect(received == ["refuse-once-stream", "second"])

        let answered = server.remainingOutput().split(separator: "\n").filter { $0.hasPrefix("answered ") }.sorted()
        #expect(
            answered.count == 5 && answered.filter { $0.hasPrefix("answered refuse-once-stream") }.count == 1,
            "\(answered)")
        #expect(
            Array(answered.filter { !$0.hasPrefix("answered refuse-once-stream") }) == [
                "answered one", "answered refuse-once", "answered three", "answered two",
            ])
    }
}
