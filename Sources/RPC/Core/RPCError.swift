import Foundation
import HeraldCore

/// An RPC's outcome other than OK: a status code and a message for the client.
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible, StatusConvertibleError {
    public var code: StatusCode
    public var message: String
    /// A client's view of a failed call: the response's trailing metadata (`grpc-retry-pushback-ms` among it). A
    /// handler that throws the error may set it too: the server sends it with the status.
    public var trailingMetadata: [(name: String, value: String)] = []
    /// A client's view of a failed call: response headers had arrived before the status (gRFC A6: the call was
    /// committed, and is not retried).
    public var responseStarted = false
    /// An encoded `google.rpc.Status` with structured details (`grpc-status-details-bin`), e.g. a
    /// `google.rpc.BadRequest` naming each invalid field; nil for none.
    public var details: [UInt8]?
    /// What caused it, for logs and for code that handles the failure (never sent to the peer).
    public var cause: (any Error)?

    public init(_ code: StatusCode, _ message: String, details: [UInt8]? = nil, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.details = details
        self.cause = cause
    }

    /// The status a response's headers or trailers carry (`grpc-status`, `grpc-message`, `grpc-status-details-bin`):
    /// nil when they carry none; code OK for a success.
    init?(status fields: [(name: String, value: String)]) {
        guard let code = fields.first(where: { $0.name == "grpc-status" }).flatMap({ Int($0.value) }) else {
            return nil
        }
        self.init(
            StatusCode(rawValue: code),
            fields.first { $0.name == "grpc-message" }.map { StatusMessage.decode($0.value) } ?? "",
            details: fields.first { $0.name == "grpc-status-details-bin" }.flatMap { BinaryHeader.decode($0.value) })
    }

    /// Equal statuses: the same code and message (the client-side details are not compared).
    public static func == (a: RPCError, b: RPCError) -> Bool { a.code == b.code && a.message == b.message }

    /// A trailing metadata value, for a client inspecting why a call failed.
    public func trailer(_ name: String) -> String? { trailingMetadata.first { $0.name == name }?.value }

    public var statusCode: StatusCode { code }
    public var statusMessage: String { message }
    public var statusDetails: [UInt8]? { details }
    public var description: String { "\(code): \(message)" }

    /// The status any error becomes at the server boundary (mapped once, here).
    public static func from(_ error: any Error) -> RPCError {
        switch error {
        case let error as RPCError: return error
        case let error as StatusConvertibleError:
            let violations = error.fieldViolations
            guard violations.isEmpty else {
                return RPCError(error.statusCode, violations: violations, total: error.violationCount)
            }
            return RPCError(error.statusCode, error.statusMessage, details: error.statusDetails, cause: error)
        case is CancellationError: return RPCError(.cancelled, "the call was cancelled", cause: error)
        default: return RPCError(.unknown, "internal error", cause: error)
        }
    }
}

/// The value of a `-bin` header: base64, sent without padding; read with or without it (gRPC over HTTP/2).
enum BinaryHeader {
    static func encode(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    static func decode(_ text: String) -> [UInt8]? {
        let padded = text + String(repeating: "=", count: (4 - text.utf8.count % 4) % 4)
        return Data(base64Encoded: padded).map { Array($0) }
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

    /// The length of `encode(text)`, without making it.
    static func encodedCount(_ text: String) -> Int {
        text.utf8.reduce(0) { $0 + ($1 >= 0x20 && $1 <= 0x7E && $1 != UInt8(ascii: "%") ? 1 : 3) }
    }

    /// `text` encoded in at most `limit` bytes: cut at a character boundary with "…" when it does not fit.
    static func encode(_ text: String, limit: Int) -> String {
        guard encodedCount(text) > limit else { return encode(text) }
        var kept = ""
        var used = 0
        let ellipsis = encodedCount("…")
        for character in text {
            let size = encodedCount(String(character))
            if used + size + ellipsis > limit { break }
            kept.append(character)
            used += size
        }
        return encode(kept + "…")
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
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
