import CProtobufC

/// Read access to a decoded message, straight from the C structure protobuf-c filled (no intermediate copy).
///
/// Fields are addressed by number, as in the `.proto`. Asking for a number the schema does not have, or for the
/// wrong Swift type, is a programming error (a precondition), not an input error: input errors were caught when
/// decoding.
///
/// - Important: valid only inside the `decode` closure that produced it.
public struct MessageView {
    let base: UnsafeRawPointer
    public let type: MessageType

    init(base: UnsafeRawPointer, type: MessageType) {
        self.base = base
        self.type = type
    }

    @inline(__always)
    private func layout(_ number: Int32) -> (FieldLayout, Int) {
        guard let index = type.index(of: number) else { preconditionFailure("\(type.fullName) has no field \(number)") }
        return (type.fields[index], index)
    }

    @inline(__always)
    private func isActive(_ field: FieldLayout) -> Bool {
        guard field.oneofIndex != nil, let q = field.quantifierOffset else { return true }
        return base.load(fromByteOffset: q, as: UInt32.self) == UInt32(field.number)
    }

    /// True when the field is set: a message or optional value present, the chosen member of its oneof,
    /// a non-empty repeated field, or a singular value different from zero.
    public func has(_ number: Int32) -> Bool {
        let (field, _) = layout(number)
        if field.isRepeated { return base.load(fromByteOffset: field.quantifierOffset!, as: Int.self) > 0 }
        if field.oneofIndex != nil { return isActive(field) }
        switch field.schema.type {
        case .message: return base.load(fromByteOffset: field.offset, as: UnsafeRawPointer?.self) != nil
        case .string:
            guard let text = base.load(fromByteOffset: field.offset, as: UnsafePointer<CChar>?.self) else { return false }
            return field.schema.label == .optional || text.pointee != 0
        default:
            if let q = field.quantifierOffset { return base.load(fromByteOffset: q, as: Int32.self) != 0 }
            switch field.valueSize {
            case 4: return base.load(fromByteOffset: field.offset, as: UInt32.self) != 0
            case 8: return base.load(fromByteOffset: field.offset, as: UInt64.self) != 0
            default: return base.load(fromByteOffset: field.offset, as: Int.self) != 0  // bytes: length
            }
        }
    }

    /// The number of the oneof member that is set, or nil.
    public func oneofCase(_ name: String) -> Int32? {
        guard let field = type.fields.first(where: { $0.schema.oneof == name }), let q = field.quantifierOffset else {
            preconditionFailure("\(type.fullName) has no oneof \(name)")
        }
        let value = base.load(fromByteOffset: q, as: UInt32.self)
        return value == 0 ? nil : Int32(bitPattern: value)
    }

    // MARK: Singular values

    /// A scalar of the field's C type: Int32 (int32, sint32, sfixed32, enums), UInt32, Int64, UInt64, Float, Double.
    @inline(__always)
    public func scalar<T: BitwiseCopyable>(_ number: Int32, as: T.Type = T.self) -> T {
        let (field, _) = layout(number)
        precondition(MemoryLayout<T>.size == field.valueSize && !field.isRepeated, "\(type.fullName).\(field.schema.name) is not \(T.self)")
        guard isActive(field) else { return zero(T.self) }
        return base.load(fromByteOffset: field.offset, as: T.self)
    }

    private func zero<T: BitwiseCopyable>(_: T.Type) -> T {
        withUnsafeTemporaryAllocation(byteCount: MemoryLayout<T>.size, alignment: MemoryLayout<T>.alignment) { raw in
            raw.initializeMemory(as: UInt8.self, repeating: 0)
            return raw.load(as: T.self)
        }
    }

    public func int32(_ number: Int32) -> Int32 { scalar(number) }
    public func int64(_ number: Int32) -> Int64 { scalar(number) }
    public func uint32(_ number: Int32) -> UInt32 { scalar(number) }
    public func uint64(_ number: Int32) -> UInt64 { scalar(number) }
    public func float(_ number: Int32) -> Float { scalar(number) }
    public func double(_ number: Int32) -> Double { scalar(number) }
    public func bool(_ number: Int32) -> Bool { scalar(number, as: Int32.self) != 0 }
    /// An enum's number, kept as is when the schema does not know it (proto3 open enums).
    public func enumValue(_ number: Int32) -> Int32 { scalar(number) }

    public func string(_ number: Int32) -> String {
        let (field, _) = layout(number)
        guard isActive(field), let text = base.load(fromByteOffset: field.offset, as: UnsafePointer<CChar>?.self) else { return "" }
        return String(cString: text)
    }

    public func bytes(_ number: Int32) -> [UInt8] {
        let (field, _) = layout(number)
        guard isActive(field) else { return [] }
        let data = base.load(fromByteOffset: field.offset, as: ProtobufCBinaryData.self)
        return data.len == 0 ? [] : Array(UnsafeBufferPointer(start: data.data, count: data.len))
    }

    public func message(_ number: Int32) -> MessageView? {
        let (field, index) = layout(number)
        guard isActive(field), let pointer = base.load(fromByteOffset: field.offset, as: UnsafeRawPointer?.self) else { return nil }
        return MessageView(base: pointer, type: type.messageTypes[index]!)
    }

    // MARK: Repeated values

    public func count(_ number: Int32) -> Int {
        let (field, _) = layout(number)
        precondition(field.isRepeated, "\(type.fullName).\(field.schema.name) is not repeated")
        return base.load(fromByteOffset: field.quantifierOffset!, as: Int.self)
    }

    private func elements(_ field: FieldLayout) -> (UnsafeRawPointer?, Int) {
        (base.load(fromByteOffset: field.offset, as: UnsafeRawPointer?.self), base.load(fromByteOffset: field.quantifierOffset!, as: Int.self))
    }

    /// A repeated scalar field as an array of its C type.
    public func scalars<T: BitwiseCopyable>(_ number: Int32, as: T.Type = T.self) -> [T] {
        let (field, _) = layout(number)
        precondition(field.isRepeated && MemoryLayout<T>.size == field.valueSize, "\(type.fullName).\(field.schema.name) is not [\(T.self)]")
        let (pointer, count) = elements(field)
        guard let pointer, count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: pointer.assumingMemoryBound(to: T.self), count: count))
    }

    public func bools(_ number: Int32) -> [Bool] { scalars(number, as: Int32.self).map { $0 != 0 } }

    public func strings(_ number: Int32) -> [String] {
        let (field, _) = layout(number)
        let (pointer, count) = elements(field)
        guard let pointer, count > 0 else { return [] }
        let texts = pointer.assumingMemoryBound(to: UnsafePointer<CChar>?.self)
        return (0..<count).map { texts[$0].map { String(cString: $0) } ?? "" }
    }

    public func bytesList(_ number: Int32) -> [[UInt8]] {
        let (field, _) = layout(number)
        let (pointer, count) = elements(field)
        guard let pointer, count > 0 else { return [] }
        let items = pointer.assumingMemoryBound(to: ProtobufCBinaryData.self)
        return (0..<count).map { items[$0].len == 0 ? [] : Array(UnsafeBufferPointer(start: items[$0].data, count: items[$0].len)) }
    }

    public func messages(_ number: Int32) -> [MessageView] {
        let (field, index) = layout(number)
        let (pointer, count) = elements(field)
        guard let pointer, count > 0 else { return [] }
        let items = pointer.assumingMemoryBound(to: UnsafeRawPointer?.self)
        let elementType = type.messageTypes[index]!
        return (0..<count).compactMap { items[$0].map { MessageView(base: $0, type: elementType) } }
    }
}
