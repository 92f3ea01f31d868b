import API
import Codec
import Foundation
import HeraldCore

/// A method of a Herald service as both sides see it: its path, its schema's message types, and the domain types
/// its request and response are read into and written from. The service registers its handler with it and the
/// typed client calls through it, so a request's field numbers are written in one place: its mapper.
public struct RPCMethod<Request: WireMapped & Sendable, Response: WireMapped & Sendable>: Sendable {
    /// `/package.Service/Method`.
    public let path: String
    public let name: String
    public let requestType: MessageType
    public let responseType: MessageType
    public let serverStreaming: Bool

    /// Method `name` of `service` (a full name, e.g. `herald.campaigns.v1.CampaignManager`), as declared in the API
    /// schemas; a method they lack is a programming error.
    public init(_ service: String, _ name: String) {
        guard let schema = HeraldAPI.service(service), let method = schema.methods.first(where: { $0.name == name }),
            let input = HeraldAPI.registry.message(method.input), let output = HeraldAPI.registry.message(method.output)
        else { preconditionFailure("the API schemas have no method \(service)/\(name)") }
        path = schema.path(method)
        self.name = name
        requestType = input
        responseType = output
        serverStreaming = method.serverStreaming
    }

    /// Reads a request, every problem at its field path; `validate` adds the service's own rules (and may normalize
    /// the request: an email lower-cased, say), so that one INVALID_ARGUMENT names every bad field, read or validated.
    public func decodeRequest(_ bytes: [UInt8], validate: ((inout Request, inout FieldIssues) -> Void)? = nil) throws
        -> Request
    {
        try requestType.decode(bytes) { m in
            var issues = FieldIssues()
            var request = Request(wire: m, at: "", &issues)
            validate?(&request, &issues)
            try issues.throwIfAny()
            return request
        }
    }

    public func encodeRequest(_ request: Request) throws -> [UInt8] { try requestType.encode { request.write(to: $0) } }

    /// Reads a response; what it lacks is a `ValidationError` naming the field (clients turn it into INTERNAL).
    public func decodeResponse(_ bytes: [UInt8]) throws -> Response {
        try responseType.decode(bytes) { try Response(wire: $0, at: "") }
    }

    public func encodeResponse(_ response: Response) throws -> [UInt8] {
        try responseType.encode { response.write(to: $0) }
    }
}

/// A message whose field 1 holds one domain value (most responses: `{ Campaign campaign = 1; }`). Its path in
/// errors is the field's name in the schema.
public struct Only<Value: WireMapped & Sendable>: WireMapped, Sendable {
    public var value: Value

    public init(_ value: Value) { self.value = value }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        value = m.requiredMessage(1, at: path.field(m.type.field(1)?.name ?? "1"), &issues)
    }

    public func write(to b: MessageBuilder) { b.set(1, value) }
}

extension Only: Equatable where Value: Equatable {}

/// A message whose repeated field 1 holds domain values (`{ repeated UserContact users = 1; }`).
public struct Many<Value: WireMapped & Sendable>: WireMapped, Sendable {
    public var values: [Value]

    public init(_ values: [Value]) { self.values = values }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        values = m.readAll(1, at: path.field(m.type.field(1)?.name ?? "1"), &issues)
    }

    public func write(to b: MessageBuilder) { b.set(1, each: values) }
}

extension Many: Equatable where Value: Equatable {}

/// A request naming one thing by its id in field 1 (`GetTestRequest { string test_id = 1; }`): the path in errors is
/// the field's name in the schema.
public struct ByID: WireMapped, Sendable, Equatable {
    public var id: UUID

    public init(_ id: UUID) { self.id = id }

    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        id = issues.requiredUUID(m.string(1), at: path.field(m.type.field(1)?.name ?? "1"))
    }

    public func write(to b: MessageBuilder) { b.set(1, id: id) }
}

/// A message with no fields (`DeleteUserResponse {}`), or whose fields nobody reads.
public struct NoContent: WireMapped, Sendable, Equatable {
    public init() {}
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {}
    public func write(to b: MessageBuilder) {}
}

/// A List response: the items in repeated field 1, a `herald.common.v1.PageResponse` in field 2.
extension Page: WireReadable where Item: WireReadable {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(
            items: m.readAll(1, at: path.field(m.type.field(1)?.name ?? "1"), &issues), nextToken: m.nextPageToken(2))
    }
}

extension Page: WireWritable where Item: WireWritable {
    public func write(to b: MessageBuilder) { write(to: b) { $0.write(to: $1) } }
}
