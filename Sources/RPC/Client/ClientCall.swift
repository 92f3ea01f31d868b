import CLibevent
import EventLoop
import Foundation
import HTTP2
import HeraldCore

/// One call's state on the client's loop.
// unchecked: created off the loop, then touched only on the client's loop
final class ClientCall: @unchecked Sendable {
    let path: String
    let request: [UInt8]
    let metadata: [(String, String)]
    let timeout: Duration?
    let deadline: ContinuousClock.Instant?
    let compressed: Bool
    /// The call was refused once and sent again (gRFC A6 allows one transparent retry of a refused stream).
    var transparentlyRetried = false
    var continuation: CheckedContinuation<GRPCClient.Response, any Error>?
    var streamID: Int32?
    var headers: [(name: String, value: String)]?
    var trailers: [(name: String, value: String)] = []
    var deframer = MessageDeframer(maxMessageBytes: 4 * 1024 * 1024)
    var messages: [[UInt8]] = []
    var timer: LoopTimer?
    weak var connection: ClientConnection?

    init(path: String, request: [UInt8], metadata: [(String, String)], timeout: Duration?, compressed: Bool) {
        self.path = path
        self.request = request
        self.metadata = metadata
        self.timeout = timeout
        deadline = timeout.map { ContinuousClock.now + $0 }
        self.compressed = compressed
    }

    /// The server refused the stream before any response: true when the call may be sent again.
    func mayRetryTransparently(errorCode: UInt32) -> Bool {
        errorCode == 0x7 && headers == nil && messages.isEmpty && !transparentlyRetried && continuation != nil
    }

    func fail(_ error: RPCError) {
        timer?.cancel()
        if let streamID, let connection { connection.abandon(streamID) }
        continuation?.resume(throwing: error)
        continuation = nil
    }

    /// The stream closed: the status from the trailers (or from the headers of a Trailers-Only response).
    func complete(errorCode: UInt32) {
        timer?.cancel()
        guard let continuation else { return }
        self.continuation = nil
        let statusSource = trailers.isEmpty ? (headers ?? []) : trailers
        guard var error = RPCError(status: statusSource) else {
            let reason =
                errorCode == 0x7
                ? "the server refused the call before processing it (HTTP/2 REFUSED_STREAM, already retried once): safe to retry"
                : errorCode != 0
                    ? "the server reset the stream (HTTP/2 error \(errorCode))" : "the response had no grpc-status"
            continuation.resume(throwing: RPCError(errorCode == 0x7 ? .unavailable : .internal, reason))
            return
        }
        guard error.code == .ok else {
            error.trailingMetadata = statusSource.filter { !$0.name.hasPrefix(":") }
            error.responseStarted = !trailers.isEmpty
            continuation.resume(throwing: error)
            return
        }
        guard messages.count == 1 else {
            continuation.resume(
                throwing: RPCError(.internal, "a unary response needs one message, got \(messages.count)"))
            return
        }
        let user = { (list: [(name: String, value: String)]) in
            list.filter { !$0.name.hasPrefix(":") && !$0.name.hasPrefix("grpc-") && $0.name != "content-type" }
        }
        continuation.resume(
            returning: GRPCClient.Response(
                message: messages[0], initialMetadata: user(headers ?? []), trailingMetadata: user(trailers)))
    }
}
