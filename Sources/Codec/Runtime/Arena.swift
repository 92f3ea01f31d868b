import CProtobufC
import Foundation

/// A bump allocator handed to protobuf-c: every allocation of one decode (or one encode) comes from a few
/// large blocks freed together, so a message costs a constant number of `malloc`s however many fields it has.
///
/// - Important: not thread-safe; one arena serves one decode or encode on one thread.
final class Arena {
    /// Blocks beyond the first, which most messages never need.
    private var blocks: [UnsafeMutableRawPointer] = []
    private var firstBlock: UnsafeMutableRawPointer?
    private var cursor: UnsafeMutableRawPointer?
    private var remaining = 0
    private var nextBlockSize: Int
    /// The first value an encode could not carry, thrown when the encode finishes.
    var problem: CodecError?
    /// The message fields an encode is inside (type, field index, element index or -1), so that a problem can name
    /// its path without any path being built while all is well.
    var path: [(type: Unmanaged<MessageType>, field: Int, element: Int)] = []

    /// `a.b[2].c` for the current position plus `field` of `type`.
    func describePath(ending type: MessageType, field: Int, element: Int) -> String {
        (path + [(Unmanaged.passUnretained(type), field, element)]).map { step in
            let name = step.type.takeUnretainedValue().fields[step.field].schema.name
            return step.element >= 0 ? "\(name)[\(step.element)]" : name
        }.joined(separator: ".")
    }

    /// `expected` sizes the first block (e.g. a multiple of the input length), so most messages need one block.
    init(expected: Int = 4096) {
        nextBlockSize = max(1024, expected)
    }

    deinit {
        free(firstBlock)
        for block in blocks { free(block) }
    }

    /// Zero-filled, 16-byte aligned memory that lives as long as the arena.
    func allocate(_ size: Int) -> UnsafeMutableRawPointer {
        let rounded = (max(size, 1) + 15) & ~15
        if rounded > remaining {
            let blockSize = max(nextBlockSize, rounded)
            guard let block = calloc(1, blockSize) else { fatalError("out of memory allocating \(blockSize) bytes") }
            if firstBlock == nil { firstBlock = block } else { blocks.append(block) }
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
