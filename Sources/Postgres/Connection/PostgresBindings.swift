/// Statement parameters in text format, packed into one buffer of NUL-terminated strings for libpq.
struct PostgresBindings {
    private var storage: [UInt8] = []
    private var offsets: [Int?] = []

    /// Encodes each parameter's text. A NUL byte cannot travel in a C string, so it is an error naming `$n`.
    init(_ parameters: [any PostgresEncodable]) throws {
        guard parameters.count <= 65535 else {
            throw PostgresError(
                kind: .encoding, message: "\(parameters.count) parameters; PostgreSQL takes at most 65535")
        }
        offsets.reserveCapacity(parameters.count)
        for (index, parameter) in parameters.enumerated() {
            guard var text = parameter.postgresText else {
                offsets.append(nil)
                continue
            }
            try text.withUTF8 { bytes in
                if bytes.contains(0) {
                    throw PostgresError(
                        kind: .encoding,
                        message: "parameter $\(index + 1) contains a NUL byte, which PostgreSQL text cannot hold")
                }
                offsets.append(storage.count)
                storage.append(contentsOf: bytes)
                storage.append(0)
            }
        }
    }

    var count: Int32 { Int32(offsets.count) }

    /// Calls `body` with libpq's `paramValues` array (NULL entries for SQL NULL) and the parameter count.
    func withCPointers<R>(_ body: (UnsafePointer<UnsafePointer<CChar>?>?, Int32) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { raw in
            let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self)
            let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in offset.map { base! + $0 } }
            return try pointers.withUnsafeBufferPointer { try body($0.baseAddress, count) }
        }
    }
}
