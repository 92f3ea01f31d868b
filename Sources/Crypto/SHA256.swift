import COpenSSL

/// SHA-256 (FIPS 180-4) through OpenSSL's one-shot digest.
public enum SHA256 {
    public static let bytes = 32

    public static func hash(_ data: [UInt8]) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: bytes)
        var length: UInt32 = 0
        try CryptoError.check(EVP_Digest(data, data.count, &out, &length, EVP_sha256(), nil), "EVP_Digest(SHA-256)")
        return out
    }
}
