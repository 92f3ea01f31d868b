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
    let table: UnsafePointer<TypeTable>

    @usableFromInline
    init(base: UnsafeRawPointer, table: UnsafePointer<TypeTable>) {
        self.base = base
        self.table = table
    }

    public var type: MessageType { table.pointee.type }

    @inline(__always)
    private func field(_ number: Int32) -> (FieldInfo, Int) { table.pointee.field(number) }

    @inline(__always)
    private func isActive(_ info: FieldInfo, _ number: Int32) -> Bool {
        !info.isOneof || base.load(fromByteOffset: Int(info.quantifierOffset), as: UInt32.self) == UInt32(number)
    }

    /// True when the field is set: a message or optional value present, the chosen member of its oneof,
    /// a non-empty repeated field, or a singular value different from zero.
    public func has(_ number: Int32) -> Bool {
        let (info, _) = field(number)
        if info.isRepeated { return base.load(fromByteOffset: Int(info.quantifierOffset), as: Int.self) > 0 }
        if info.isOneof { return isActive(info, number) }
        switch info.kind {
        case .message: return base.load(fromByteOffset: Int(info.offset), as: UnsafeRawPointer?.self) != nil
        case .string:
            guard let text = base.load(fromByteOffset: Int(info.offset), as: UnsafePointer<CChar>?.self) else {
                return false
            }
            return info.isOptional || text.pointee != 0
        case .bytes:
            if info.quantifierOffset >= 0 {
                return base.load(fromByteOffset: Int(info.quantifierOffset), as: Int32.self) != 0
            }
            return base.load(fromByteOffset: Int(info.offset), as: Int.self) != 0
        case .scalar:
            if info.quantifierOffset >= 0 {
                return base.load(fromByteOffset: Int(info.quantifierOffset), as: Int32.self) != 0
            }
            return info.valueSize == 4
                ? base.load(fromByteOffset: Int(info.offset), as: UInt32.self) != 0
                : base.load(fromByteOffset: Int(info.offset), as: UInt64.self) != 0
        }
    }

    /// The number of the oneof member that is set, or nil.
    public func oneofCase(_ name: String) -> Int32? {
        let type = self.type
        guard let index = type.fields.firstIndex(where: { $0.schema.oneof == name }) else {
            preconditionFailure("\(type.fullName) has no oneof \(name)")
        }
        let value = base.load(fromByteOffset: Int(table.pointee.fields[index].quantifierOffset), as: UInt32.self)
        return value == 0 ? nil : Int32(bitPattern: value)
    }

    // MARK: Singular values

    /// A scalar of the field's C type: Int32 (int32, sint32, sfixed32, enums), UInt32, Int64, UInt64, Float, Double.
    @inline(__always)
    func scalar<T: BitwiseCopyable>(_ number: Int32, as: T.Type = T.self) -> T {
        let (info, _) = field(number)
        precondition(
            MemoryLayout<T>.size == Int(info.valueSize) && !info.isRepeated,
            "\(type.fullName) field \(number) is not \(T.self)")
        guard isActive(info, number) else { return Self.zero(T.self) }
        return base.load(fromByteOffset: Int(info.offset), as: T.self)
    }

    private static func zero<T: BitwiseCopyable>(_: T.Type) -> T {
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
        let (info, _) = field(number)
        guard isActive(info, number),
            let text = base.load(fromByteOffset: Int(info.offset), as: UnsafePointer<CChar>?.self)
        else {
            return ""
        }
        return String(cString: text)
    }

    public func bytes(_ number: Int32) -> [UInt8] {
        let (info, _) = field(number)
        guard isActive(info, number) else { return [] }
        let data = base.load(fromByteOffset: Int(info.offset), as: ProtobufCBinaryData.self)
        return data.len == 0 ? [] : Array(UnsafeBufferPointer(start: data.data, count: data.len))
    }

    public func message(_ number: Int32) -> MessageView? {
        let (info, index) = field(number)
        guard isActive(info, number),
            let pointer = base.load(fromByteOffset: Int(info.offset), as: UnsafeRawPointer?.self)
        else {
            return nil
        }
        return MessageView(base: pointer, table: table.pointee.child(index))
    }

    // MARK: Repeated values

    /// The message type of message field `number`.
    public func messageType(of number: Int32) -> MessageType {
        let (_, index) = field(number)
        return table.pointee.child(index).pointee.type
    }

    public func count(_ number: Int32) -> Int {
        let (info, _) = field(number)
        precondition(info.isRepeated, "\(type.fullName) field \(number) is not repeated")
        return base.load(fromByteOffset: Int(info.quantifierOffset), as: Int.self)
    }

    @inline(__always)
    private func elements(_ info: FieldInfo) -> (UnsafeRawPointer?, Int) {
        (
            base.load(fromByteOffset: Int(info.offset), as: UnsafeRawPointer?.self),
            base.load(fromByteOffset: Int(info.quantifierOffset), as: Int.self)
        )
    }

    public func int32s(_ number: Int32) -> [Int32] { scalars(number) }
    public func int64s(_ number: Int32) -> [Int64] { scalars(number) }
    public func uint32s(_ number: Int32) -> [UInt32] { scalars(number) }
    public func uint64s(_ number: Int32) -> [UInt64] { scalars(number) }
    public func floats(_ number: Int32) -> [Float] { scalars(number) }
    public func doubles(_ number: Int32) -> [Double] { scalars(number) }
    /// Enum numbers of a repeated enum field.
    public func enumValues(_ number: Int32) -> [Int32] { scalars(number) }

    /// A repeated scalar field as an array of its C type.
    func scalars<T: BitwiseCopyable>(_ number: Int32, as: T.Type = T.self) -> [T] {
        let (info, _) = field(number)
        precondition(
            info.isRepeated && MemoryLayout<T>.size == Int(info.valueSize),
            "\(type.fullName) field \(number) is not [\(T.self)]")
        let (pointer, count) = elements(info)
        guard let pointer, count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: pointer.assumingMemoryBound(to: T.self), count: count))
    }

    public func bools(_ number: Int32) -> [Bool] { scalars(number, as: Int32.self).map { $0 != 0 } }

    public func strings(_ number: Int32) -> [String] {
        let (info, _) = field(number)
        let (pointer, count) = elements(info)
        guard let pointer, count > 0 else { return [] }
        let texts = pointer.assumingMemoryBound(to: UnsafePointer<CChar>?.self)
        return (0..<count).map { texts[$0].map { String(cString: $0) } ?? "" }
    }

    public func bytesList(_ number: Int32) -> [[UInt8]] {
        let (info, _) = field(number)
        let (pointer, count) = elements(info)
        guard let pointer, count > 0 else { return [] }
        let items = pointer.assumingMemoryBound(to: ProtobufCBinaryData.self)
        return (0..<count).map {
            items[$0].len == 0 ? [] : Array(UnsafeBufferPointer(start: items[$0].data, count: items[$0].len))
        }
    }

    /// Calls `body` with each element of a repeated message field, without building an array of views.
    public func forEach(_ number: Int32, _ body: (MessageView) throws -> Void) rethrows {
        let (info, index) = field(number)
        let (pointer, count) = elements(info)
        guard let pointer, count > 0 else { return }
        let items = pointer.assumingMemoryBound(to: UnsafeRawPointer?.self)
        let elementTable = table.pointee.child(index)
        for element in 0..<count {
            if let item = items[element] { try body(MessageView(base: item, table: elementTable)) }
        }
    }

    public func messages(_ number: Int32) -> [MessageView] {
        var views: [MessageView] = []
        views.reserveCapacity(count(number))
        forEach(number) { views.append($0) }
        return views
    }

    /// Maps each element of a repeated message field, without an intermediate array of views. Inlinable, so that
    /// the array of results is specialized in the caller's module.
    @inlinable
    public func map<T>(_ number: Int32, _ transform: (MessageView) throws -> T) rethrows -> [T] {
        var values: [T] = []
        values.reserveCapacity(count(number))
        try forEach(number) { values.append(try transform($0)) }
        return values
    }
}
