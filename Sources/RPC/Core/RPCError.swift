import HeraldCore

/// An RPC's outcome other than OK: a status code and a message for the client.
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible, StatusConvertibleError {
    public var code: StatusCode
    public var message: String
    /// A client's view of a failed call: the response's trailing metadata (`grpc-retry-pushback-ms` among it).
    public var trailingMetadata: [(name: String, value: String)] = []
    /// A client's view of a failed call: response headers had arrived before the status (gRFC A6: the call was
    /// committed, and is not retried).
    public var responseStarted = false

    public init(_ code: StatusCode, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Equal statuses: the same code and message (the client-side details are not compared).
    public static func == (a: RPCError, b: RPCError) -> Bool { a.code == b.code && a.message == b.message }

    /// A trailing metadata value, for a client inspecting why a call failed.
    public func trailer(_ name: String) -> String? { trailingMetadata.first { $0.name == name }?.value }

    public var statusCode: StatusCode { code }
    public var statusMessage: String { message }
    public var description: String { "\(code): \(message)" }

    /// The status any error becomes at the server boundary (mapped once, here).
    public static func from(_ error: any Error) -> RPCError {
        switch error {
        case let error as RPCError: return error
        case let error as StatusConvertibleError: return RPCError(error.statusCode, error.statusMessage)
        case is CancellationError: return RPCError(.cancelled, "the call was cancelled")
        default: return RPCError(.unknown, "internal error")
        }
    }
}

/// gRPC's percent-encoding of `grpc-message`: bytes outside 0x20-0x7E, and `%`, become %XX.
enum StatusMessage {
    static func decode(_ text: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if byte >= 0x20 && byte <= 0x7E && byte != UInt8(ascii: "%") {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
