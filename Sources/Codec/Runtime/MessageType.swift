import CProtobufC
import Foundation

/// A message type ready for encoding and decoding: its schema, the C layout, and the protobuf-c descriptor
/// built from them.
///
/// Descriptors are allocated once, filled in completely before any use, never changed and never freed, so a
/// `MessageType` is shared freely across threads.
// unchecked: the C descriptor is immutable after SchemaRegistry.init
public final class MessageType: @unchecked Sendable {
    public let schema: MessageSchema
    let fields: [FieldLayout]
    let oneofs: [String]
    @usableFromInline let size: Int
    /// Field index by number for numbers of 256 and above (those below are in `table`'s dense index).
    let sparseIndex: [Int32: Int]
    /// Resolved types of message and enum fields, by field index (unowned: the registry keeps every type alive).
    var messageTypes: [Unmanaged<MessageType>?]
    var enumTypes: [EnumType?]
    let descriptor: UnsafeMutablePointer<ProtobufCMessageDescriptor>
    /// What encoding, decoding and field access read (see `TypeTable`); its children are set by `buildDescriptor`.
    @usableFromInline let table: UnsafeMutablePointer<TypeTable>

    init(schema: MessageSchema) {
        self.schema = schema
        (fields, size, oneofs) = FieldLayout.layout(schema)
        let info = fields.map(\.info)
        var dense = [Int16](repeating: -1, count: 256)
        var sparse: [Int32: Int] = [:]
        for (index, field) in fields.enumerated() {
            if field.number < 256 { dense[Int(field.number)] = Int16(index) } else { sparse[field.number] = index }
        }
        sparseIndex = sparse
        messageTypes = Array(repeating: nil, count: fields.count)
        enumTypes = Array(repeating: nil, count: fields.count)
        descriptor = .allocate(capacity: 1)
        table = .allocate(capacity: 1)
        let children = UnsafeMutablePointer<UnsafePointer<TypeTable>?>.allocate(capacity: max(fields.count, 1))
        children.initialize(repeating: nil, count: max(fields.count, 1))
        var slots: [Int16] = []
        var repeatedCount = 0
        for field in info {
            slots.append(field.isRepeated ? Int16(repeatedCount) : -1)
            if field.isRepeated { repeatedCount += 1 }
        }
        table.initialize(
            to: TypeTable(
                fields: Self.allocate(info), fieldCount: fields.count, dense: Self.allocate(dense), children: children,
                repeatedSlots: Self.allocate(slots), repeatedCount: repeatedCount, size: size,
                ranged: RangedKind(schema.fullName),
                descriptor: UnsafePointer(descriptor), owner: .passUnretained(self)))
    }

    /// The index of field `number` in `fields`, or nil.
    func index(of number: Int32) -> Int? { table.pointee.index(of: number) }

    /// The field schema with `number`, or nil.
    public func field(_ number: Int32) -> FieldSchema? { index(of: number).map { fields[$0].schema } }

    /// The field schema named `name` (proto name or JSON name), or nil.
    public func field(named name: String) -> FieldSchema? {
        fields.first { $0.schema.name == name || $0.schema.jsonName == name }?.schema
    }

    public var fullName: String { schema.fullName }

    /// Fills the protobuf-c descriptor. Called once by the registry after every type exists.
    func buildDescriptor() {
        for index in fields.indices {
            table.pointee.children[index] = messageTypes[index].map { UnsafePointer($0.takeUnretainedValue().table) }
        }
        let fieldDescriptors = UnsafeMutablePointer<ProtobufCFieldDescriptor>.allocate(capacity: max(fields.count, 1))
        for (index, field) in fields.enumerated() {
            var flags: UInt32 = 0
            if field.isRepeated && field.schema.type.isPackable { flags |= PROTOBUF_C_FIELD_FLAG_PACKED.rawValue }
            if field.oneofIndex != nil { flags |= PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue }
            let typeDescriptor: UnsafeRawPointer? =
                messageTypes[index].map { UnsafeRawPointer($0.takeUnretainedValue().descriptor) }
                ?? enumTypes[index].map { UnsafeRawPointer($0.descriptor) }
            (fieldDescriptors + index).initialize(
                to: ProtobufCFieldDescriptor(
                    name: UnsafePointer(strdup(field.schema.name)), id: UInt32(field.number), label: field.cLabel,
                    type: field.cType, quantifier_offset: UInt32(field.quantifierOffset ?? 0),
                    offset: UInt32(field.offset),
                    descriptor: typeDescriptor, default_value: nil, flags: flags, reserved_flags: 0, reserved2: nil,
                    reserved3: nil))
        }
        let byName = UnsafeMutablePointer<UInt32>.allocate(capacity: max(fields.count, 1))
        for (position, index) in fields.indices.sorted(by: { fields[$0].schema.name < fields[$1].schema.name })
            .enumerated()
        {
            byName[position] = UInt32(index)
        }
        let ranges = Self.ranges(fields.map { Int($0.number) })
        let name = schema.fullName
        descriptor.initialize(
            to: ProtobufCMessageDescriptor(
                magic: HERALD_PROTOBUF_C_MESSAGE_DESCRIPTOR_MAGIC, name: UnsafePointer(strdup(name)),
                short_name: UnsafePointer(strdup(schema.shortName)),
                c_name: UnsafePointer(strdup(name.replacingOccurrences(of: ".", with: "__"))),
                package_name: UnsafePointer(strdup(schema.package)), sizeof_message: size,
                n_fields: UInt32(fields.count),
                fields: UnsafePointer(fieldDescriptors), fields_sorted_by_name: UnsafePointer(byName),
                n_field_ranges: UInt32(ranges.count - 1), field_ranges: UnsafePointer(Self.allocate(ranges)),
                message_init: nil, reserved1: nil, reserved2: nil, reserved3: nil))
    }

    /// protobuf-c's run-length index of sorted numbers: one entry per run of consecutive values, then a sentinel.
    static func ranges(_ sortedValues: [Int]) -> [ProtobufCIntRange] {
        var ranges: [ProtobufCIntRange] = []
        for (index, value) in sortedValues.enumerated() {
            if index == 0 || value != sortedValues[index - 1] + 1 {
                ranges.append(ProtobufCIntRange(start_value: Int32(value), orig_index: UInt32(index)))
            }
        }
        ranges.append(ProtobufCIntRange(start_value: 0, orig_index: UInt32(sortedValues.count)))
        return ranges
    }

    static func allocate<T>(_ values: [T]) -> UnsafeMutablePointer<T> {
        let pointer = UnsafeMutablePointer<T>.allocate(capacity: max(values.count, 1))
        for (index, value) in values.enumerated() { (pointer + index).initialize(to: value) }
        return pointer
    }
}

/// An enum type with its protobuf-c descriptor (immutable, shared like `MessageType`).
public final class EnumType: @unchecked Sendable {  // unchecked: the C descriptor is immutable after construction
    public let schema: EnumSchema
    let descriptor: UnsafeMutablePointer<ProtobufCEnumDescriptor>

    init(schema: EnumSchema) {
        self.schema = schema
        let sorted = schema.values.sorted { $0.number < $1.number }
        var unique: [(name: String, number: Int32)] = []
        for value in sorted where unique.last?.number != value.number { unique.append(value) }
        let values = MessageType.allocate(
            unique.map {
                ProtobufCEnumValue(
                    name: UnsafePointer(strdup($0.name)), c_name: UnsafePointer(strdup($0.name)), value: $0.number)
            })
        let byName = MessageType.allocate(
            unique.indices.sorted { unique[$0].name < unique[$1].name }.map {
                ProtobufCEnumValueIndex(name: UnsafePointer(strdup(unique[$0].name)), index: UInt32($0))
            })
        let ranges = MessageType.ranges(unique.map { Int($0.number) })
        let dot = schema.fullName.lastIndex(of: ".")
        descriptor = .allocate(capacity: 1)
        descriptor.initialize(
            to: ProtobufCEnumDescriptor(
                magic: HERALD_PROTOBUF_C_ENUM_DESCRIPTOR_MAGIC, name: UnsafePointer(strdup(schema.fullName)),
                short_name: UnsafePointer(
                    strdup(dot.map { String(schema.fullName[schema.fullName.index(after: $0)...]) } ?? schema.fullName)),
                c_name: UnsafePointer(strdup(schema.fullName.replacingOccurrences(of: ".", with: "__"))),
                package_name: UnsafePointer(strdup(dot.map { String(schema.fullName[..<$0]) } ?? "")),
                n_values: UInt32(unique.count), values: UnsafePointer(values), n_value_names: UInt32(unique.count),
                values_by_name: UnsafePointer(byName), n_value_ranges: UInt32(ranges.count - 1),
                value_ranges: UnsafePointer(MessageType.allocate(ranges)), reserved1: nil, reserved2: nil,
                reserved3: nil,
                reserved4: nil))
    }
}
