import CProtobufC
import Foundation

/// A bump allocator handed to protobuf-c: every allocation of one decode (or one encode) comes from a few
/// blocks freed together, so a message costs a constant number of `malloc`s however many fields it has — none
/// for a small one, whose allocations fit in the first block, which is on the stack.
///
/// The arena lives on the stack of `Arena.with` and is reached through a pointer, so allocating checks no
/// reference count and no exclusivity. Memory is not cleared: protobuf-c initialises what it unpacks, and
/// `MessageBuilder` clears each structure it allocates.
///
/// - Important: not thread-safe; one arena serves one decode or encode on one thread.
@usableFromInline
struct Arena {
    /// The first block's size: at most 1,024 bytes, the most `withUnsafeTemporaryAllocation` puts on the stack
    /// without asking the system how much stack is left.
    @usableFromInline static let stackBlock = 1024
    /// Each heap block starts with a pointer to the previous one; the payload begins after this header.
    private static let header = 16
    private var cursor: UnsafeMutableRawPointer
    private var remaining: Int
    private var nextBlockSize: Int
    private var newest: UnsafeMutableRawPointer?
    /// The first value an encode could not carry, thrown when the encode finishes.
    var problem: CodecError?
    /// An upper bound of the encoded size of what was built so far (`MessageBuilder` adds to it with each value),
    /// so that an encode packs into a buffer of this size without protobuf-c's separate size pass.
    var packedBound = 0

    @usableFromInline
    init(first: UnsafeMutableRawBufferPointer, expected: Int) {
        cursor = first.baseAddress!
        remaining = first.count
        nextBlockSize = max(4096, expected)
    }

    /// Runs `body` with an arena whose first heap block, if one is needed, holds `expected` bytes (e.g. a
    /// multiple of the input length, so that most messages need one block at most); everything it allocated is
    /// freed when `body` returns.
    @inlinable
    static func with<R>(expected: Int, _ body: (UnsafeMutablePointer<Arena>) throws -> R) rethrows -> R {
        try withUnsafeTemporaryAllocation(byteCount: stackBlock, alignment: 16) { first in
            var arena = Arena(first: first, expected: expected)
            return try withUnsafeMutablePointer(to: &arena) { arena in
                defer { arena.pointee.releaseAll() }
                return try body(arena)
            }
        }
    }

    /// Uninitialised, 16-byte aligned memory that lives as long as the arena.
    @inline(__always)
    mutating func allocate(_ size: Int) -> UnsafeMutableRawPointer {
        let rounded = (max(size, 1) + 15) & ~15
        guard rounded <= remaining else { return allocateBlock(rounded) }
        let pointer = cursor
        cursor = pointer + rounded
        remaining -= rounded
        return pointer
    }

    private mutating func allocateBlock(_ rounded: Int) -> UnsafeMutableRawPointer {
        let blockSize = max(nextBlockSize, rounded + Self.header)
        guard let block = malloc(blockSize) else { fatalError("out of memory allocating \(blockSize) bytes") }
        block.storeBytes(of: newest, as: UnsafeMutableRawPointer?.self)
        newest = block
        nextBlockSize = min(blockSize * 2, 1 << 24)
        let pointer = block + Self.header
        cursor = pointer + rounded
        remaining = blockSize - Self.header - rounded
        return pointer
    }

    @usableFromInline
    mutating func releaseAll() {
        while let block = newest {
            newest = block.load(as: UnsafeMutableRawPointer?.self)
            free(block)
        }
    }

    /// The protobuf-c allocator view of `arena`; valid while the arena lives.
    static func allocator(_ arena: UnsafeMutablePointer<Arena>) -> ProtobufCAllocator {
        ProtobufCAllocator(
            alloc: { data, size in data!.assumingMemoryBound(to: Arena.self).pointee.allocate(size) },
            free: { _, _ in },
            allocator_data: UnsafeMutableRawPointer(arena))
    }
}
