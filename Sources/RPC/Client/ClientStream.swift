import EventLoop
import HTTP2
import HeraldCore

/// One streaming call (client, server or bidirectional streaming) opened by `GRPCClient.stream`: send requests
/// with `send`, end them with `finishSending`, read `responses`; the call's status ends `responses` (an
/// `RPCError` is thrown for anything but OK).
public final class ClientStream: @unchecked Sendable {  // unchecked: call state is touched only on the client's loop
    /// Response messages; throws the call's status when it is not OK.
    public let responses: AsyncThrowingStream<[UInt8], any Error>
    let continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation
    let loop: EventLoop
    let path: String
    let metadata: [(String, String)]
    let timeout: Duration?
    let compressRequests: Bool
    var streamID: Int32?
    weak var connection: ClientConnection?
    var headers: [(name: String, value: String)]?
    var trailers: [(name: String, value: String)] = []
    var deframer = MessageDeframer(maxMessageBytes: 4 * 1024 * 1024)
    var timer: LoopTimer?
    var ended = false
    /// Sends queued before the stream exists (the connection was still connecting).
    var pending: [[UInt8]] = []
    var pendingFinish = false
    /// Everything sent until the response headers arrive, to send again if the server refuses the stream before
    /// its application saw it (gRFC A6 transparent retry); dropped at the headers (the call is committed) or when
    /// it outgrows `replayLimit`.
    var replay: [[UInt8]]? = []
    var replayBytes = 0
    var replayFinish = false
    var transparentlyRetried = false
    static let replayLimit = 1 << 20
    private var headerWaiters: [CheckedContinuation<[(name: String, value: String)], Never>] = []
    /// Writers waiting for the queued requests to drain (`write`).
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []
    /// Request bytes queued for the stream above which `write` suspends.
    static let highWater = 1 << 20

    init(loop: EventLoop, path: String, metadata: [(String, String)], timeout: Duration?, compressRequests: Bool) {
        self.loop = loop
        self.path = path
        self.metadata = metadata
        self.timeout = timeout
        self.compressRequests = compressRequests
        (responses, continuation) = AsyncThrowingStream.makeStream()
    }

    /// Sends one request message.
    public func send(_ message: [UInt8]) {
        loop.execute { [self] in
            guard !ended else { return }
            if replay != nil {
                replayBytes += message.count
                if replayBytes > Self.replayLimit { replay = nil } else { replay!.append(message) }
            }
            guard let streamID, let connection else {
                pending.append(message)
                return
            }
            connection.send(streamID, message, compressed: compressRequests)
        }
    }

    /// Sends one request message, then suspends while more than a megabyte of requests is queued for the stream,
    /// until the server has read enough of them (or the call ends): a client streaming millions of rows holds its
    /// producer instead of its memory.
    public func write(_ message: [UInt8]) async {
        send(message)
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            loop.execute { [self] in
                guard !ended, let streamID, let connection,
                    connection.session.bufferedBytes(streamID) > Self.highWater
                else {
                    waiter.resume()
                    return
                }
                drainWaiters.append(waiter)
                if drainWaiters.count == 1 {
                    connection.session.whenDrained(streamID, below: Self.highWater / 2) { [weak self] in
                        self?.releaseWriters()
                    }
                }
            }
        }
    }

    private func releaseWriters() {
        let waiters = drainWaiters
        drainWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    /// Half-closes: no more requests.
    public func finishSending() {
        loop.execute { [self] in
            guard !ended else { return }
            replayFinish = true
            guard let streamID, let connection else {
                pendingFinish = true
                return
            }
            connection.finishSending(streamID)
        }
    }

    /// Cancels the call (RST_STREAM); `responses` ends with CANCELLED.
    public func cancel() {
        loop.execute { [self] in end(RPCError(.cancelled, "the call was cancelled by the caller")) }
    }

    /// The response headers' metadata, once they arrive (empty for a Trailers-Only response).
    public func initialMetadata() async -> [(name: String, value: String)] {
        await withCheckedContinuation { continuation in
            loop.execute { [self] in
                if let headers {
                    continuation.resume(returning: userMetadata(headers))
                } else if ended {
                    continuation.resume(returning: [])
                } else {
                    headerWaiters.append(continuation)
                }
            }
        }
    }

    /// The trailers' metadata, after `responses` has ended.
    public var trailingMetadata: [(name: String, value: String)] { userMetadata(trailers) }

    func userMetadata(_ list: [(name: String, value: String)]) -> [(name: String, value: String)] {
        list.filter { !$0.name.hasPrefix(":") && !$0.name.hasPrefix("grpc-") && $0.name != "content-type" }
    }

    func receivedHeaders(_ block: [(name: String, value: String)]) {
        if headers == nil {
            headers = block
            replay = nil  // committed
            deframer.gzipAllowed = block.contains { $0.name == "grpc-encoding" && $0.value == "gzip" }
            for waiter in headerWaiters { waiter.resume(returning: userMetadata(block)) }
            headerWaiters = []
        } else {
            trailers = block
        }
    }

    /// The server refused the stream before any response: true when it may be opened again with what was sent so
    /// far (once, and only while everything sent still fits the replay buffer).
    func mayRetryTransparently(errorCode: UInt32) -> Bool {
        errorCode == 0x7 && headers == nil && replay != nil && !transparentlyRetried && !ended
    }

    /// Prepares the stream to be opened again: everything sent so far goes out again on the new stream.
    func prepareRetry() {
        transparentlyRetried = true
        streamID = nil
        connection = nil
        pending = replay ?? []
        pendingFinish = replayFinish
        deframer = MessageDeframer(maxMessageBytes: 4 * 1024 * 1024)
    }

    /// Ends the call with `error`, resetting the stream if it is still open.
    func end(_ error: RPCError?) {
        guard !ended else { return }
        ended = true
        timer?.cancel()
        if let streamID, let connection, error != nil { connection.abandon(streamID) }
        for waiter in headerWaiters { waiter.resume(returning: []) }
        headerWaiters = []
        releaseWriters()
        if let error { continuation.finish(throwing: error) } else { continuation.finish() }
    }

    /// The stream closed: its status from the trailers (or the headers of a Trailers-Only response).
    func closed(errorCode: UInt32) {
        let source = trailers.isEmpty ? (headers ?? []) : trailers
        guard let status = RPCError(status: source) else {
            end(
                RPCError(
                    errorCode == 0x7 ? .unavailable : .internal,
                    errorCode != 0
                        ? "the server reset the stream (HTTP/2 error \(errorCode))" : "the response had no grpc-status")
            )
            return
        }
        end(status.code == .ok ? nil : status)
    }
}
