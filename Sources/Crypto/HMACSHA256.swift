import COpenSSL

/// HMAC-SHA256 with one key, set up once (a blind index computes millions with the same key).
///
/// - Important: not thread-safe (one OpenSSL context): use one per task or batch.
public final class HMACSHA256 {
    public static let bytes = 32
    private let mac: OpaquePointer
    private let context: OpaquePointer
    private let key: [UInt8]

    public init(key: [UInt8]) throws(CryptoError) {
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else {
            throw CryptoError(operation: "EVP_MAC_fetch(HMAC)", reason: CryptoError.drainErrors())
        }
        guard let context = EVP_MAC_CTX_new(mac) else {
            EVP_MAC_free(mac)
            throw CryptoError(operation: "EVP_MAC_CTX_new", reason: CryptoError.drainErrors())
        }
        self.mac = mac
        self.context = context
        self.key = key
        var digest = Array("SHA256".utf8CString)
        try digest.withUnsafeMutableBufferPointer { (name) throws(CryptoError) in
            var parameters = [
                OSSL_PARAM_construct_utf8_string("digest", name.baseAddress, 0), OSSL_PARAM_construct_end(),
            ]
            try CryptoError.check(EVP_MAC_init(context, key, key.count, &parameters), "EVP_MAC_init")
        }
    }

    deinit {
        EVP_MAC_CTX_free(context)
        EVP_MAC_free(mac)
    }

    /// The 32-byte MAC of `data`.
    public func authenticate(_ data: [UInt8]) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Self.bytes)
        var length = 0
        // A NULL key re-initializes with the key set in init.
        try CryptoError.check(EVP_MAC_init(context, nil, 0, nil), "EVP_MAC_init")
        try CryptoError.check(EVP_MAC_update(context, data, data.count), "EVP_MAC_update")
        try CryptoError.check(EVP_MAC_final(context, &out, &length, out.count), "EVP_MAC_final")
        return out
    }

    /// One MAC, for a key used once.
    public static func authenticate(_ data: [UInt8], key: [UInt8]) throws(CryptoError) -> [UInt8] {
        try HMACSHA256(key: key).authenticate(data)
    }
}
