import Codec
import Domain
import HeraldCore
import RPC

/// Handlers over domain values: the request is read by its mapper (and `validate`, the service's own rules, which may
/// normalize it), every problem answered at once as INVALID_ARGUMENT before the handler runs; the response is written by its mapper.
extension ServiceRegistry {
    /// A unary method.
    public mutating func unary<Request, Response>(
        _ method: RPCMethod<Request, Response>, validate: (@Sendable (inout Request, inout FieldIssues) -> Void)? = nil,
        _ handler: @escaping @Sendable (Request, ServerContext) async throws -> Response
    ) {
        unary(method.path) { bytes, context in
            let request = try method.decodeRequest(bytes, validate: validate)
            return try method.encodeResponse(try await handler(request, context))
        }
    }

    /// A unary method whose handler answers with the response already encoded (from stored encodings, say).
    public mutating func unary<Request, Response>(
        _ method: RPCMethod<Request, Response>, validate: (@Sendable (inout Request, inout FieldIssues) -> Void)? = nil,
        encoded handler: @escaping @Sendable (Request, ServerContext) async throws -> [UInt8]
    ) {
        unary(method.path) { bytes, context in
            try await handler(try method.decodeRequest(bytes, validate: validate), context)
        }
    }

    /// A server-streaming method: one request, then as many responses as the handler sends.
    public mutating func serverStreaming<Request, Response>(
        _ method: RPCMethod<Request, Response>, validate: (@Sendable (inout Request, inout FieldIssues) -> Void)? = nil,
        _ handler: @escaping @Sendable (Request, ResponseStream<Response>, ServerContext) async throws -> Void
    ) {
        serverStreaming(method.path) { bytes, writer, context in
            let request = try method.decodeRequest(bytes, validate: validate)
            try await handler(request, ResponseStream(method: method, writer: writer), context)
        }
    }
}

extension ServiceRegistry {
    /// A client-streaming method: the request messages as they arrive (each read by its mapper; a message that
    /// cannot be read ends the call with INVALID_ARGUMENT), then one response.
    public mutating func clientStreaming<Request, Response>(
        _ method: RPCMethod<Request, Response>,
        _ handler:
            @escaping @Sendable (AsyncThrowingMapSequence<RequestMessages, Request>, ServerContext) async throws ->
            Response
    ) {
        register(method.path) { requests, writer, context in
            let response = try await handler(requests.map { try method.decodeRequest($0) }, context)
            await writer.send(try method.encodeResponse(response))
        }
    }
}

/// The responses of a server-streaming call, as domain values.
public struct ResponseStream<Response: WireMapped & Sendable>: Sendable {
    let encode: @Sendable (Response) throws -> [UInt8]
    let writer: ResponseWriter

    init<Request>(method: RPCMethod<Request, Response>, writer: ResponseWriter) {
        encode = { try method.encodeResponse($0) }
        self.writer = writer
    }

    /// Sends one response; suspends while the client is behind (see `ResponseWriter.send`).
    public func send(_ response: Response) async throws { await writer.send(try encode(response)) }
}
