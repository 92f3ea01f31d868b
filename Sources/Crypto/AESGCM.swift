import COpenSSL

/// AES-256-GCM with one key: `seal` encrypts and authenticates, `open` checks and decrypts. The key schedule is
/// set up once; each message only sets its nonce.
///
/// - Important: not thread-safe (one OpenSSL context): use one per task or batch.
public final class AESGCM {
    public static let keyBytes = 32
    public static let nonceBytes = 12
    public static let tagBytes = 16
    private let encryption: OpaquePointer
    private let decryption: OpaquePointer

    /// A cipher with `key` (32 bytes).
    public init(key: [UInt8]) throws(CryptoError) {
        guard key.count == Self.keyBytes else {
            throw CryptoError(operation: "AES-256-GCM key", reason: "\(key.count) bytes; expected 32")
        }
        guard let encryption = EVP_CIPHER_CTX_new(), let decryption = EVP_CIPHER_CTX_new() else {
            throw CryptoError(operation: "EVP_CIPHER_CTX_new", reason: CryptoError.drainErrors())
        }
        self.encryption = encryption
        self.decryption = decryption
        try CryptoError.check(EVP_EncryptInit_ex(encryption, EVP_aes_256_gcm(), nil, key, nil), "EVP_EncryptInit_ex")
        try CryptoError.check(EVP_DecryptInit_ex(decryption, EVP_aes_256_gcm(), nil, key, nil), "EVP_DecryptInit_ex")
    }

    deinit {
        EVP_CIPHER_CTX_free(encryption)
        EVP_CIPHER_CTX_free(decryption)
    }

    /// `nonce ‖ ciphertext ‖ tag` of `plaintext`, with a fresh random nonce; `associated` is authenticated, not
    /// encrypted (it must be given again to open).
    public func seal(_ plaintext: [UInt8], associated: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        let nonce = SecureRandom.bytes(Self.nonceBytes)
        var out = [UInt8](repeating: 0, count: Self.nonceBytes + plaintext.count + Self.tagBytes)
        try out.withUnsafeMutableBufferPointer { (buffer) throws(CryptoError) in
            let base = buffer.baseAddress!
            for i in 0..<Self.nonceBytes { base[i] = nonce[i] }
            try CryptoError.check(EVP_EncryptInit_ex(encryption, nil, nil, nil, nonce), "EVP_EncryptInit_ex (nonce)")
            var length: Int32 = 0
            if !associated.isEmpty {
                try CryptoError.check(
                    EVP_EncryptUpdate(encryption, nil, &length, associated, Int32(associated.count)),
                    "EVP_EncryptUpdate (AAD)")
            }
            if !plaintext.isEmpty {
                try CryptoError.check(
                    EVP_EncryptUpdate(encryption, base + Self.nonceBytes, &length, plaintext, Int32(plaintext.count)),
                    "EVP_EncryptUpdate")
            }
            try CryptoError.check(
                EVP_EncryptFinal_ex(encryption, base + Self.nonceBytes + plaintext.count, &length),
                "EVP_EncryptFinal_ex")
            try CryptoError.check(
                EVP_CIPHER_CTX_ctrl(
                    encryption, EVP_CTRL_GCM_GET_TAG, Int32(Self.tagBytes), base + Self.nonceBytes + plaintext.count),
                "EVP_CTRL_GCM_GET_TAG")
        }
        return out
    }

    /// The plaintext of a sealed message; a wrong key, altered bytes or other `associated` data fail the tag check.
    public func open(_ sealed: [UInt8], associated: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        guard sealed.count >= Self.nonceBytes + Self.tagBytes else {
            throw CryptoError(
                operation: "AES-256-GCM open", reason: "\(sealed.count) bytes is shorter than a nonce and a tag")
        }
        let textCount = sealed.count - Self.nonceBytes - Self.tagBytes
        var plaintext = [UInt8](repeating: 0, count: textCount)
        try sealed.withUnsafeBufferPointer { (input) throws(CryptoError) in
            let base = input.baseAddress!
            try plaintext.withUnsafeMutableBufferPointer { (output) throws(CryptoError) in
                try CryptoError.check(EVP_DecryptInit_ex(decryption, nil, nil, nil, base), "EVP_DecryptInit_ex (nonce)")
                var length: Int32 = 0
                if !associated.isEmpty {
                    try CryptoError.check(
                        EVP_DecryptUpdate(decryption, nil, &length, associated, Int32(associated.count)),
                        "EVP_DecryptUpdate (AAD)")
                }
                if textCount > 0 {
                    try CryptoError.check(
                        EVP_DecryptUpdate(
                            decryption, output.baseAddress, &length, base + Self.nonceBytes, Int32(textCount)),
                        "EVP_DecryptUpdate")
                }
                try CryptoError.check(
                    EVP_CIPHER_CTX_ctrl(
                        decryption, EVP_CTRL_GCM_SET_TAG, Int32(Self.tagBytes),
                        UnsafeMutableRawPointer(mutating: base + Self.nonceBytes + textCount)),
                    "EVP_CTRL_GCM_SET_TAG")
                var last: Int32 = 0
                guard EVP_DecryptFinal_ex(decryption, output.baseAddress.map { $0 + textCount } ?? nil, &last) == 1
                else {
                    _ = CryptoError.drainErrors()
                    throw CryptoError(
                        operation: "AES-256-GCM open", reason: "authentication failed (wrong key, or altered data)")
                }
            }
        }
        return plaintext
    }
}
