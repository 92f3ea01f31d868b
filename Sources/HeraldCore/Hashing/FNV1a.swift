/// FNV-1a, 64-bit: a fast, stable hash of bytes (the same in every process and language, unlike `Hasher`), for
/// assignment buckets, hold-out splits and names derived from text.
public enum FNV1a {
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    public static let prime: UInt64 = 0x100_0000_01b3

    /// The hash of `bytes`, continuing from `state` (the offset basis for a fresh hash).
    @inlinable
    public static func hash<Bytes: Sequence<UInt8>>(_ bytes: Bytes, from state: UInt64 = offsetBasis) -> UInt64 {
        var hash = state
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* prime }
        return hash
    }
}
