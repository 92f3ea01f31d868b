import API
import Codec
import Foundation
import HeraldCore
import RPC

/// A method named `pkg.Service/Method`, called with proto3 JSON in and out, as a client in any language would: what
/// `heraldctl call`, `heraldctl campaign` and the tests use. Message types come from Herald's API schemas, or from
/// the server's reflection service for methods Herald's schemas lack.
public struct JSONMethod: Sendable {
    public static let json = ProtoJSON(registry: HeraldAPI.registry)
    public let path: String
    /// The server answers with a stream of messages.
    public let serverStreaming: Bool
    public let input: MessageType
    public let output: MessageType
    /// The proto3 JSON mapping over the registry the types come from.
    public let json: ProtoJSON

    /// A name that is not `pkg.Service/Method` of the schemas.
    public struct UnknownMethod: Error, CustomStringConvertible {
        public let name: String
        public var description: String { "unknown method \(name); expected pkg.Service/Method of Protos/" }
    }

    /// The method of Herald's API named `name` (`herald.campaigns.v1.CampaignManager/CreateCampaign`).
    public init(_ name: String) throws {
        let parts = name.split(separator: "/")
        guard parts.count == 2, let service = HeraldAPI.service(String(parts[0])),
            let schema = service.methods.first(where: { $0.name == parts[1] })
        else { throw UnknownMethod(name: name) }
        self.init(
            path: service.path(schema), serverStreaming: schema.serverStreaming,
            input: HeraldAPI.registry.message(schema.input)!,
            output: HeraldAPI.registry.message(schema.output)!, json: Self.json)
    }

    /// The method as the server's reflection service describes it; nil when the server has no reflection.
    public static func reflected(_ name: String, using client: GRPCClient, timeout: Duration) async throws
        -> JSONMethod?
    {
        let parts = name.split(separator: "/").map(String.init)
        guard parts.count == 2 else { throw UnknownMethod(name: name) }
        let reader: DescriptorReader
        do {
            reader = try await ReflectionClient.describe(parts[0], using: client, timeout: timeout)
        } catch let error as RPCError where error.code == .unimplemented {
            return nil
        }
        guard let service = reader.services.first(where: { $0.fullName == parts[0] }),
            let method = service.methods.first(where: { $0.name == parts[1] })
        else { throw RPCError(.unimplemented, "the server's reflection describes no method \(name)") }
        let known = Set(reader.messages.map(\.fullName))
        let knownEnums = Set(reader.enums.map(\.fullName))
        let registry = try SchemaRegistry(
            messages: reader.messages + WellKnownTypes.messages.filter { !known.contains($0.fullName) },
            enums: reader.enums + WellKnownTypes.enums.filter { !knownEnums.contains($0.fullName) })
        return JSONMethod(
            path: service.path(method), serverStreaming: method.serverStreaming, input: registry.message(method.input)!,
            output: registry.message(method.output)!, json: ProtoJSON(registry: registry))
    }

    private init(path: String, serverStreaming: Bool, input: MessageType, output: MessageType, json: ProtoJSON) {
        self.path = path
        self.serverStreaming = serverStreaming
        self.input = input
        self.output = output
        self.json = json
    }

    /// A request message from proto3 JSON text.
    public func request(json text: String) throws -> [UInt8] {
        try input.encode(json.decode(text: text, as: input.fullName))
    }

    /// A request message from proto3 JSON.
    public func request(_ value: JSONValue) throws -> [UInt8] {
        try input.encode(json.decode(value, as: input.fullName))
    }

    /// A response message as proto3 JSON.
    public func response(_ bytes: [UInt8]) throws -> JSONValue { try json.encode(output.decodeDynamic(bytes)) }

    /// One unary call: the response as proto3 JSON, or the call's `RPCError` (a request that is not valid JSON of the
    /// input type is a `CodecError`).
    public func call(
        _ client: GRPCClient, _ request: JSONValue, timeout: Duration? = nil, metadata: [(String, String)] = []
    ) async throws
        -> JSONValue
    {
        let response = try await client.unary(path, try self.request(request), metadata: metadata, timeout: timeout)
        return try self.response(response.message)
    }

    /// A server-streaming call: each response as proto3 JSON; cancelling the stream cancels the call.
    public func watch(_ client: GRPCClient, _ request: JSONValue, timeout: Duration? = nil) -> AsyncThrowingStream<
        JSONValue, any Error
    > {
        let call: ClientStream
        do {
            let bytes = try self.request(request)
            call = client.stream(path, timeout: timeout)
            call.send(bytes)
        } catch {
            return AsyncThrowingStream { $0.finish(throwing: error) }
        }
        call.finishSending()
        let method = self
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await bytes in call.responses { continuation.yield(try method.response(bytes)) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in
                task.cancel()
                call.cancel()
            }
        }
    }
}
