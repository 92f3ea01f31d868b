import Crypto
import Testing

@Suite("crypto")
struct CryptoTests {
    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    @Test("AES-256-GCM opens the NIST test vectors (zero key and nonce; empty and one-block plaintexts)")
    func nistVectors() throws {
        let cipher = try AESGCM(key: [UInt8](repeating: 0, count: 32))
        let nonce = [UInt8](repeating: 0, count: 12)
        #expect(try cipher.open(nonce + Self.hex("530f8afbc74536b9a963b4f1c4cb738b")) == [])
        let sealed = nonce + Self.hex("cea7403d4d606b6e074ec5d3baf39d18") + Self.hex("d0d1c8a799996bf0265b98b5d48ab919")
        #expect(try cipher.open(sealed) == [UInt8](repeating: 0, count: 16))
    }

    @Test("AES-256-GCM: a sealed message opens with its key and associated data, and with nothing else")
    func roundTripAndTampering() throws {
        let key = SecureRandom.bytes(32)
        let cipher = try AESGCM(key: key)
        let text = Array("ada@example.com".utf8)
        let sealed = try cipher.seal(text, associated: Array("email".utf8))
        #expect(sealed.count == 12 + text.count + 16)
        #expect(try cipher.open(sealed, associated: Array("email".utf8)) == text)
        #expect(try cipher.seal(text) != cipher.seal(text), "a fresh nonce each time")
        var altered = sealed
        altered[14] ^= 1
        #expect(throws: CryptoError.self) { try cipher.open(altered, associated: Array("email".utf8)) }
        #expect(throws: CryptoError.self) { try cipher.open(sealed, associated: Array("phone".utf8)) }
        #expect(throws: CryptoError.self) {
            try AESGCM(key: SecureRandom.bytes(32)).open(sealed, associated: Array("email".utf8))
        }
        #expect(throws: CryptoError.self) { try AESGCM(key: [1, 2, 3]) }
    }

    @Test("HMAC-SHA256 matches RFC 4231's test cases, and a keyed instance gives the same MAC each time")
    func hmacVectors() throws {
        let jefe = try HMACSHA256(key: Array("Jefe".utf8))
        let expected = Self.hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(try jefe.authenticate(Array("what do ya want for nothing?".utf8)) == expected)
        #expect(try jefe.authenticate(Array("what do ya want for nothing?".utf8)) == expected)
        #expect(
            try HMACSHA256.authenticate(Array("Hi There".utf8), key: [UInt8](repeating: 0x0b, count: 20))
                == Self.hex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"))
    }
}
