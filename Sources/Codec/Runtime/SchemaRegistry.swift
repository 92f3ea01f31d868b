/// Every message and enum type a process knows, resolved against each other.
///
/// Built once at start-up from hand-written schemas; a reference to an unknown type, a duplicate name or
/// field number is a programming error caught here, before any message is read.
public final class SchemaRegistry: Sendable {
    private let messages: [String: MessageType]
    private let enums: [String: EnumType]

    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    public init(messages: [MessageSchema], enums: [EnumSchema] = []) throws {
        var messageTypes: [String: MessageType] = [:]
        var enumTypes: [String: EnumType] = [:]
        for schema in enums {
            guard enumTypes[schema.fullName] == nil else {
                throw Problem(description: "enum \(schema.fullName) declared twice")
            }
            enumTypes[schema.fullName] = EnumType(schema: schema)
        }
        for schema in messages {
            guard messageTypes[schema.fullName] == nil else {
                throw Problem(description: "message \(schema.fullName) declared twice")
            }
            var numbers = Set<Int32>()
            var names = Set<String>()
            for field in schema.fields {
                guard numbers.insert(field.number).inserted, names.insert(field.name).inserted else {
                    throw Problem(
                        description:
                            "\(schema.fullName): field \(field.name) = \(field.number) repeats a name or number")
                }
            }
            messageTypes[schema.fullName] = MessageType(schema: schema)
        }
        for type in messageTypes.values {
            for (index, field) in type.fields.enumerated() {
                switch field.schema.type {
                case .message(let name):
                    guard let target = messageTypes[name] else {
                        throw Problem(
                            description: "\(type.fullName).\(field.schema.name) refers to unknown message \(name)")
                    }
                    type.messageTypes[index] = Unmanaged.passUnretained(target)
                case .enumeration(let name):
                    guard let target = enumTypes[name] else {
                        throw Problem(
                            description: "\(type.fullName).\(field.schema.name) refers to unknown enum \(name)")
                    }
                    type.enumTypes[index] = target
                default: break
                }
            }
        }
        for type in messageTypes.values { type.buildDescriptor() }
        self.messages = messageTypes
        self.enums = enumTypes
    }

    /// The message type named `fullName`, or nil.
    public func message(_ fullName: String) -> MessageType? { messages[fullName] }

    /// The enum type named `fullName`, or nil.
    public func enumeration(_ fullName: String) -> EnumType? { enums[fullName] }

    /// Every message name, sorted.
    public var messageNames: [String] { messages.keys.sorted() }

    /// Every enum name, sorted.
    public var enumNames: [String] { enums.keys.sorted() }
}
