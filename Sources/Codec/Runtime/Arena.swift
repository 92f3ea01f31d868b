import CProtobufC
import Foundation

/// A bump allocator handed to protobuf-c: every allocation of one decode (or one encode) comes from a few
/// large blocks freed together, so a message costs a constant number of `malloc`s however many fields it has.
///
/// - Important: not thread-safe; one arena serves one decode or encode on one thread.
final class Arena {
    private var blocks: [UnsafeMutableRawPointer] = []
    private var cursor: UnsafeMutableRawPointer?
    private var remaining = 0
    private var nextBlockSize: Int
    /// The first value an encode could not carry, thrown when the encode finishes.
    var problem: CodecError?

    /// `expected` sizes the first block (e.g. a multiple of the input length), so most messages need one block.
    init(expected: Int = 4096) {
        nextBlockSize = max(1024, expected)
    }

    deinit {
        for block in blocks { free(block) }
    }

    /// Zero-filled, 16-byte aligned memory that lives as long as the arena.
    func allocate(_ size: Int) -> UnsafeMutableRawPointer {
        let rounded = (max(size, 1) + 15) & ~15
        if rounded > remaining {
            let blockSize = max(nextBlockSize, rounded)
            guard let block = calloc(1, blockSize) else { fatalError("out of memory allocating \(blockSize) bytes") }
            blocks.append(block)
            cursor = block
            remaining = blockSize
            nextBlockSize = min(blockSize * 2, 1 << 24)
        }
        let pointer = cursor!
        cursor = pointer + rounded
        remaining -= rounded
        return pointer
    }

    /// The protobuf-c allocator view of this arena; valid while the arena lives.
    var allocator: ProtobufCAllocator {
        ProtobufCAllocator(
            alloc: { data, size in
                Unmanaged<Arena>.fromOpaque(data!).takeUnretainedValue().allocate(size)
            },
            free: { _, _ in },
            allocator_data: Unmanaged.passUnretained(self).toOpaque())
    }
}
