import Codec
import HeraldCore

/// The client side of gRPC server reflection: the schemas of a service as the server describes them (the file
/// that defines it and every file that imports), so that a tool can call a service it has no schema for.
public enum ReflectionClient {
    static let registry: SchemaRegistry = {
        do {
            return try SchemaRegistry(messages: ReflectionSchemas.allMessages)
        } catch {
            fatalError("the reflection schemas are inconsistent: \(error)")
        }
    }()

    /// Asks `grpc.reflection.v1` (then `v1alpha`, for older servers) for the file containing `symbol` and its
    /// imports. Imports of `google/protobuf/` the server does not serve are left to the caller's well-known types.
    public static func describe(_ symbol: String, using client: GRPCClient, timeout: Duration = .seconds(10))
        async throws -> DescriptorReader
    {
        do {
            return try await describe(symbol, package: "grpc.reflection.v1", client, timeout)
        } catch let error as RPCError where error.code == .unimplemented {
            return try await describe(symbol, package: "grpc.reflection.v1alpha", client, timeout)
        }
    }

    private static func describe(_ symbol: String, package: String, _ client: GRPCClient, _ timeout: Duration)
        async throws -> DescriptorReader
    {
        let requestType = registry.message(package + ".ServerReflectionRequest")!
        let responseType = registry.message(package + ".ServerReflectionResponse")!
        let call = client.stream("/\(package).ServerReflection/ServerReflectionInfo", timeout: timeout)
        defer { call.cancel() }
        var responses = call.responses.makeAsyncIterator()
        var reader = DescriptorReader()
        /// One request, one answer: the files it returned, or the server's error.
        func ask(_ field: Int32, _ value: String) async throws -> Result<[[UInt8]], RPCError> {
            call.send(try requestType.encode { $0.set(field, value) })
            guard let bytes = try await responses.next() else {
                throw RPCError(.unavailable, "the reflection stream ended before answering")
            }
            return try responseType.decode(bytes) { response in
                if let error = response.message(7) {
                    return .failure(RPCError(StatusCode(rawValue: Int(error.int32(1))), error.string(2)))
                }
                return .success(response.message(4)?.bytesList(1) ?? [])
            }
        }
        switch try await ask(4, symbol) {
        case .failure(let error): throw RPCError(error.code, "reflection does not know \(symbol): \(error.message)")
        case .success(let files): for file in files { try reader.add(fileDescriptorProto: file) }
        }
        var asked: Set<String> = []
        while let missing = reader.missingImports.first(where: { !asked.contains($0) }) {
            asked.insert(missing)
            switch try await ask(3, missing) {
            case .success(let files): for file in files { try reader.add(fileDescriptorProto: file) }
            case .failure where missing.hasPrefix("google/protobuf/"): continue
            case .failure(let error): throw RPCError(error.code, "reflection cannot give \(missing): \(error.message)")
            }
        }
        call.finishSending()
        return reader
    }
}
