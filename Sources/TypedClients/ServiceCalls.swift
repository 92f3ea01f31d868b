import API
import Codec
import Domain
import Foundation
import RPC
import ServiceClients

/// What every typed client shares: requests built and responses read by the service's schemas
/// (`<package><Method>Request` and `Response`, as every Herald method is declared), each call through a
/// `ServiceClient` (deadlines, retries, breakers, bulkhead). A response the client cannot read (a field missing
/// that the server always sends, a malformed id) is INTERNAL, naming the method and the field path.
struct ServiceCalls: Sendable {
    let client: ServiceClient
    /// "herald.segments.v1."
    let package: String
    /// "/herald.segments.v1.SegmentationEngine/"
    let prefix: String

    init(_ client: ServiceClient, package: String, service: String) {
        self.client = client
        self.package = package + "."
        prefix = "/\(package).\(service)/"
    }

    /// A unary call of `method`: the request and response written and read by their mappers.
    func call<Request, Response>(_ method: RPCMethod<Request, Response>, _ request: Request) async throws -> Response {
        let response = try await client.unary(method.path, try method.encodeRequest(request))
        return try readResponse(method.name) { try method.decodeResponse(response.message) }
    }

    /// A server-streaming call of `method`: each response read by its mapper, until the server ends the call.
    /// `timeout` bounds the whole watch (the method's configured deadline when nil).
    func watch<Request, Response>(_ method: RPCMethod<Request, Response>, _ request: Request, timeout: Duration?) throws
        -> AsyncThrowingStream<Response, any Error>
    {
        let call = client.stream(method.path, timeout: timeout)
        call.send(try method.encodeRequest(request))
        call.finishSending()
        return responses(of: call, method.name) { try method.decodeResponse($0) }
    }

    /// A server-streaming call of `method` whose responses each hold one value: the values.
    func watch<Request, Value>(_ method: RPCMethod<Request, Only<Value>>, _ request: Request, timeout: Duration?) throws
        -> AsyncThrowingStream<Value, any Error>
    {
        let call = client.stream(method.path, timeout: timeout)
        call.send(try method.encodeRequest(request))
        call.finishSending()
        return responses(of: call, method.name) { try method.decodeResponse($0).value }
    }

    /// The responses of a server-streaming `call`, read by `read`; cancelling the stream cancels the call.
    private func responses<T: Sendable>(
        of call: ClientStream, _ method: String, _ read: @escaping @Sendable ([UInt8]) throws -> T
    )
        -> AsyncThrowingStream<T, any Error>
    {
        let (stream, continuation) = AsyncThrowingStream<T, any Error>.makeStream()
        let reader = Task {
            do {
                for try await message in call.responses {
                    continuation.yield(try readResponse(method) { try read(message) })
                }
                continuation.finish()
            } catch {
                call.cancel()
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in
            reader.cancel()
            call.cancel()
        }
        return stream
    }

    /// A unary call: the request built by `build`, the response read by `read`.
    func unary<T>(_ method: String, _ build: (MessageBuilder) throws -> Void, _ read: (MessageView) throws -> T)
        async throws -> T
    {
        let request = try type(method + "Request").encode(build)
        let response = try await client.unary(prefix + method, request)
        return try readResponse(method) { try type(method + "Response").decode(response.message, read) }
    }

    /// A unary call whose response holds nothing the caller needs.
    func unary(_ method: String, _ build: (MessageBuilder) throws -> Void) async throws {
        try await unary(method, build) { _ in () }
    }

    /// A unary call whose response holds one domain value in field 1 (`name` for messages).
    func unary<T: WireReadable>(_ method: String, returning name: String, _ build: (MessageBuilder) throws -> Void)
        async throws -> T
    {
        try await unary(method, build) { try Self.required(name, $0) }
    }

    /// A unary call whose response holds a list of domain values in repeated field 1 (`name` for messages).
    func unary<T: WireReadable>(_ method: String, returningAll name: String, _ build: (MessageBuilder) throws -> Void)
        async throws -> [T]
    {
        try await unary(method, build) { try Self.all(name, $0) }
    }

    /// A List call: the items in repeated field 1 (`items` for messages), the next page's token from field 2.
    func list<T: WireReadable>(_ method: String, items name: String, _ build: (MessageBuilder) throws -> Void)
        async throws -> Page<T>
    {
        try await unary(method, build) { m in Page(items: try Self.all(name, m), nextToken: m.nextPageToken(2)) }
    }

    /// A server-streaming call: each response's field 1 read as `T`, until the server ends the call. `timeout`
    /// bounds the whole watch (the method's configured deadline when nil).
    func watch<T: WireReadable & Sendable>(
        _ method: String, returning name: String, timeout: Duration?, _ build: (MessageBuilder) throws -> Void
    ) throws -> AsyncThrowingStream<T, any Error> {
        let request = try type(method + "Request").encode(build)
        let responseType = try type(method + "Response")
        let call = client.stream(prefix + method, timeout: timeout)
        call.send(request)
        call.finishSending()
        return responses(of: call, method) { message in try responseType.decode(message) { try Self.required(name, $0) }
        }
    }

    // MARK: Plumbing

    private func type(_ name: String) throws -> MessageType {
        guard let type = HeraldAPI.registry.message(package + name) else {
            throw RPCError(.internal, "no schema for \(package + name)")
        }
        return type
    }

    /// Repeated field 1 of a response, read as `T`s (every problem of every element reported at once).
    private static func all<T: WireReadable>(_ name: String, _ m: MessageView) throws -> [T] {
        var issues = FieldIssues()
        let values: [T] = m.readAll(1, at: name, &issues)
        try issues.throwIfAny()
        return values
    }

    /// Field 1 of a response, read as `T`.
    private static func required<T: WireReadable>(_ name: String, _ m: MessageView) throws -> T {
        guard let field = m.message(1) else { throw ValidationError(name, "missing") }
        return try T(wire: field, at: name)
    }

    /// Runs `read`, turning what the response lacked into INTERNAL (the server broke its own contract).
    func readResponse<T>(_ method: String, _ read: () throws -> T) throws -> T {
        do {
            return try read()
        } catch let error as ValidationError {
            throw RPCError(.internal, "\(prefix.dropFirst())\(method) response: \(error.statusMessage)")
        }
    }
}
