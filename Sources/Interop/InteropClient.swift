import API
import Codec
import HeraldCore
import RPC

/// gRPC's interop client cases (doc/interop-test-descriptions.md), run by `rpc-testclient` against any server.
public struct InteropClient: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    let client: any RPCChannel
    static let t = "grpc.testing."

    /// Runs the cases over `client`: one connection, or the service client library.
    public init(client: any RPCChannel) { self.client = client }

    public static let cases = [
        "empty_unary", "large_unary", "client_streaming", "server_streaming", "ping_pong", "empty_stream",
        "custom_metadata",
        "status_code_and_message", "special_status_message", "unimplemented_method", "unimplemented_service",
        "cancel_after_begin", "cancel_after_first_response", "timeout_on_sleeping_server",
    ]

    /// The cases that need a server able to tell a compressed request (gRPC's expect_compressed probe).
    public static let compressionCases = [
        "client_compressed_unary", "server_compressed_unary", "client_compressed_streaming",
        "server_compressed_streaming",
    ]

    static func type(_ name: String) -> MessageType { HeraldAPI.registry.message(t + name)! }

    func check(_ condition: Bool, _ what: @autoclosure () -> String) throws {
        if !condition { throw Failure(description: what()) }
    }

    static func simpleRequest(
        responseSize: Int, payloadSize: Int, status: (Int32, String)? = nil, expectCompressed: Bool? = nil,
        responseCompressed: Bool? = nil
    ) throws -> [UInt8] {
        try type("SimpleRequest").encode { m in
            m.set(2, Int32(responseSize))
            if let expectCompressed { m.message(8) { $0.set(1, expectCompressed) } }
            if let responseCompressed { m.message(6) { $0.set(1, responseCompressed) } }
            m.message(3) { $0.set(2, bytes: [UInt8](repeating: 0, count: payloadSize)) }
            if let status {
                m.message(7) { s in
                    s.set(1, status.0)
                    s.set(2, status.1)
                }
            }
        }
    }

    static func streamingOutputRequest(sizes: [Int], payloadSize: Int = 0, status: (Int32, String)? = nil) throws
        -> [UInt8]
    {
        try type("StreamingOutputCallRequest").encode { m in
            m.messages(2, count: sizes.count) { index, p in p.set(1, Int32(sizes[index])) }
            if payloadSize > 0 { m.message(3) { $0.set(2, bytes: [UInt8](repeating: 0, count: payloadSize)) } }
            if let status {
                m.message(7) { s in
                    s.set(1, status.0)
                    s.set(2, status.1)
                }
            }
        }
    }

    static func payloadSize(_ response: [UInt8], of typeName: String) throws -> Int {
        try type(typeName).decode(response) { $0.message(1)?.bytes(2).count ?? 0 }
    }

    func expectStatus(_ code: StatusCode, _ message: String? = nil, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as RPCError {
            try check(error.code == code, "expected \(code), got \(error)")
            if let message {
                try check(
                    error.message == message,
                    "expected message \(message.debugDescription), got \(error.message.debugDescription)")
            }
            return
        }
        throw Failure(description: "expected \(code), but the call succeeded")
    }

    /// Runs one case; throws `Failure` (or the call's error) when it does not pass.
    public func run(_ name: String) async throws {
        let p = "/grpc.testing.TestService/"
        switch name {
        case "empty_unary":
            try check(
                try await client.unary(p + "EmptyCall", [], timeout: .seconds(10)).message.isEmpty, "non-empty response"
            )
        case "large_unary":
            let response = try await client.unary(
                p + "UnaryCall", Self.simpleRequest(responseSize: 314_159, payloadSize: 271_828), timeout: .seconds(10))
            try check(try Self.payloadSize(response.message, of: "SimpleResponse") == 314_159, "wrong payload size")
        case "client_streaming":
            let call = client.stream(p + "StreamingInputCall", timeout: .seconds(10))
            for size in [27182, 8, 1828, 45904] {
                call.send(
                    try Self.type("StreamingInputCallRequest").encode {
                        $0.message(1) { $0.set(2, bytes: [UInt8](repeating: 0, count: size)) }
                    })
            }
            call.finishSending()
            var total: Int32 = -1
            for try await response in call.responses {
                total = try Self.type("StreamingInputCallResponse").decode(response) { $0.int32(1) }
            }
            try check(total == 74922, "aggregated size \(total)")
        case "server_streaming":
            let sizes = [31415, 9, 2653, 58979]
            let call = client.stream(p + "StreamingOutputCall", timeout: .seconds(10))
            call.send(try Self.streamingOutputRequest(sizes: sizes))
            call.finishSending()
            var got: [Int] = []
            for try await response in call.responses {
                got.append(try Self.payloadSize(response, of: "StreamingOutputCallResponse"))
            }
            try check(got == sizes, "sizes \(got)")
        case "ping_pong":
            let call = client.stream(p + "FullDuplexCall", timeout: .seconds(10))
            var responses = call.responses.makeAsyncIterator()
            for (responseSize, requestSize) in [(31415, 27182), (9, 8), (2653, 1828), (58979, 45904)] {
                call.send(try Self.streamingOutputRequest(sizes: [responseSize], payloadSize: requestSize))
                let response = try await responses.next()
                try check(
                    try response.map { try Self.payloadSize($0, of: "StreamingOutputCallResponse") } == responseSize,
                    "ping-pong size")
            }
            call.finishSending()
            try check(try await responses.next() == nil, "extra response")
        case "empty_stream":
            let call = client.stream(p + "FullDuplexCall", timeout: .seconds(10))
            call.finishSending()
            var count = 0
            for try await _ in call.responses { count += 1 }
            try check(count == 0, "\(count) responses")
        case "custom_metadata":
            let metadata = [
                ("x-grpc-test-echo-initial", "test_initial_metadata_value"), ("x-grpc-test-echo-trailing-bin", "q6ur"),
            ]
            let unary = try await client.unary(
                p + "UnaryCall", Self.simpleRequest(responseSize: 314_159, payloadSize: 271_828), metadata: metadata,
                timeout: .seconds(10))
            try check(
                unary.initialMetadata.contains { $0 == ("x-grpc-test-echo-initial", "test_initial_metadata_value") },
                "initial metadata \(unary.initialMetadata)")
            try check(
                unary.trailingMetadata.contains {
                    $0.name == "x-grpc-test-echo-trailing-bin" && ["q6ur", "q6ur=="].contains($0.value)
                }, "trailing metadata \(unary.trailingMetadata)")
            let call = client.stream(p + "FullDuplexCall", metadata: metadata, timeout: .seconds(10))
            call.send(try Self.streamingOutputRequest(sizes: [314_159], payloadSize: 271_828))
            call.finishSending()
            for try await _ in call.responses {}
            try check(
                await call.initialMetadata().contains {
                    $0 == ("x-grpc-test-echo-initial", "test_initial_metadata_value")
                }, "stream initial metadata")
            try check(
                call.trailingMetadata.contains { $0.name == "x-grpc-test-echo-trailing-bin" },
                "stream trailing metadata")
        case "status_code_and_message", "special_status_message":
            let text =
                name == "special_status_message"
                ? "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n" : "test status message"
            try await expectStatus(.unknown, text) {
                _ = try await client.unary(
                    p + "UnaryCall", Self.simpleRequest(responseSize: 0, payloadSize: 0, status: (2, text)),
                    timeout: .seconds(10))
            }
            if name == "status_code_and_message" {
                try await expectStatus(.unknown, text) {
                    let call = client.stream(p + "FullDuplexCall", timeout: .seconds(10))
                    call.send(try Self.streamingOutputRequest(sizes: [], status: (2, text)))
                    call.finishSending()
                    for try await _ in call.responses {}
                }
            }
        case "unimplemented_method":
            try await expectStatus(.unimplemented) {
                _ = try await client.unary(p + "UnimplementedCall", [], timeout: .seconds(10))
            }
        case "unimplemented_service":
            try await expectStatus(.unimplemented) {
                _ = try await client.unary(
                    "/grpc.testing.UnimplementedService/UnimplementedCall", [], timeout: .seconds(10))
            }
        case "cancel_after_begin":
            let call = client.stream(p + "StreamingInputCall", timeout: .seconds(10))
            call.cancel()
            try await expectStatus(.cancelled) { for try await _ in call.responses {} }
        case "cancel_after_first_response":
            let call = client.stream(p + "FullDuplexCall", timeout: .seconds(10))
            var responses = call.responses.makeAsyncIterator()
            call.send(try Self.streamingOutputRequest(sizes: [31415], payloadSize: 27182))
            _ = try await responses.next()
            call.cancel()
            try await expectStatus(.cancelled) { while try await responses.next() != nil {} }
        case "timeout_on_sleeping_server":
            let call = client.stream(p + "FullDuplexCall", timeout: .milliseconds(1))
            call.send(try Self.streamingOutputRequest(sizes: [], payloadSize: 27182))
            try await expectStatus(.deadlineExceeded) { for try await _ in call.responses {} }
        case "client_compressed_unary":
            let probe = try Self.simpleRequest(responseSize: 314_159, payloadSize: 271_828, expectCompressed: true)
            try await expectStatus(.invalidArgument) {
                _ = try await client.unary(p + "UnaryCall", probe, timeout: .seconds(10))
            }
            for compressed in [true, false] {
                let request = try Self.simpleRequest(
                    responseSize: 314_159, payloadSize: 271_828, expectCompressed: compressed)
                let response = try await client.unary(
                    p + "UnaryCall", request, timeout: .seconds(10), compressed: compressed)
                try check(try Self.payloadSize(response.message, of: "SimpleResponse") == 314_159, "wrong payload size")
            }
        case "server_compressed_unary":
            for compressed in [true, false] {
                let request = try Self.simpleRequest(
                    responseSize: 314_159, payloadSize: 271_828, responseCompressed: compressed)
                let response = try await client.unary(p + "UnaryCall", request, timeout: .seconds(10))
                try check(try Self.payloadSize(response.message, of: "SimpleResponse") == 314_159, "wrong payload size")
            }
        case "client_compressed_streaming":
            let probe = try Self.type("StreamingInputCallRequest").encode { m in
                m.message(1) { $0.set(2, bytes: [UInt8](repeating: 0, count: 27182)) }
                m.message(2) { $0.set(1, true) }
            }
            try await expectStatus(.invalidArgument) {
                let call = client.stream(p + "StreamingInputCall", timeout: .seconds(10))
                call.send(probe)
                call.finishSending()
                for try await _ in call.responses {}
            }
            let call = client.stream(p + "StreamingInputCall", timeout: .seconds(10), compressed: true)
            call.send(probe)
            call.send(
                try Self.type("StreamingInputCallRequest").encode { m in
                    m.message(1) { $0.set(2, bytes: [UInt8](repeating: 0, count: 45904)) }
                    m.message(2) { $0.set(1, true) }
                })
            call.finishSending()
            var total: Int32 = -1
            for try await response in call.responses {
                total = try Self.type("StreamingInputCallResponse").decode(response) { $0.int32(1) }
            }
            try check(total == 73086, "aggregated size \(total)")
        case "server_compressed_streaming":
            let request = try Self.type("StreamingOutputCallRequest").encode { m in
                m.messages(2, count: 2) { index, parameters in
                    parameters.set(1, Int32(index == 0 ? 31415 : 92653))
                    parameters.message(3) { $0.set(1, index == 0) }
                }
            }
            let call = client.stream(p + "StreamingOutputCall", timeout: .seconds(10))
            call.send(request)
            call.finishSending()
            var got: [Int] = []
            for try await response in call.responses {
                got.append(try Self.payloadSize(response, of: "StreamingOutputCallResponse"))
            }
            try check(got == [31415, 92653], "sizes \(got)")
        default:
            throw Failure(description: "unknown test case \(name)")
        }
    }
}
