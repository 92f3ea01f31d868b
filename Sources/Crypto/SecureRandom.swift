import COpenSSL

/// Bytes from OpenSSL's CSPRNG (nonces, keys, tokens).
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        // RAND_bytes fails only when the CSPRNG cannot be seeded: nothing secret can be made then.
        precondition(
            RAND_bytes(&bytes, Int32(count)) == 1, "OpenSSL's random generator failed: \(CryptoError.drainErrors())")
        return bytes
    }
}
