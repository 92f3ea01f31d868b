import CProtobufC
import Foundation

/// Writes a message into a C structure for protobuf-c to pack, allocating everything from the encode's arena.
///
/// Setters never throw, so mappers stay plain; a value protobuf-c cannot carry (a string with a NUL character)
/// is remembered and `encode` throws it with the field's path.
public struct MessageBuilder {
    let base: UnsafeMutableRawPointer
    public let type: MessageType
    let arena: Arena
    let path: String

    init(type: MessageType, arena: Arena, path: String = "") {
        self.type = type
        self.arena = arena
        self.path = path
        base = arena.allocate(type.size)
        base.storeBytes(of: UnsafeRawPointer(type.descriptor), as: UnsafeRawPointer.self)
    }

    @inline(__always)
    private func layout(_ number: Int32) -> (FieldLayout, Int) {
        guard let index = type.index(of: number) else { preconditionFailure("\(type.fullName) has no field \(number)") }
        return (type.fields[index], index)
    }

    private func markPresent(_ field: FieldLayout) {
        guard let q = field.quantifierOffset else { return }
        if field.oneofIndex != nil {
            base.storeBytes(of: UInt32(field.number), toByteOffset: q, as: UInt32.self)
        } else if field.schema.label == .optional {
            base.storeBytes(of: Int32(1), toByteOffset: q, as: Int32.self)
        }
    }

    private func childPath(_ field: FieldLayout, _ index: Int? = nil) -> String {
        let name = index.map { "\(field.schema.name)[\($0)]" } ?? field.schema.name
        return path.isEmpty ? name : "\(path).\(name)"
    }

    /// Sets a scalar of the field's C type (Int32 for int32/sint32/sfixed32/enums, UInt32, Int64, UInt64, Float, Double).
    public func set<T: BitwiseCopyable>(_ number: Int32, _ value: T) {
        let (field, _) = layout(number)
        precondition(MemoryLayout<T>.size == field.valueSize && !field.isRepeated, "\(type.fullName).\(field.schema.name) is not \(T.self)")
        base.storeBytes(of: value, toByteOffset: field.offset, as: T.self)
        markPresent(field)
    }

    public func set(_ number: Int32, _ value: Bool) { set(number, Int32(value ? 1 : 0)) }

    public func set(_ number: Int32, _ value: String) {
        let (field, _) = layout(number)
        base.storeBytes(of: copy(value, field: field), toByteOffset: field.offset, as: UnsafeMutablePointer<CChar>.self)
        markPresent(field)
    }

    public func set(_ number: Int32, bytes: [UInt8]) {
        let (field, _) = layout(number)
        base.storeBytes(of: copy(bytes), toByteOffset: field.offset, as: ProtobufCBinaryData.self)
        markPresent(field)
    }

    /// Sets a message field, filled by `build`.
    public func message(_ number: Int32, _ build: (MessageBuilder) throws -> Void) rethrows {
        let (field, index) = layout(number)
        let child = MessageBuilder(type: type.messageTypes[index]!, arena: arena, path: childPath(field))
        try build(child)
        base.storeBytes(of: UnsafeRawPointer(child.base), toByteOffset: field.offset, as: UnsafeRawPointer.self)
        markPresent(field)
    }

    /// Sets a repeated scalar field from values of its C type.
    public func set<T: BitwiseCopyable>(_ number: Int32, repeated values: [T]) {
        let (field, _) = layout(number)
        precondition(field.isRepeated && MemoryLayout<T>.size == field.valueSize, "\(type.fullName).\(field.schema.name) is not [\(T.self)]")
        let storage = arena.allocate(MemoryLayout<T>.stride * values.count)
        values.withUnsafeBytes { storage.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        setArray(field, storage, values.count)
    }

    public func set(_ number: Int32, repeated values: [Bool]) { set(number, repeated: values.map { Int32($0 ? 1 : 0) }) }

    public func set(_ number: Int32, repeated values: [String]) {
        let (field, _) = layout(number)
        let storage = arena.allocate(MemoryLayout<UnsafeRawPointer>.stride * values.count)
        for (index, value) in values.enumerated() {
            storage.storeBytes(of: copy(value, field: field, index: index), toByteOffset: index * MemoryLayout<UnsafeRawPointer>.stride, as: UnsafeMutablePointer<CChar>.self)
        }
        setArray(field, storage, values.count)
    }

    public func set(_ number: Int32, repeatedBytes values: [[UInt8]]) {
        let (field, _) = layout(number)
        let stride = MemoryLayout<ProtobufCBinaryData>.stride
        let storage = arena.allocate(stride * values.count)
        for (index, value) in values.enumerated() {
            storage.storeBytes(of: copy(value), toByteOffset: index * stride, as: ProtobufCBinaryData.self)
        }
        setArray(field, storage, values.count)
    }

    /// Sets a repeated message field with `count` elements, each filled by `build(index, element)`.
    public func messages(_ number: Int32, count: Int, _ build: (Int, MessageBuilder) throws -> Void) rethrows {
        let (field, index) = layout(number)
        let elementType = type.messageTypes[index]!
        let storage = arena.allocate(MemoryLayout<UnsafeRawPointer>.stride * count)
        for element in 0..<count {
            let child = MessageBuilder(type: elementType, arena: arena, path: childPath(field, element))
            try build(element, child)
            storage.storeBytes(of: UnsafeRawPointer(child.base), toByteOffset: element * MemoryLayout<UnsafeRawPointer>.stride, as: UnsafeRawPointer.self)
        }
        setArray(field, storage, count)
    }

    private func setArray(_ field: FieldLayout, _ storage: UnsafeMutableRawPointer, _ count: Int) {
        base.storeBytes(of: count, toByteOffset: field.quantifierOffset!, as: Int.self)
        base.storeBytes(of: UnsafeRawPointer(storage), toByteOffset: field.offset, as: UnsafeRawPointer.self)
    }

    private func copy(_ value: String, field: FieldLayout, index: Int? = nil) -> UnsafeMutablePointer<CChar> {
        var text = value
        return text.withUTF8 { utf8 in
            if utf8.contains(0), arena.problem == nil {
                arena.problem = CodecError(path: childPath(field, index), "string contains a NUL character, which Herald does not accept")
            }
            let storage = arena.allocate(utf8.count + 1)
            if utf8.count > 0 { storage.copyMemory(from: utf8.baseAddress!, byteCount: utf8.count) }
            return storage.assumingMemoryBound(to: CChar.self)
        }
    }

    private func copy(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        guard !bytes.isEmpty else { return ProtobufCBinaryData(len: 0, data: nil) }
        let storage = arena.allocate(bytes.count)
        bytes.withUnsafeBytes { storage.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        return ProtobufCBinaryData(len: bytes.count, data: storage.assumingMemoryBound(to: UInt8.self))
    }
}
