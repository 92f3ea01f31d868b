import Codec
import HeraldCore

/// `grpc.reflection.v1.ServerReflection` and its `v1alpha` twin: lists the services and returns file descriptors
/// built from the Swift schemas, so that generic tools (grpcurl, grpcio-reflection, `heraldctl call`) can call
/// any method.
public struct ReflectionService: Sendable {
    private let registry: SchemaRegistry
    private let files: FileDescriptorBuilder
    private let serviceNames: [String]

    /// `registry` must know the descriptor and reflection schemas as well as every type of `messages`.
    public init(messages: [MessageSchema], enums: [EnumSchema], services: [ServiceSchema], registry: SchemaRegistry) {
        self.registry = registry
        // Of Google's own types, only the well-known ones the APIs use: the rest (the descriptor types, Any,
        // google.rpc's status details) are in no method's messages, and clients have them from their protobuf.
        let described = messages.filter {
            !$0.fullName.hasPrefix("google.") || FileDescriptorBuilder.wellKnownFiles[$0.fullName] != nil
                || WellKnownTypes.wrappers[$0.fullName] != nil
        }
        let describedEnums = enums.filter {
            !$0.fullName.hasPrefix("google.protobuf.") || $0.fullName == WellKnownTypes.nullValue
        }
        files = FileDescriptorBuilder(
            messages: described, enums: describedEnums, services: services, registry: registry)
        serviceNames = services.map(\.fullName).sorted()
    }

    /// Adds both reflection versions to `services`.
    public func register(in services: inout ServiceRegistry) {
        for version in ["v1", "v1alpha"] {
            let package = "grpc.reflection.\(version)."
            services.register("/grpc.reflection.\(version).ServerReflection/ServerReflectionInfo") {
                requests, writer, _ in
                for try await request in requests { await writer.send(try answer(request, package: package)) }
            }
        }
    }

    private func answer(_ request: [UInt8], package p: String) throws -> [UInt8] {
        let requestType = registry.message(p + "ServerReflectionRequest")!
        let (host, kind, argument) = try requestType.decode(request) { m -> (String, Int32?, String) in
            let kind = m.oneofCase("message_request")
            return (m.string(1), kind, kind.map { $0 == 5 ? (m.message(5)?.string(1) ?? "") : m.string($0) } ?? "")
        }
        let responseType = registry.message(p + "ServerReflectionResponse")!
        var result: Result<[[UInt8]], RPCError>? = nil
        var listing = false
        switch kind {
        case 3: result = fileResponse(named: argument)
        case 4: result = symbolResponse(argument)
        case 7: listing = true
        case 5, 6: result = .failure(RPCError(.notFound, "Herald's APIs define no extensions"))
        default: result = .failure(RPCError(.invalidArgument, "empty reflection request"))
        }
        return try responseType.encode { r in
            r.set(1, host)
            r.message(2) { original in
                original.fill(
                    from: (try? requestType.decodeDynamic(request))
                        ?? DynamicMessage(typeName: p + "ServerReflectionRequest"))
            }
            if listing {
                r.message(6) { list in
                    list.messages(1, count: serviceNames.count) { index, s in s.set(1, serviceNames[index]) }
                }
                return
            }
            switch result {
            case .success(let descriptors)?: r.message(4) { $0.set(1, repeatedBytes: descriptors) }
            case .failure(let error)?:
                r.message(7) { e in
                    e.set(1, Int32(error.code.rawValue))
                    e.set(2, error.message)
                }
            case nil: break
            }
        }
    }

    private func fileResponse(named name: String) -> Result<[[UInt8]], RPCError> {
        guard files.files[name] != nil else { return .failure(RPCError(.notFound, "no file \(name)")) }
        do { return .success(try files.serializedClosure(of: name)) } catch { return .failure(RPCError.from(error)) }
    }

    private func symbolResponse(_ symbol: String) -> Result<[[UInt8]], RPCError> {
        guard let file = files.fileOfSymbol[symbol] else { return .failure(RPCError(.notFound, "no symbol \(symbol)")) }
        return fileResponse(named: file)
    }
}
