import Foundation

extension UUID {
    /// A version 7 UUID (RFC 9562): the Unix time in milliseconds in its first 48 bits, then random bits. Ids made
    /// one after the other sort (almost) in the order made, so a B-tree index of them grows at its right edge instead
    /// of at random pages: what a table that takes many thousands of rows a second wants of its primary key.
    public static func timeOrdered(at date: Date = Date()) -> UUID {
        var bytes = UUID().uuid
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        withUnsafeMutableBytes(of: &bytes) { b in
            for i in 0..<6 { b[i] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - i))) }
            b[6] = (b[6] & 0x0F) | 0x70
            b[8] = (b[8] & 0x3F) | 0x80
        }
        return UUID(uuid: bytes)
    }
}
