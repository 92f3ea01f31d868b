import COpenSSL

/// OpenSSL refused an operation: which one, and OpenSSL's own reason (its error queue, drained).
public struct CryptoError: Error, CustomStringConvertible, Equatable {
    public let operation: String
    public let reason: String

    public var description: String { reason.isEmpty ? operation : "\(operation): \(reason)" }

    /// The one funnel from OpenSSL's return codes (1 is success for the EVP functions used here) to Swift.
    @inline(__always)
    static func check(_ code: Int32, _ operation: StaticString) throws(CryptoError) {
        guard code == 1 else { throw CryptoError(operation: "\(operation)", reason: drainErrors()) }
    }

    /// The messages on OpenSSL's error queue of this thread, emptied.
    static func drainErrors() -> String {
        var messages: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.joined(separator: "; ")
    }
}
