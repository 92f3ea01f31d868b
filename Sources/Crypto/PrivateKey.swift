import COpenSSL

/// A private key read from PEM (PKCS#8 or the traditional RSA form) that signs: RSA with SHA-256 (PKCS#1 v1.5), or
/// Ed25519 (the message itself; Ed25519 hashes internally).
///
/// - Important: signing is thread-safe (each signature has its own context); the key is freed with the value.
public final class PrivateKey: @unchecked Sendable {
    public enum Kind: Sendable, Equatable { case rsa, ed25519 }

    public let kind: Kind
    private let key: OpaquePointer

    public init(pem: String) throws(CryptoError) {
        let bytes = Array(pem.utf8)
        guard let bio = bytes.withUnsafeBytes({ BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }) else {
            throw CryptoError(operation: "BIO_new_mem_buf", reason: CryptoError.drainErrors())
        }
        defer { BIO_free(bio) }
        guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else {
            throw CryptoError(operation: "PEM_read_bio_PrivateKey", reason: CryptoError.drainErrors())
        }
        switch EVP_PKEY_get_base_id(key) {
        case EVP_PKEY_RSA: kind = .rsa
        case EVP_PKEY_ED25519: kind = .ed25519
        default:
            EVP_PKEY_free(key)
            throw CryptoError(operation: "PrivateKey", reason: "an RSA or Ed25519 key is needed")
        }
        self.key = key
    }

    deinit { EVP_PKEY_free(key) }

    /// The signature of `data`: RSASSA-PKCS1-v1_5 over its SHA-256 (RSA), or Ed25519 of it.
    public func sign(_ data: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else {
            throw CryptoError(operation: "EVP_MD_CTX_new", reason: CryptoError.drainErrors())
        }
        defer { EVP_MD_CTX_free(context) }
        try CryptoError.check(
            EVP_DigestSignInit(context, nil, kind == .rsa ? EVP_sha256() : nil, nil, key), "EVP_DigestSignInit")
        var length = 0
        try CryptoError.check(EVP_DigestSign(context, nil, &length, data, data.count), "EVP_DigestSign")
        var signature = [UInt8](repeating: 0, count: length)
        try CryptoError.check(EVP_DigestSign(context, &signature, &length, data, data.count), "EVP_DigestSign")
        return Array(signature.prefix(length))
    }
}
