import API
import Codec
import HeraldCore
import RPC

/// gRPC's interop `grpc.testing.TestService` (doc/interop-test-descriptions.md), Herald's benchmark echo service
/// and `grpc.health.v1.Health`, as served by `rpc-testserver`.
public enum InteropServices {
    static let registry = HeraldAPI.registry
    static let t = "grpc.testing."

    static func type(_ name: String) -> MessageType { registry.message(name)! }

    /// A Payload message of `size` zero bytes.
    static func payload(_ builder: MessageBuilder, size: Int) {
        builder.set(1, Int32(0))
        builder.set(2, bytes: [UInt8](repeating: 0, count: size))
    }

    /// Throws the status a request's `response_status` asks for, if any.
    static func echoStatus(_ status: MessageView?) throws {
        guard let status, status.int32(1) != 0 else { return }
        throw RPCError(StatusCode(rawValue: Int(status.int32(1))), status.string(2))
    }

    /// Echoes the interop metadata: `x-grpc-test-echo-initial` in headers, `x-grpc-test-echo-trailing-bin` in trailers.
    static func echoMetadata(_ context: ServerContext, _ writer: ResponseWriter) {
        if let value = context.metadata("x-grpc-test-echo-initial") {
            writer.addInitialMetadata("x-grpc-test-echo-initial", value)
        }
        if let value = context.metadata("x-grpc-test-echo-trailing-bin") {
            writer.addTrailingMetadata("x-grpc-test-echo-trailing-bin", value)
        }
    }

    /// A request's `expect_compressed` probe: a compressed message is expected, so an uncompressed one is refused.
    static func checkCompression(_ expect: MessageView?, _ context: ServerContext) throws {
        if expect?.bool(1) == true && context.requestEncoding != "gzip" {
            throw RPCError(.invalidArgument, "expect_compressed is set but the request was not compressed")
        }
    }

    /// Answers one StreamingOutputCallRequest: its response parameters, each after its interval.
    static func respond(to request: [UInt8], _ writer: ResponseWriter) async throws {
        let (sizes, status) = try type(t + "StreamingOutputCallRequest").decode(request) {
            m -> ([(Int, Int, Bool)], RPCError?) in
            let sizes = m.map(2) { (Int($0.int32(1)), Int($0.int32(2)), $0.message(3)?.bool(1) ?? false) }
            do {
                try echoStatus(m.message(7))
                return (sizes, nil)
            } catch let error as RPCError {
                return (sizes, error)
            }
        }
        if let status { throw status }
        for (size, interval, compressed) in sizes {
            if interval > 0 { try await Task.sleep(for: .microseconds(interval)) }
            await writer.send(
                try type(t + "StreamingOutputCallResponse").encode { $0.message(1) { payload($0, size: size) } },
                compressed: compressed)
        }
    }

    public static func registry(
        serverID: String = "herald-rpc-testserver",
        health: HealthService = HealthService(services: [
            "grpc.testing.TestService", "herald.bench.v1.Bench", "grpc.health.v1.Health",
        ])
    ) -> ServiceRegistry {
        var services = ServiceRegistry()
        services.unary("/grpc.testing.TestService/EmptyCall") { _, _ in [] }
        /// UnaryCall's answer and whether to compress it.
        let unaryCall: @Sendable ([UInt8], ServerContext) throws -> ([UInt8], Bool) = { request, context in
            try type(t + "SimpleRequest").decode(request) { m in
                try checkCompression(m.message(8), context)
                try echoStatus(m.message(7))
                let size = Int(m.int32(2))
                let fillServerID = m.bool(9)
                let compress = m.message(6)?.bool(1) ?? false
                let response = try type(t + "SimpleResponse").encode { response in
                    response.message(1) { payload($0, size: size) }
                    if fillServerID { response.set(4, serverID) }
                }
                return (response, compress)
            }
        }
        for method in ["UnaryCall", "CacheableUnaryCall"] {
            services.register("/grpc.testing.TestService/\(method)") { requests, writer, context in
                echoMetadata(context, writer)
                var iterator = requests.makeAsyncIterator()
                guard let request = try await iterator.next() else {
                    throw RPCError(.unimplemented, "\(method) needs one request")
                }
                let (response, compress) = try unaryCall(request, context)
                await writer.send(response, compressed: compress)
            }
        }
        services.serverStreaming("/grpc.testing.TestService/StreamingOutputCall") { request, writer, _ in
            try await respond(to: request, writer)
        }
        services.register("/grpc.testing.TestService/StreamingInputCall") { requests, writer, context in
            var total = 0
            for try await request in requests {
                total += try type(t + "StreamingInputCallRequest").decode(request) { m in
                    try checkCompression(m.message(2), context)
                    return m.message(1)?.bytes(2).count ?? 0
                }
            }
            await writer.send(try type(t + "StreamingInputCallResponse").encode { $0.set(1, Int32(total)) })
        }
        services.register("/grpc.testing.TestService/FullDuplexCall") { requests, writer, context in
            echoMetadata(context, writer)
            for try await request in requests { try await respond(to: request, writer) }
        }
        services.register("/grpc.testing.TestService/HalfDuplexCall") { requests, writer, _ in
            var all: [[UInt8]] = []
            for try await request in requests { all.append(request) }
            for request in all { try await respond(to: request, writer) }
        }
        services.unary("/herald.bench.v1.Bench/Echo") { request, _ in
            let text = try type("herald.bench.v1.EchoRequest").decode(request) { $0.string(1) }
            return try type("herald.bench.v1.EchoResponse").encode { $0.set(1, text) }
        }
        health.register(in: &services)
        let served = HeraldAPI.services.filter {
            [
                "grpc.testing.TestService", "herald.bench.v1.Bench", "grpc.health.v1.Health",
                "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection",
            ].contains($0.fullName)
        }
        ReflectionService(
            messages: HeraldAPI.messages, enums: HeraldAPI.enums, services: served, registry: HeraldAPI.registry
        )
        .register(in: &services)
        return services
    }
}
