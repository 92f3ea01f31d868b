import CZlib

/// gzip for gRPC message compression (`grpc-encoding: gzip`).
enum Gzip {
    static func compress(_ input: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        guard herald_deflate_init_gzip(&stream, Z_DEFAULT_COMPRESSION) == Z_OK else {
            throw RPCError(.internal, "gzip: cannot start compressing")
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 32)
        var mutableInput = input
        let status = mutableInput.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = UInt32(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(target.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw RPCError(.internal, "gzip: compression failed (\(status))") }
        output.removeLast(output.count - Int(stream.total_out))
        return output
    }

    /// Decompresses, refusing output larger than `limit` (a small message may inflate enormously).
    static func decompress(_ input: [UInt8], limit: Int) throws -> [UInt8] {
        var stream = z_stream()
        guard herald_inflate_init_gzip(&stream) == Z_OK else {
            throw RPCError(.internal, "gzip: cannot start decompressing")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var mutableInput = input
        try mutableInput.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(source.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { target -> (Int32, Int) in
                    stream.next_out = target.baseAddress
                    stream.avail_out = UInt32(target.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, target.count - Int(stream.avail_out))
                }
                output.append(contentsOf: chunk[0..<produced])
                guard output.count <= limit else {
                    throw RPCError(.resourceExhausted, "decompressed message exceeds the limit of \(limit) bytes")
                }
                if status == Z_STREAM_END { return }
                guard status == Z_OK, produced > 0 || stream.avail_in > 0 else {
                    throw RPCError(.internal, "gzip: the compressed message is corrupt (\(status))")
                }
            }
        }
        return output
    }
}
