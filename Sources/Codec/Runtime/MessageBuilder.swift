import CProtobufC
import Foundation

/// Writes a message into a C structure for protobuf-c to pack, allocating everything from the encode's arena.
///
/// Setters never throw, so mappers stay plain; a value protobuf-c cannot carry (a string with a NUL character)
/// is remembered and `encode` throws it with the field's path.
public struct MessageBuilder {
    let base: UnsafeMutableRawPointer
    let table: UnsafePointer<TypeTable>
    let arena: UnsafeMutablePointer<Arena>
    /// Where this message sits in the one being encoded (nil for the outermost), for the path of an error.
    let frame: UnsafePointer<PathFrame>?

    init(table: UnsafePointer<TypeTable>, arena: UnsafeMutablePointer<Arena>, frame: UnsafePointer<PathFrame>?) {
        self.table = table
        self.arena = arena
        self.frame = frame
        base = arena.pointee.allocate(table.pointee.size)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: table.pointee.size)
        base.storeBytes(of: table.pointee.descriptor, as: UnsafePointer<ProtobufCMessageDescriptor>.self)
    }

    /// A builder that goes on writing a message already begun.
    private init(
        continuing base: UnsafeMutableRawPointer, table: UnsafePointer<TypeTable>, arena: UnsafeMutablePointer<Arena>,
        frame: UnsafePointer<PathFrame>?
    ) {
        self.base = base
        self.table = table
        self.arena = arena
        self.frame = frame
    }

    public var type: MessageType { table.pointee.type }

    @inline(__always)
    private func field(_ number: Int32) -> (FieldInfo, Int) { table.pointee.field(number) }

    /// Most bytes a field's tag and a length prefix take: field numbers are below 2^29, lengths below 2^32.
    private static let tagAndLength = 10
    /// Most bytes of one scalar with its tag: a tag and a ten-byte varint (a negative int32 takes ten).
    private static let taggedScalar = 15

    @inline(__always)
    private func markPresent(_ info: FieldInfo, _ number: Int32) {
        guard info.quantifierOffset >= 0, !info.isRepeated else { return }
        if info.isOneof {
            base.storeBytes(of: UInt32(number), toByteOffset: Int(info.quantifierOffset), as: UInt32.self)
        } else if info.isOptional {
            base.storeBytes(of: Int32(1), toByteOffset: Int(info.quantifierOffset), as: Int32.self)
        }
    }

    // Concrete overloads, so that callers in other modules never go through unspecialized generic code.
    /// Sets an int32, sint32, sfixed32 or enum field.
    public func set(_ number: Int32, _ value: Int32) { setScalar(number, value) }
    /// Sets an int64, sint64 or sfixed64 field.
    public func set(_ number: Int32, _ value: Int64) { setScalar(number, value) }
    /// Sets a uint32 or fixed32 field.
    public func set(_ number: Int32, _ value: UInt32) { setScalar(number, value) }
    /// Sets a uint64 or fixed64 field.
    public func set(_ number: Int32, _ value: UInt64) { setScalar(number, value) }
    public func set(_ number: Int32, _ value: Float) { setScalar(number, value) }
    public func set(_ number: Int32, _ value: Double) { setScalar(number, value) }
    public func set(_ number: Int32, repeated values: [Int32]) { setScalars(number, values) }
    public func set(_ number: Int32, repeated values: [Int64]) { setScalars(number, values) }
    public func set(_ number: Int32, repeated values: [UInt32]) { setScalars(number, values) }
    public func set(_ number: Int32, repeated values: [UInt64]) { setScalars(number, values) }
    public func set(_ number: Int32, repeated values: [Float]) { setScalars(number, values) }
    public func set(_ number: Int32, repeated values: [Double]) { setScalars(number, values) }

    @inline(__always)
    private func setScalar<T: BitwiseCopyable>(_ number: Int32, _ value: T) {
        let (info, _) = field(number)
        precondition(
            MemoryLayout<T>.size == Int(info.valueSize) && !info.isRepeated,
            "\(type.fullName) field \(number) is not \(T.self)")
        base.storeBytes(of: value, toByteOffset: Int(info.offset), as: T.self)
        markPresent(info, number)
        arena.pointee.packedBound += Self.taggedScalar
    }

    public func set(_ number: Int32, _ value: Bool) { set(number, Int32(value ? 1 : 0)) }

    public func set(_ number: Int32, _ value: String) {
        let (info, index) = field(number)
        base.storeBytes(
            of: copy(value, field: index, element: -1), toByteOffset: Int(info.offset),
            as: UnsafeMutablePointer<CChar>.self)
        markPresent(info, number)
    }

    public func set(_ number: Int32, bytes: [UInt8]) {
        let (info, _) = field(number)
        base.storeBytes(of: copy(bytes), toByteOffset: Int(info.offset), as: ProtobufCBinaryData.self)
        markPresent(info, number)
    }

    /// Sets a message field, filled by `build`. Called again for the same field, `build` goes on writing the same
    /// message (as protobuf's mutable accessors do): what it sets is added to, or replaces, what the first set.
    public func message(_ number: Int32, _ build: (MessageBuilder) throws -> Void) rethrows {
        let (info, index) = field(number)
        let begun = base.load(fromByteOffset: Int(info.offset), as: UnsafeMutableRawPointer?.self)
        let sameCase =
            !info.isOneof || base.load(fromByteOffset: Int(info.quantifierOffset), as: UInt32.self) == UInt32(number)
        var step = PathFrame(parent: frame, table: table, field: index, element: -1)
        if let begun, sameCase {
            try withUnsafePointer(to: &step) { step in
                try build(
                    MessageBuilder(continuing: begun, table: table.pointee.child(index), arena: arena, frame: step))
            }
            return
        }
        arena.pointee.packedBound += Self.tagAndLength
        let child = try withUnsafePointer(to: &step) { step in
            let child = MessageBuilder(table: table.pointee.child(index), arena: arena, frame: step)
            try build(child)
            return child.base
        }
        base.storeBytes(of: UnsafeRawPointer(child), toByteOffset: Int(info.offset), as: UnsafeRawPointer.self)
        markPresent(info, number)
    }

    @inline(__always)
    private func setScalars<T: BitwiseCopyable>(_ number: Int32, _ values: [T]) {
        let (info, _) = field(number)
        precondition(
            info.isRepeated && MemoryLayout<T>.size == Int(info.valueSize),
            "\(type.fullName) field \(number) is not [\(T.self)]")
        let storage = arena.pointee.allocate(MemoryLayout<T>.stride * values.count)
        arena.pointee.packedBound += Self.tagAndLength + Self.taggedScalar * values.count
        values.withUnsafeBytes { if $0.count > 0 { storage.copyMemory(from: $0.baseAddress!, byteCount: $0.count) } }
        setArray(info, storage, values.count)
    }

    public func set(_ number: Int32, repeated values: [Bool]) {
        set(number, repeated: values.map { Int32($0 ? 1 : 0) })
    }

    public func set(_ number: Int32, repeated values: [String]) {
        let (info, index) = field(number)
        let stride = MemoryLayout<UnsafeRawPointer>.stride
        let storage = arena.pointee.allocate(stride * values.count)
        for (element, value) in values.enumerated() {
            storage.storeBytes(
                of: copy(value, field: index, element: element), toByteOffset: element * stride,
                as: UnsafeMutablePointer<CChar>.self)
        }
        setArray(info, storage, values.count)
    }

    public func set(_ number: Int32, repeatedBytes values: [[UInt8]]) {
        let (info, _) = field(number)
        let stride = MemoryLayout<ProtobufCBinaryData>.stride
        let storage = arena.pointee.allocate(stride * values.count)
        for (element, value) in values.enumerated() {
            storage.storeBytes(of: copy(value), toByteOffset: element * stride, as: ProtobufCBinaryData.self)
        }
        setArray(info, storage, values.count)
    }

    /// Sets a repeated message field with `count` elements, each filled by `build(index, element)`.
    public func messages(_ number: Int32, count: Int, _ build: (Int, MessageBuilder) throws -> Void) rethrows {
        let (info, index) = field(number)
        let elementTable = table.pointee.child(index)
        let stride = MemoryLayout<UnsafeRawPointer>.stride
        let storage = arena.pointee.allocate(stride * count)
        arena.pointee.packedBound += Self.tagAndLength * count
        var step = PathFrame(parent: frame, table: table, field: index, element: 0)
        try withUnsafeMutablePointer(to: &step) { step in
            for element in 0..<count {
                step.pointee.element = element
                let child = MessageBuilder(table: elementTable, arena: arena, frame: step)
                try build(element, child)
                storage.storeBytes(
                    of: UnsafeRawPointer(child.base), toByteOffset: element * stride, as: UnsafeRawPointer.self)
            }
        }
        setArray(info, storage, count)
    }

    private func setArray(_ info: FieldInfo, _ storage: UnsafeMutableRawPointer, _ count: Int) {
        base.storeBytes(of: count, toByteOffset: Int(info.quantifierOffset), as: Int.self)
        base.storeBytes(of: UnsafeRawPointer(storage), toByteOffset: Int(info.offset), as: UnsafeRawPointer.self)
    }

    private func copy(_ value: String, field: Int, element: Int) -> UnsafeMutablePointer<CChar> {
        let copied = value.utf8.withContiguousStorageIfAvailable { utf8 in
            copy(UnsafeRawBufferPointer(utf8), field: field, element: element)
        }
        if let copied { return copied }
        var text = value  // a bridged or lazily decoded string: made contiguous first
        return text.withUTF8 { copy(UnsafeRawBufferPointer($0), field: field, element: element) }
    }

    /// The string's bytes and a terminating zero in the arena; a NUL among them is remembered as the encode's
    /// problem (C strings cannot carry it). One pass, eight bytes at a time, copies and looks for the zero.
    private func copy(_ utf8: UnsafeRawBufferPointer, field: Int, element: Int) -> UnsafeMutablePointer<CChar> {
        let count = utf8.count
        let storage = arena.pointee.allocate(count + 1)
        var found: UInt64 = 0
        var index = 0
        if let source = utf8.baseAddress {
            while index + 8 <= count {
                let word = source.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                found |= zeroBytes(word)
                storage.storeBytes(of: word, toByteOffset: index, as: UInt64.self)
                index += 8
            }
            // The last seven bytes or fewer: four, two, one at a time, no loop.
            if count - index >= 4 {
                let word = source.loadUnaligned(fromByteOffset: index, as: UInt32.self)
                found |= UInt64(zeroBytes(word))
                storage.storeBytes(of: word, toByteOffset: index, as: UInt32.self)
                index += 4
            }
            if count - index >= 2 {
                let word = source.loadUnaligned(fromByteOffset: index, as: UInt16.self)
                found |= UInt64(zeroBytes(word))
                storage.storeBytes(of: word, toByteOffset: index, as: UInt16.self)
                index += 2
            }
            if index < count {
                let byte = source.load(fromByteOffset: index, as: UInt8.self)
                if byte == 0 { found = 1 }
                storage.storeBytes(of: byte, toByteOffset: index, as: UInt8.self)
            }
        }
        storage.storeBytes(of: 0, toByteOffset: count, as: UInt8.self)
        arena.pointee.packedBound += Self.tagAndLength + count
        if found != 0, arena.pointee.problem == nil {
            arena.pointee.problem = CodecError(
                path: PathFrame.describe(frame, then: (table, field, element)),
                "string contains a NUL character, which Herald does not accept")
        }
        return storage.assumingMemoryBound(to: CChar.self)
    }

    private func copy(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        arena.pointee.packedBound += Self.tagAndLength + bytes.count
        guard !bytes.isEmpty else { return ProtobufCBinaryData(len: 0, data: nil) }
        let storage = arena.pointee.allocate(bytes.count)
        bytes.withUnsafeBytes { storage.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        return ProtobufCBinaryData(len: bytes.count, data: storage.assumingMemoryBound(to: UInt8.self))
    }
}
