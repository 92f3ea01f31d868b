import API
import Codec
import Foundation
import RPC
import ServiceClients
import Synchronization
import TestSupport

/// A stand-in for one of Herald's services over real gRPC: every method of its schema answers with the response
/// the test scripted (an empty one when none; a server-streaming method sends it twice), and every request is
/// kept, to be checked against the method's request type.
final class ScriptedService: Sendable {
    let schema: ServiceSchema
    private let server: GRPCServer
    private let received = Received()

    /// `responses`: by method name, what to write into the method's response message; `failing`: methods that
    /// end with an error status instead.
    init(
        _ serviceName: String, responses: [String: @Sendable (MessageBuilder) -> Void],
        failing: [String: any Error & Sendable] = [:]
    ) throws {
        schema = try require(HeraldAPI.service(serviceName))
        var services = ServiceRegistry()
        let received = self.received
        for method in schema.methods {
            let output = try require(HeraldAPI.registry.message(method.output))
            let response = try output.encode { responses[method.name]?($0) }
            let failure = failing[method.name]
            let record: @Sendable ([UInt8]) throws -> Void = { request in
                received.requests.withLock { $0[method.name] = request }
                if let failure { throw failure }
            }
            if method.clientStreaming {
                services.register(schema.path(method)) { requests, writer, _ in
                    for try await request in requests { try record(request) }
                    await writer.send(response)
                }
            } else if method.serverStreaming {
                services.serverStreaming(schema.path(method)) { request, writer, _ in
                    try record(request)
                    await writer.send(response)
                    await writer.send(response)
                }
            } else {
                services.unary(schema.path(method)) { request, _ in
                    try record(request)
                    return response
                }
            }
        }
        server = GRPCServer(.init(), services: services)
        try server.start()
    }

    var client: ServiceClient {
        ServiceClient(target: schema.fullName, ServiceClientConfiguration(endpoints: [("127.0.0.1", server.port)]))
    }

    /// Every method the client did not call, and every request that breaks `WireConventions` (a field the client
    /// did not send, or sent at another field's number), as "Method: problem".
    func problems() throws -> [String] {
        var found: [String] = []
        for method in schema.methods {
            guard let bytes = received.requests.withLock({ $0[method.name] }) else {
                found.append("\(method.name): never called")
                continue
            }
            let input = try require(HeraldAPI.registry.message(method.input))
            found += WireConventions.violations(in: try input.decodeDynamic(bytes), of: input).map {
                "\(method.name): \($0)"
            }
        }
        return found
    }

    func stop() { server.stop() }
}

/// The requests a scripted service received, by method name (the last of each).
final class Received: Sendable {
    let requests = Mutex<[String: [UInt8]]>([:])
}

/// Unwraps a value the set-up needs, throwing what was missing.
func require<T>(_ value: T?, _ what: @autoclosure () -> String = "value") throws -> T {
    guard let value else { throw ScriptError("missing \(what())") }
    return value
}

struct ScriptError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
