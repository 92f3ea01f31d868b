import CProtobufC

extension MessageType {
    /// Decodes `bytes` and hands a view of the message to `body`; everything decoded is freed when `body` returns.
    ///
    /// Malformed or hostile input throws a `CodecError` naming the field; it never crashes and never allocates
    /// more than a small multiple of the input. Inlinable, so that the result type is specialized in the caller
    /// (a generic result would cost a metadata lookup per call); the work is in `unpack`.
    @inlinable
    public func decode<R>(
        _ bytes: UnsafeRawBufferPointer, limits: CodecLimits = .default, _ body: (MessageView) throws -> R
    ) throws -> R {
        try Arena.with(expected: bytes.count * 2 + size + 256) { arena in
            try body(MessageView(base: try unpack(bytes, limits: limits, into: arena), table: table))
        }
    }

    @inlinable
    public func decode<R>(_ bytes: [UInt8], limits: CodecLimits = .default, _ body: (MessageView) throws -> R) throws
        -> R
    {
        try bytes.withUnsafeBytes { try decode($0, limits: limits, body) }
    }

    /// Validates `bytes` and has protobuf-c unpack them into `arena`: the message's C structure.
    @usableFromInline
    func unpack(_ bytes: UnsafeRawBufferPointer, limits: CodecLimits, into arena: UnsafeMutablePointer<Arena>) throws
        -> UnsafeRawPointer
    {
        guard bytes.count <= limits.maxMessageBytes else {
            throw CodecError(path: "", "message of \(bytes.count) bytes exceeds the limit of \(limits.maxMessageBytes)")
        }
        if try WireValidator.validate(bytes, table: table, limits: limits) {
            // A singular message field occurs more than once: joined first, since protobuf-c's own merge loses
            // proto3 scalars (see WireMerge).
            let joined = try WireMerge.normalize(bytes, table: table)
            return try joined.withUnsafeBytes { try unpackValidated($0, into: arena) }
        }
        return try unpackValidated(bytes, into: arena)
    }

    /// protobuf-c's unpack of validated bytes into `arena` (strings and bytes are copied there).
    @usableFromInline
    func unpackValidated(_ bytes: UnsafeRawBufferPointer, into arena: UnsafeMutablePointer<Arena>) throws
        -> UnsafeRawPointer
    {
        var allocator = Arena.allocator(arena)
        var nothing: UInt8 = 0  // protobuf-c wants a pointer even for zero bytes
        let message = withUnsafePointer(to: &nothing) { placeholder in
            protobuf_c_message_unpack(
                descriptor, &allocator, bytes.count,
                bytes.count == 0 ? placeholder : bytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard let message else { throw CodecError(path: "", "protobuf-c could not unpack \(fullName)") }
        return UnsafeRawPointer(message)
    }

    /// Builds a message with `build` and packs it.
    public func encode(_ build: (MessageBuilder) throws -> Void) throws -> [UInt8] {
        try Arena.with(expected: size + 1024) { arena in
            let builder = MessageBuilder(table: table, arena: arena, frame: nil)
            try build(builder)
            if let problem = arena.pointee.problem { throw problem }
            let message = builder.base.assumingMemoryBound(to: ProtobufCMessage.self)
            // Packed into arena memory of the builder's bound (no separate size pass), then copied out.
            let bound = arena.pointee.packedBound
            let scratch = arena.pointee.allocate(bound)
            let size = protobuf_c_message_pack(message, scratch.assumingMemoryBound(to: UInt8.self))
            precondition(size <= bound, "\(fullName): packed \(size) bytes, more than the bound \(bound)")
            return Array(UnsafeBufferPointer(start: scratch.assumingMemoryBound(to: UInt8.self), count: size))
        }
    }
}
