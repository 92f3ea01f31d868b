import Codec

/// Builds `FileDescriptorProto`s from Swift schemas, one file per package (the well-known types keep their
/// standard file names), so that server reflection describes exactly what the server runs.
struct FileDescriptorBuilder {
    struct File {
        let name: String
        let package: String
        var messages: [MessageSchema] = []
        var enums: [EnumSchema] = []
        var services: [ServiceSchema] = []
        var dependencies: Set<String> = []
    }

    let files: [String: File]
    /// The file defining each symbol: messages, enums, services and `Service.Method`.
    let fileOfSymbol: [String: String]
    private let registry: SchemaRegistry
    private let messageNames: Set<String>

    static let wellKnownFiles: [String: String] = [
        "google.protobuf.Timestamp": "google/protobuf/timestamp.proto",
        "google.protobuf.Duration": "google/protobuf/duration.proto",
        "google.protobuf.Empty": "google/protobuf/empty.proto",
        "google.protobuf.Struct": "google/protobuf/struct.proto",
        "google.protobuf.Struct.FieldsEntry": "google/protobuf/struct.proto",
        "google.protobuf.Value": "google/protobuf/struct.proto",
        "google.protobuf.ListValue": "google/protobuf/struct.proto",
        "google.protobuf.NullValue": "google/protobuf/struct.proto",
    ]

    static func fileName(for typeName: String, package: String) -> String {
        if let known = wellKnownFiles[typeName] { return known }
        if package == "google.protobuf" { return "google/protobuf/wrappers.proto" }
        let parts = package.split(separator: ".").map(String.init)
        let stem =
            parts.count >= 2 && parts.last!.first == "v" && parts.last!.dropFirst().first?.isNumber == true
            ? parts[parts.count - 2] : parts.last ?? "root"
        return parts.joined(separator: "/") + "/\(stem).proto"
    }

    init(messages: [MessageSchema], enums: [EnumSchema], services: [ServiceSchema], registry: SchemaRegistry) {
        self.registry = registry
        let allNames = Set(messages.map(\.fullName))
        messageNames = allNames
        var files: [String: File] = [:]
        var symbols: [String: String] = [:]
        func package(of name: String) -> String {
            var prefix = name
            while let dot = prefix.lastIndex(of: ".") {
                prefix = String(prefix[..<dot])
                if !allNames.contains(prefix) { return prefix }
            }
            return ""
        }
        for message in messages {
            let pkg = package(of: message.fullName)
            let file = Self.fileName(for: message.fullName, package: pkg)
            files[file, default: File(name: file, package: pkg)].messages.append(message)
            symbols[message.fullName] = file
        }
        for e in enums {
            let pkg = package(of: e.fullName)
            let file = Self.fileName(for: e.fullName, package: pkg)
            files[file, default: File(name: file, package: pkg)].enums.append(e)
            symbols[e.fullName] = file
        }
        for service in services {
            let pkg = package(of: service.fullName)
            let file = Self.fileName(for: service.fullName, package: pkg)
            files[file, default: File(name: file, package: pkg)].services.append(service)
            symbols[service.fullName] = file
            for method in service.methods { symbols["\(service.fullName).\(method.name)"] = file }
        }
        for (name, file) in files {
            var dependencies = Set<String>()
            let referenced =
                file.messages.flatMap {
                    $0.fields.compactMap { field -> String? in
                        switch field.type {
                        case .message(let type), .enumeration(let type): return type
                        default: return nil
                        }
                    }
                } + file.services.flatMap { $0.methods.flatMap { [$0.input, $0.output] } }
            for type in referenced { if let other = symbols[type], other != name { dependencies.insert(other) } }
            files[name]!.dependencies = dependencies
        }
        self.files = files
        fileOfSymbol = symbols
    }

    /// The serialized FileDescriptorProto of `name`, then those of every file it depends on, each once.
    func serializedClosure(of name: String) throws -> [[UInt8]] {
        var seen = Set<String>()
        var order: [String] = []
        func visit(_ file: String) {
            guard seen.insert(file).inserted, let entry = files[file] else { return }
            order.append(file)
            for dependency in entry.dependencies.sorted() { visit(dependency) }
        }
        visit(name)
        return try order.map { try serialize(files[$0]!) }
    }

    private func serialize(_ file: File) throws -> [UInt8] {
        let type = registry.message("google.protobuf.FileDescriptorProto")!
        let topLevel = file.messages.filter { !messageNames.contains(parentName($0.fullName)) }
        let topEnums = file.enums.filter { !messageNames.contains(parentName($0.fullName)) }
        return try type.encode { f in
            f.set(1, file.name)
            f.set(2, file.package)
            f.set(3, repeated: file.dependencies.sorted())
            f.messages(4, count: topLevel.count) { index, m in write(topLevel[index], in: file, into: m) }
            f.messages(5, count: topEnums.count) { index, e in write(topEnums[index], into: e) }
            f.messages(6, count: file.services.count) { index, s in
                let service = file.services[index]
                s.set(1, shortName(service.fullName))
                s.messages(2, count: service.methods.count) { index, m in
                    let method = service.methods[index]
                    m.set(1, method.name)
                    m.set(2, "." + method.input)
                    m.set(3, "." + method.output)
                    if method.clientStreaming { m.set(5, true) }
                    if method.serverStreaming { m.set(6, true) }
                }
            }
            f.set(12, "proto3")
        }
    }

    private func write(_ message: MessageSchema, in file: File, into m: MessageBuilder) {
        m.set(1, shortName(message.fullName))
        var oneofs: [String] = []
        for field in message.fields { if let oneof = field.oneof, !oneofs.contains(oneof) { oneofs.append(oneof) } }
        let optionals = message.fields.filter { $0.label == .optional }
        let oneofNames = oneofs + optionals.map { "_\($0.name)" }
        m.messages(2, count: message.fields.count) { index, f in
            let field = message.fields[index]
            f.set(1, field.name)
            f.set(3, field.number)
            f.set(4, Int32(field.label == .repeated ? 3 : 1))
            f.set(5, DescriptorSchemas.typeNumber(field.type))
            switch field.type {
            case .message(let name), .enumeration(let name): f.set(6, "." + name)
            default: break
            }
            if let oneof = field.oneof { f.set(9, Int32(oneofNames.firstIndex(of: oneof)!)) }
            if field.label == .optional {
                f.set(9, Int32(oneofNames.firstIndex(of: "_\(field.name)")!))
                f.set(17, true)
            }
            f.set(10, field.jsonName)
        }
        let nested = file.messages.filter { parentName($0.fullName) == message.fullName }
        m.messages(3, count: nested.count) { index, n in write(nested[index], in: file, into: n) }
        let nestedEnums = file.enums.filter { parentName($0.fullName) == message.fullName }
        m.messages(4, count: nestedEnums.count) { index, e in write(nestedEnums[index], into: e) }
        if message.isMapEntry { m.message(7) { $0.set(7, true) } }
        m.messages(8, count: oneofNames.count) { index, o in o.set(1, oneofNames[index]) }
    }

    private func write(_ e: EnumSchema, into m: MessageBuilder) {
        m.set(1, shortName(e.fullName))
        m.messages(2, count: e.values.count) { index, v in
            v.set(1, e.values[index].name)
            v.set(2, e.values[index].number)
        }
    }

    private func parentName(_ name: String) -> String {
        guard let dot = name.lastIndex(of: ".") else { return "" }
        return String(name[..<dot])
    }

    private func shortName(_ name: String) -> String {
        guard let dot = name.lastIndex(of: ".") else { return name }
        return String(name[name.index(after: dot)...])
    }
}
