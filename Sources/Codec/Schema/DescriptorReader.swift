/// Swift schemas from `google.protobuf.FileDescriptorProto`s — protoc's `--descriptor_set_out`, or what a server's
/// reflection service returns — so that Herald can speak to services it has no hand-written schema for.
public struct DescriptorReader: Sendable {
    public private(set) var messages: [MessageSchema] = []
    public private(set) var enums: [EnumSchema] = []
    public private(set) var services: [ServiceSchema] = []
    /// The files read so far, by name, and the files they import.
    public private(set) var files: [String: [String]] = [:]

    /// What the reader cannot represent (proto2 groups, enums whose first value is not 0, reserved numbers).
    public struct Unsupported: Error, CustomStringConvertible {
        public let description: String
    }

    static let registry: SchemaRegistry = {
        do {
            return try SchemaRegistry(messages: DescriptorSchemas.messages, enums: DescriptorSchemas.enums)
        } catch {
            fatalError("descriptor.proto's schemas are inconsistent: \(error)")
        }
    }()

    public init() {}

    /// Adds the types and services of one serialized `FileDescriptorProto` (a file already read is skipped).
    public mutating func add(fileDescriptorProto bytes: [UInt8]) throws {
        try Self.registry.message("google.protobuf.FileDescriptorProto")!.decode(bytes) { file in try add(file) }
    }

    /// Adds every file of a serialized `FileDescriptorSet`.
    public mutating func add(fileDescriptorSet bytes: [UInt8]) throws {
        try Self.registry.message("google.protobuf.FileDescriptorSet")!.decode(bytes) { set in
            for file in set.messages(1) { try add(file) }
        }
    }

    /// Imports of the files read that have not been read themselves.
    public var missingImports: [String] {
        Set(files.values.joined()).subtracting(files.keys).sorted()
    }

    private mutating func add(_ file: MessageView) throws {
        let name = file.string(1)
        guard files[name] == nil else { return }
        files[name] = file.strings(3)
        let package = file.string(2)
        let prefix = package.isEmpty ? "" : package + "."
        for message in file.messages(4) { try addMessage(message, prefix: prefix) }
        for e in file.messages(5) { try addEnum(e, prefix: prefix) }
        for service in file.messages(6) {
            services.append(
                ServiceSchema(
                    prefix + service.string(1),
                    service.messages(2).map { method in
                        ServiceSchema.Method(
                            method.string(1), Self.typeName(method.string(2)), Self.typeName(method.string(3)),
                            clientStreaming: method.bool(5), serverStreaming: method.bool(6))
                    }))
        }
    }

    private mutating func addMessage(_ message: MessageView, prefix: String) throws {
        let name = prefix + message.string(1)
        let oneofs = message.messages(8).map { $0.string(1) }
        var fields: [FieldSchema] = []
        for field in message.messages(2) {
            let number = field.int32(3)
            guard number >= 1, number <= 536_870_911, !(19000...19999).contains(number) else {
                throw Unsupported(description: "\(name).\(field.string(1)): field number \(number) is not usable")
            }
            let proto3Optional = field.bool(17)
            let label: FieldLabel = field.enumValue(4) == 3 ? .repeated : proto3Optional ? .optional : .singular
            let oneof =
                field.has(9) && !proto3Optional && oneofs.indices.contains(Int(field.int32(9)))
                ? oneofs[Int(field.int32(9))] : nil
            fields.append(
                FieldSchema(
                    number, field.string(1), try Self.type(field, in: name), oneof == nil ? label : .singular,
                    oneof: oneof))
        }
        messages.append(MessageSchema(name, fields, isMapEntry: message.message(7)?.bool(7) ?? false))
        for nested in message.messages(3) { try addMessage(nested, prefix: name + ".") }
        for e in message.messages(4) { try addEnum(e, prefix: name + ".") }
    }

    private mutating func addEnum(_ e: MessageView, prefix: String) throws {
        let name = prefix + e.string(1)
        let values = e.messages(2).map { ($0.string(1), $0.int32(2)) }
        guard values.first?.1 == 0 else {
            throw Unsupported(description: "enum \(name) does not start with a value numbered 0 (proto2)")
        }
        enums.append(EnumSchema(name, values))
    }

    private static func type(_ field: MessageView, in message: String) throws -> FieldType {
        switch field.enumValue(5) {
        case 1: return .double
        case 2: return .float
        case 3: return .int64
        case 4: return .uint64
        case 5: return .int32
        case 6: return .fixed64
        case 7: return .fixed32
        case 8: return .bool
        case 9: return .string
        case 11: return .message(typeName(field.string(6)))
        case 12: return .bytes
        case 13: return .uint32
        case 14: return .enumeration(typeName(field.string(6)))
        case 15: return .sfixed32
        case 16: return .sfixed64
        case 17: return .sint32
        case 18: return .sint64
        default:
            throw Unsupported(
                description:
                    "\(message).\(field.string(1)): type \(field.enumValue(5)) (a proto2 group?) is not supported")
        }
    }

    /// ".pkg.Message" (fully qualified, as protoc writes it) to "pkg.Message".
    static func typeName(_ text: String) -> String { text.hasPrefix(".") ? String(text.dropFirst()) : text }
}
