import API
import Codec
import Foundation
import TestSupport
import Testing

/// `Protos/` is the contract clients generate from; the Swift schemas are what Herald runs. protoc compiles
/// `Protos/`, Herald's own codec reads the descriptor set (`DescriptorReader`), and any difference fails here.
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
        let files = FileManager.default.enumerator(atPath: protos.path)!.compactMap { $0 as? String }.filter {
            $0.hasSuffix(".proto")
        }.sorted()
        let output = FileManager.default.temporaryDirectory.appendingPathComponent(
            "herald-protos-\(UUID().uuidString).pb")
        defer { try? FileManager.default.removeItem(at: output) }
        let result = try runProcess(
            "/usr/bin/protoc",
            ["-I", protos.path, "-I", "/usr/include", "--include_imports", "--descriptor_set_out=\(output.path)"]
                + files,
            directory: protos)
        #expect(result.status == 0, "protoc could not compile Protos/: \(result.stderr)")
        var reader = DescriptorReader()
        try reader.add(fileDescriptorSet: try Array(Data(contentsOf: output)))
        return describe(
            messages: reader.messages.filter { !$0.fullName.hasPrefix("google.protobuf") },
            enums: reader.enums.filter { !$0.fullName.hasPrefix("google.protobuf") }, services: reader.services)
    }

    static func describe(messages: [MessageSchema], enums: [EnumSchema], services: [ServiceSchema]) -> Described {
        var described = Described()
        for message in messages {
            described.messages[message.fullName] = (
                Set(
                    message.fields.map {
                        Field(
                            name: $0.name, number: $0.number, type: $0.type.protoName, label: $0.label, oneof: $0.oneof)
                    }), message.isMapEntry
            )
        }
        for e in enums {
            described.enums[e.fullName] = Dictionary(uniqueKeysWithValues: e.values.map { ($0.name, $0.number) })
        }
        for service in services { described.services[service.fullName] = Set(service.methods) }
        return described
    }

    /// The Swift schemas, in the same shape.
    static func describeSchemas() -> Described {
        describe(
            // google.rpc: not in Protos/, see GoogleRPCSchemas
            messages: HeraldAPI.messages.filter { !$0.fullName.hasPrefix("google.") },
            enums: HeraldAPI.enums.filter { !$0.fullName.hasPrefix("google.protobuf") }, services: HeraldAPI.services)
    }

    @Test("every message, field, enum and method matches")
    func agree() throws {
        let protos = try Self.describeProtos()
        let swift = Self.describeSchemas()
        #expect(!protos.messages.isEmpty)
        for name in Set(protos.messages.keys).union(swift.messages.keys).sorted() {
            guard let p = protos.messages[name] else {
                Issue.record("\(name) has a Swift schema but is not in Protos/")
                continue
            }
            guard let s = swift.messages[name] else {
                Issue.record("\(name) is in Protos/ but has no Swift schema")
                continue
            }
            for field in p.fields.subtracting(s.fields) {
                Issue.record("\(name): Protos/ has \(field), the Swift schema does not")
            }
            for field in s.fields.subtracting(p.fields) {
                Issue.record("\(name): the Swift schema has \(field), Protos/ does not")
            }
            #expect(p.mapEntry == s.mapEntry, "\(name): map entry in one and not the other")
        }
        for name in Set(protos.enums.keys).union(swift.enums.keys).sorted() {
            #expect(
                protos.enums[name] == swift.enums[name],
                "enum \(name): Protos/ \(String(describing: protos.enums[name])) vs Swift \(String(describing: swift.enums[name]))"
            )
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
                #expect(
                    HeraldAPI.registry.message(method.input) != nil, "\(name)/\(method.name): unknown \(method.input)")
                #expect(
                    HeraldAPI.registry.message(method.output) != nil, "\(name)/\(method.name): unknown \(method.output)"
                )
            }
        }
    }

    @Test("every enum starts at an _UNSPECIFIED zero, apart from gRPC's and protobuf's own")
    func enumZero() {
        for e in HeraldAPI.enums where e.fullName.hasPrefix("herald.") {
            #expect(
                e.values.first?.number == 0 && e.values.first?.name.hasSuffix("_UNSPECIFIED") == true, "\(e.fullName)")
        }
    }
}
