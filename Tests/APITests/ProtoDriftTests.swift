import API
import Codec
import Foundation
import TestSupport
import Testing

/// `Protos/` is the contract clients generate from; the Swift schemas are what Herald runs. protoc compiles
/// `Protos/`, Herald's own codec decodes the descriptor set, and any difference fails here.
@Suite("Protos and Swift schemas agree")
struct ProtoDriftTests {
    struct Field: Hashable, CustomStringConvertible {
        let name: String
        let number: Int32
        let type: String
        let label: FieldLabel
        let oneof: String?
        var description: String { "\(label) \(type) \(name) = \(number)\(oneof.map { " (oneof \($0))" } ?? "")" }
    }

    struct Described {
        var messages: [String: (fields: Set<Field>, mapEntry: Bool)] = [:]
        var enums: [String: [String: Int32]] = [:]
        var services: [String: Set<ServiceSchema.Method>] = [:]
    }

    static let root = TestEnvironment.root

    /// protoc's view of `Protos/`, read with Herald's codec.
    static func describeProtos() throws -> Described {
        let protos = root.appendingPathComponent("Protos")
        let files = FileManager.default.enumerator(atPath: protos.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".proto") }.sorted()
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("herald-protos-\(UUID().uuidString).pb")
        defer { try? FileManager.default.removeItem(at: output) }
        let result = try runProcess(
            "/usr/bin/protoc",
            ["-I", protos.path, "-I", "/usr/include", "--include_imports", "--descriptor_set_out=\(output.path)"] + files,
            directory: protos)
        #expect(result.status == 0, "protoc could not compile Protos/: \(result.stderr)")
        let bytes = try Array(Data(contentsOf: output))
        var described = Described()
        try HeraldAPI.registry.message("google.protobuf.FileDescriptorSet")!.decode(bytes) { set in
            for file in set.messages(1) where !file.string(2).hasPrefix("google.protobuf") {
                let package = file.string(2)
                for message in file.messages(4) { collect(message, prefix: package, into: &described) }
                for e in file.messages(5) { collectEnum(e, prefix: package, into: &described) }
                for service in file.messages(6) {
                    described.services["\(package).\(service.string(1))"] = Set(service.messages(2).map { method in
                        ServiceSchema.Method(
                            method.string(1), String(method.string(2).dropFirst()), String(method.string(3).dropFirst()),
                            clientStreaming: method.bool(5), serverStreaming: method.bool(6))
                    })
                }
            }
        }
        return described
    }

    static func collect(_ message: MessageView, prefix: String, into described: inout Described) {
        let name = "\(prefix).\(message.string(1))"
        let oneofs = message.messages(8).map { $0.string(1) }
        let typeNames = [1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 6: "fixed64", 7: "fixed32", 8: "bool",
                         9: "string", 12: "bytes", 13: "uint32", 15: "sfixed32", 16: "sfixed64", 17: "sint32", 18: "sint64"]
        let fields = message.messages(2).map { field -> Field in
            let proto3Optional = field.bool(17)
            let label: FieldLabel = field.enumValue(4) == 3 ? .repeated : proto3Optional ? .optional : .singular
            let type = typeNames[Int(field.enumValue(5))] ?? String(field.string(6).dropFirst())
            let oneof = field.has(9) && !proto3Optional ? oneofs[Int(field.int32(9))] : nil
            return Field(name: field.string(1), number: field.int32(3), type: type, label: label, oneof: oneof)
        }
        described.messages[name] = (Set(fields), message.message(7)?.bool(7) ?? false)
        for nested in message.messages(3) { collect(nested, prefix: name, into: &described) }
        for e in message.messages(4) { collectEnum(e, prefix: name, into: &described) }
    }

    static func collectEnum(_ e: MessageView, prefix: String, into described: inout Described) {
        described.enums["\(prefix).\(e.string(1))"] = Dictionary(uniqueKeysWithValues: e.messages(2).map { ($0.string(1), $0.int32(2)) })
    }

    /// The Swift schemas, in the same shape.
    static func describeSchemas() -> Described {
        var described = Described()
        for message in HeraldAPI.messages where !message.fullName.hasPrefix("google.protobuf") {
            described.messages[message.fullName] = (Set(message.fields.map {
                Field(name: $0.name, number: $0.number, type: $0.type.protoName, label: $0.label, oneof: $0.oneof)
            }), message.isMapEntry)
        }
        for e in HeraldAPI.enums where !e.fullName.hasPrefix("google.protobuf") {
            described.enums[e.fullName] = Dictionary(uniqueKeysWithValues: e.values.map { ($0.name, $0.number) })
        }
        for service in HeraldAPI.services { described.services[service.fullName] = Set(service.methods) }
        return described
    }

    @Test("every message, field, enum and method matches")
    func agree() throws {
        let protos = try Self.describeProtos()
        let swift = Self.describeSchemas()
        #expect(!protos.messages.isEmpty)
        for name in Set(protos.messages.keys).union(swift.messages.keys).sorted() {
            guard let p = protos.messages[name] else { Issue.record("\(name) has a Swift schema but is not in Protos/"); continue }
            guard let s = swift.messages[name] else { Issue.record("\(name) is in Protos/ but has no Swift schema"); continue }
            for field in p.fields.subtracting(s.fields) { Issue.record("\(name): Protos/ has \(field), the Swift schema does not") }
            for field in s.fields.subtracting(p.fields) { Issue.record("\(name): the Swift schema has \(field), Protos/ does not") }
            #expect(p.mapEntry == s.mapEntry, "\(name): map entry in one and not the other")
        }
        for name in Set(protos.enums.keys).union(swift.enums.keys).sorted() {
            #expect(protos.enums[name] == swift.enums[name], "enum \(name): Protos/ \(String(describing: protos.enums[name])) vs Swift \(String(describing: swift.enums[name]))")
        }
        for name in Set(protos.services.keys).union(swift.services.keys).sorted() {
            #expect(protos.services[name] == swift.services[name], "service \(name) differs")
        }
    }
}

@Suite("The API covers the platform")
struct APICoverageTests {
    @Test("all nine services of DESIGN.md exist, each with request and response messages the registry knows")
    func platformServices() {
        #expect(HeraldAPI.platformServices.count == 9)
        for (process, name) in HeraldAPI.platformServices {
            guard let service = HeraldAPI.service(name) else {
                Issue.record("\(process): no service \(name)")
                continue
            }
            #expect(!service.methods.isEmpty)
            for method in service.methods {
                #expect(HeraldAPI.registry.message(method.input) != nil, "\(name)/\(method.name): unknown \(method.input)")
                #expect(HeraldAPI.registry.message(method.output) != nil, "\(name)/\(method.name): unknown \(method.output)")
            }
        }
    }

    @Test("every enum starts at an _UNSPECIFIED zero, apart from gRPC's and protobuf's own")
    func enumZero() {
        for e in HeraldAPI.enums where e.fullName.hasPrefix("herald.") {
            #expect(e.values.first?.number == 0 && e.values.first?.name.hasSuffix("_UNSPECIFIED") == true, "\(e.fullName)")
        }
    }
}
