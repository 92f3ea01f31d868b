import CNghttp2
import Foundation

/// What a session reports about its streams.
public protocol HTTP2SessionDelegate: AnyObject {
    /// A complete header block: a request's headers (server), a response's headers or trailers (client).
    func streamHeaders(_ streamID: Int32, headers: [(name: String, value: String)])
    /// Body bytes (valid only during the call).
    func streamReceived(_ streamID: Int32, bytes: UnsafeRawBufferPointer)
    /// The peer half-closed the stream (END_STREAM).
    func streamEnded(_ streamID: Int32)
    /// The stream is gone: finished, reset by either side, or the connection closed.
    func streamClosed(_ streamID: Int32, errorCode: UInt32)
    /// A PING arrived: the peer's (nghttp2 acknowledges it) or the acknowledgement of ours.
    func pingReceived(ack: Bool)
    /// The peer sent something that cost a stream: an invalid frame, or headers over the advertised limit.
    func peerError()
    /// The peer began a header block (a HEADERS frame whose CONTINUATIONs may follow); `headerBlockStartedAt` says
    /// when, until the block ends.
    func headerBlockBegan()
    /// Headers or trailers submitted for the stream could not be sent (e.g. a header block larger than nghttp2 can
    /// send): the stream stays open until the owner ends it another way (a smaller status, or `reset`).
    func streamHeadersNotSent(_ streamID: Int32, error: HTTP2Error)
}

extension HTTP2SessionDelegate {
    public func pingReceived(ack: Bool) {}
    public func peerError() {}
    public func headerBlockBegan() {}
    public func streamHeadersNotSent(_ streamID: Int32, error: HTTP2Error) {}
}

/// One HTTP/2 connection on nghttp2, server or client side, sans I/O: bytes in through `receive`, bytes out through
/// `takeOutput`, so it is tested without sockets and driven by any transport.
///
/// - Important: confined to one thread (its connection's loop). Not Sendable.
public final class HTTP2Session {
    public enum Role: Sendable { case server, client }

    private var session: OpaquePointer?
    public let role: Role
    /// See `Settings.streamFlowControlByReader`.
    let streamFlowControlByReader: Bool
    public weak var delegate: (any HTTP2SessionDelegate)?
    private var pendingHeaders: [Int32: [(name: String, value: String)]] = [:]
    /// Header-list bytes received so far per stream (name + value + 32 per field, as SETTINGS_MAX_HEADER_LIST_SIZE
    /// counts them): nghttp2 1.52 advertises the limit but does not enforce it on input.
    private var pendingHeaderBytes: [Int32: Int] = [:]
    private let maxHeaderListSize: Int
    /// The peer sent GOAWAY: no new stream may be opened on this connection.
    public private(set) var goAwayReceived = false
    /// The peer's SETTINGS arrived: a client's connection preface is complete (nghttp2 checks the magic before it).
    public private(set) var prefaceReceived = false
    /// When the header block being received began; nil between blocks. HTTP/2 allows no other frame inside a block,
    /// so a connection has at most one.
    public private(set) var headerBlockStartedAt: ContinuousClock.Instant?
    private var headerBlockStream: Int32 = 0
    private var outbound: [Int32: Outbound] = [:]

    /// Response body bytes waiting for nghttp2 to pull them, and the trailers that end the stream.
    final class Outbound {
        var buffer: [UInt8] = []
        var offset = 0
        var finished = false
        var trailers: [(String, String)] = []
        var deferred = false
        /// Called once when the queued body falls to `drainThreshold` bytes or below.
        var onDrain: (() -> Void)?
        var drainThreshold = 0
        var buffered: Int { buffer.count - offset }

        func drained() {
            guard let onDrain, buffered <= drainThreshold else { return }
            self.onDrain = nil
            onDrain()
        }
    }

    public struct Settings: Sendable {
        public var maxConcurrentStreams: UInt32 = 100
        public var initialWindowSize: UInt32 = 1 << 20
        public var connectionWindowSize: Int32 = 16 << 20
        public var maxHeaderListSize: UInt32 = 16 << 10
        /// Rapid Reset (CVE-2023-44487): streams a peer may reset in a burst, then per second, before GOAWAY.
        public var streamResetBurst: UInt64 = 1000
        public var streamResetRate: UInt64 = 33
        /// CONTINUATION frames allowed after a HEADERS frame (CVE-2024-27316 and kin).
        public var maxContinuations = 8
        /// Queued SETTINGS and PING acknowledgements before a peer that does not read is cut off.
        public var maxOutboundAcks = 1000
        /// Entries allowed in one SETTINGS frame.
        public var maxSettingsEntries = 32
        /// Stream windows reopen only as the application reads (`consumeStream`), so a peer sending faster than
        /// a stream's reader is held by flow control; the connection window reopens as data arrives, so one slow
        /// reader holds only its own stream. Off: nghttp2 reopens both as data arrives.
        public var streamFlowControlByReader = false
        public init() {}
    }

    public init(role: Role, settings: Settings = Settings()) throws {
        self.role = role
        streamFlowControlByReader = settings.streamFlowControlByReader
        maxHeaderListSize = Int(settings.maxHeaderListSize)
        var callbacks: OpaquePointer?
        nghttp2_session_callbacks_new(&callbacks)
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks) { _, frame, context in
            let me = Unmanaged<HTTP2Session>.fromOpaque(context!).takeUnretainedValue()
            if frame!.pointee.hd.type == UInt8(NGHTTP2_HEADERS.rawValue) {
                me.pendingHeaders[frame!.pointee.hd.stream_id] = []
                me.pendingHeaderBytes[frame!.pointee.hd.stream_id] = 0
            }
            me.headerBlockStartedAt = .now
            me.headerBlockStream = frame!.pointee.hd.stream_id
            me.delegate?.headerBlockBegan()
            return 0
        }
        nghttp2_session_callbacks_set_on_header_callback(callbacks) {
            _, frame, name, nameLength, value, valueLength, _, context in
            let me = Unmanaged<HTTP2Session>.fromOpaque(context!).takeUnretainedValue()
            let id = frame!.pointee.hd.stream_id
            guard me.pendingHeaders[id] != nil else { return 0 }
            let total = (me.pendingHeaderBytes[id] ?? 0) + nameLength + valueLength + 32
            guard total <= me.maxHeaderListSize else {
                // Over the advertised limit: drop what was kept and reset the stream (nghttp2 sends RST_STREAM).
                me.pendingHeaders[id] = nil
                me.pendingHeaderBytes[id] = nil
                me.delegate?.peerError()
                return Int32(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
            }
            me.pendingHeaderBytes[id] = total
            me.pendingHeaders[id]!.append(
                (
                    String(decoding: UnsafeBufferPointer(start: name, count: nameLength), as: UTF8.self),
                    String(decoding: UnsafeBufferPointer(start: value, count: valueLength), as: UTF8.self)
                ))
            return 0
        }
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, context in
            let me = Unmanaged<HTTP2Session>.fromOpaque(context!).takeUnretainedValue()
            let header = frame!.pointee.hd
            let endStream = header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
            me.headerBlockStartedAt = nil  // any whole frame received: no header block is open
            switch header.type {
            case UInt8(NGHTTP2_HEADERS.rawValue):
                me.pendingHeaderBytes[header.stream_id] = nil
                if let headers = me.pendingHeaders.removeValue(forKey: header.stream_id) {
                    me.delegate?.streamHeaders(header.stream_id, headers: headers)
                }
                if endStream { me.delegate?.streamEnded(header.stream_id) }
            case UInt8(NGHTTP2_DATA.rawValue):
                if endStream { me.delegate?.streamEnded(header.stream_id) }
            case UInt8(NGHTTP2_GOAWAY.rawValue):
                me.goAwayReceived = true
            case UInt8(NGHTTP2_PING.rawValue):
                me.delegate?.pingReceived(ack: header.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) != 0)
            case UInt8(NGHTTP2_SETTINGS.rawValue):
                me.prefaceReceived = true
            default: break
            }
            return 0
        }
        nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(callbacks) { _, _, _, context in
            Unmanaged<HTTP2Session>.fromOpaque(context!).takeUnretainedValue().delegate?.peerError()
            return 0
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) {
            session, _, streamID, data, length, context in
            let me = Unmanaged<HTTP2Session>.fromOpaque(context!).takeUnretainedValue()
            if me.streamFlowControlByReader {
                HTTP2Session.mustSucceed(
                    nghttp2_session_consume_connection(session, length), "returning connection window")
            }
            me.delegate?.streamReceived(streamID, bytes: UnsafeRawBufferPointer(start: data, count: length))
            return 0
        }
        nghttp2_session_callbacks_set_on_frame_not_send_callback(callbacks) { _, frame, errorCode, context in
            let me = Unmanaged<HTTP2Session>.fromOpaque(context!).takeUnretainedValue()
            let header = frame!.pointee.hd
            if header.type == UInt8(NGHTTP2_HEADERS.rawValue) {
                me.delegate?.streamHeadersNotSent(header.stream_id, error: HTTP2Error("sending headers", errorCode))
            }
            return 0
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, streamID, errorCode, context in
            let me = Unmanaged<HTTP2Session>.fromOpaque(context!).takeUnretainedValue()
            me.pendingHeaders[streamID] = nil
            me.pendingHeaderBytes[streamID] = nil
            me.outbound[streamID] = nil
            // A block nghttp2 refused (the stream is reset) never reaches on_frame_recv.
            if me.headerBlockStream == streamID { me.headerBlockStartedAt = nil }
            me.delegate?.streamClosed(streamID, errorCode: errorCode)
            return 0
        }
        var option: OpaquePointer?
        nghttp2_option_new(&option)
        defer { nghttp2_option_del(option) }
        nghttp2_option_set_no_closed_streams(option, 1)
        // DATA nghttp2 ignores (closed streams, padding) it counts as consumed itself.
        if settings.streamFlowControlByReader { nghttp2_option_set_no_auto_window_update(option, 1) }
        nghttp2_option_set_max_outbound_ack(option, settings.maxOutboundAcks)
        nghttp2_option_set_max_settings(option, settings.maxSettingsEntries)
        if let setResetRate = Self.setStreamResetRateLimit {
            _ = setResetRate(option, settings.streamResetBurst, settings.streamResetRate)
        }
        if let setContinuations = Self.setMaxContinuations { setContinuations(option, settings.maxContinuations) }
        var created: OpaquePointer?
        let context = Unmanaged.passUnretained(self).toOpaque()
        let status =
            role == .server
            ? nghttp2_session_server_new2(&created, callbacks, context, option)
            : nghttp2_session_client_new2(&created, callbacks, context, option)
        try Self.check(status, "creating a session")
        session = created
        var entries = [
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue),
                value: settings.maxConcurrentStreams),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue), value: settings.initialWindowSize),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue), value: settings.maxHeaderListSize),
        ]
        try Self.check(
            nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), &entries, entries.count),
            "submitting SETTINGS")
        try Self.check(
            nghttp2_session_set_local_window_size(
                session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, settings.connectionWindowSize),
            "setting the connection window")
    }

    /// The one funnel from nghttp2's return codes to Swift: a negative code is an `HTTP2Error` naming the operation.
    @discardableResult
    static func check<Code: BinaryInteger>(_ code: Code, _ operation: StaticString) throws(HTTP2Error) -> Code {
        guard code < 0 else { return code }
        throw HTTP2Error("\(operation)", Int32(truncatingIfNeeded: code))
    }

    /// For calls whose failure can only be Herald's own misuse or nghttp2 out of memory: stops the process.
    private static func mustSucceed(_ code: Int32, _ operation: StaticString) {
        do {
            try check(code, operation)
        } catch {
            preconditionFailure("nghttp2: \(error)")
        }
    }

    deinit {
        nghttp2_session_del(session)
    }

    /// The Rapid Reset and CONTINUATION limits, which Debian backported to nghttp2 1.52 without changing its
    /// version: found by symbol, so that a build against a library without them still runs (unprotected, logged
    /// by `hasAbuseLimits`).
    static let setStreamResetRateLimit: herald_nghttp2_set_stream_reset_rate_limit_fn? =
        dlsym(dlopen(nil, RTLD_NOW), "nghttp2_option_set_stream_reset_rate_limit").map {
            unsafeBitCast($0, to: herald_nghttp2_set_stream_reset_rate_limit_fn.self)
        }
    static let setMaxContinuations: herald_nghttp2_set_max_continuations_fn? =
        dlsym(dlopen(nil, RTLD_NOW), "nghttp2_option_set_max_continuations").map {
            unsafeBitCast($0, to: herald_nghttp2_set_max_continuations_fn.self)
        }

    /// Whether the linked nghttp2 enforces the Rapid Reset and CONTINUATION limits.
    public static var hasAbuseLimits: Bool { setStreamResetRateLimit != nil && setMaxContinuations != nil }

    /// Feeds bytes from the peer. Throws on a protocol error; the connection should then flush and close.
    public func receive(_ bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count > 0 else { return }
        try Self.check(
            nghttp2_session_mem_recv(session, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), bytes.count),
            "receiving")
    }

    /// Everything nghttp2 wants to send now, appended to `output`.
    public func takeOutput(into output: inout [UInt8]) throws {
        while true {
            var data: UnsafePointer<UInt8>?
            let length = try Self.check(nghttp2_session_mem_send(session, &data), "sending")
            if length == 0 { return }
            output.append(contentsOf: UnsafeBufferPointer(start: data, count: length))
        }
    }

    /// False once both sides are done with the connection (GOAWAY exchanged, or nothing more to read or write).
    public var isAlive: Bool { nghttp2_session_want_read(session) != 0 || nghttp2_session_want_write(session) != 0 }

    // MARK: Responses

    /// Sends response headers and opens the body, which `send` feeds and `finish` ends with trailers. Throws when
    /// nghttp2 refuses them (the stream is gone, or the headers are invalid); the caller then resets the stream.
    public func respond(_ streamID: Int32, headers: [(String, String)]) throws(HTTP2Error) {
        let stream = Outbound()
        var provider = dataProvider(for: stream)
        try Self.check(
            withHeaders(headers) { nva, count in nghttp2_submit_response(session, streamID, nva, count, &provider) },
            "submitting a response")
        outbound[streamID] = stream
    }

    /// Opens a request stream (client): headers now, then a body that `send` feeds and `finish` ends.
    /// Returns the stream id, or nil when nghttp2 refuses (e.g. the connection is going away).
    public func request(headers: [(String, String)]) -> Int32? {
        let stream = Outbound()
        var provider = dataProvider(for: stream)
        guard
            let id = try? Self.check(
                withHeaders(headers) { nva, count in nghttp2_submit_request(session, nil, nva, count, &provider, nil) },
                "submitting a request")
        else {
            return nil
        }
        outbound[id] = stream
        return id
    }

    private func dataProvider(for stream: Outbound) -> nghttp2_data_provider {
        var provider = nghttp2_data_provider()
        provider.source.ptr = Unmanaged.passUnretained(stream).toOpaque()
        provider.read_callback = { session, streamID, buffer, length, flags, source, context in
            let me = Unmanaged<HTTP2Session>.fromOpaque(context!).takeUnretainedValue()
            let stream = Unmanaged<Outbound>.fromOpaque(source!.pointee.ptr).takeUnretainedValue()
            let available = stream.buffer.count - stream.offset
            if available > 0 {
                let count = min(available, length)
                stream.buffer.withUnsafeBytes { raw in
                    buffer!.update(
                        from: raw.baseAddress!.advanced(by: stream.offset).assumingMemoryBound(to: UInt8.self),
                        count: count)
                }
                stream.offset += count
                if stream.offset == stream.buffer.count {
                    stream.buffer.removeAll(keepingCapacity: true)
                    stream.offset = 0
                }
                stream.drained()
                if stream.finished && stream.buffer.isEmpty { me.endWithTrailers(session, streamID, stream, flags!) }
                return count
            }
            if stream.finished {
                me.endWithTrailers(session, streamID, stream, flags!)
                return 0
            }
            stream.deferred = true
            return Int(NGHTTP2_ERR_DEFERRED.rawValue)
        }
        return provider
    }

    /// Ends the body: with trailers when there are some (a server's gRPC status), else with END_STREAM on the last
    /// DATA frame (a client's half-close). Trailers nghttp2 refuses are reported to the delegate, which ends the
    /// stream another way.
    private func endWithTrailers(
        _ session: OpaquePointer?, _ streamID: Int32, _ stream: Outbound, _ flags: UnsafeMutablePointer<UInt32>
    ) {
        flags.pointee |= UInt32(NGHTTP2_DATA_FLAG_EOF.rawValue)
        guard !stream.trailers.isEmpty else { return }
        flags.pointee |= UInt32(NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue)
        do {
            try Self.check(
                withHeaders(stream.trailers) { nva, count in nghttp2_submit_trailer(session, streamID, nva, count) },
                "submitting trailers")
        } catch {
            delegate?.streamHeadersNotSent(streamID, error: error)
        }
    }

    /// Queues body bytes on a stream opened with `respond`.
    public func send(_ streamID: Int32, _ bytes: [UInt8]) {
        guard let stream = outbound[streamID] else { return }
        stream.buffer.append(contentsOf: bytes)
        resume(streamID, stream)
    }

    /// Body bytes queued on a stream and not yet taken by nghttp2 (held back by flow control or not yet written).
    public func bufferedBytes(_ streamID: Int32) -> Int { outbound[streamID]?.buffered ?? 0 }

    /// Reopens `bytes` of a stream's receive window (with `Settings.streamFlowControlByReader`): its reader took
    /// them. The WINDOW_UPDATE goes out with the next write.
    public func consumeStream(_ streamID: Int32, _ bytes: Int) {
        guard streamFlowControlByReader, bytes > 0 else { return }
        // A stream nghttp2 no longer knows (closed, reset) has no window left to reopen.
        _ = nghttp2_session_consume_stream(session, streamID, bytes)
    }

    /// Calls `action` once the stream's queued body is at most `threshold` bytes (at once if it already is, or if the
    /// stream is gone). A stream closed before draining drops the callback; owners handle closing themselves.
    public func whenDrained(_ streamID: Int32, below threshold: Int, _ action: @escaping () -> Void) {
        guard let stream = outbound[streamID], stream.buffered > threshold else {
            action()
            return
        }
        stream.drainThreshold = threshold
        stream.onDrain = action
    }

    /// Ends a stream opened with `respond` or `request`: the rest of the body, then `trailers` (none: END_STREAM).
    public func finish(_ streamID: Int32, trailers: [(String, String)]) {
        guard let stream = outbound[streamID] else { return }
        stream.finished = true
        stream.trailers = trailers
        resume(streamID, stream)
    }

    private func resume(_ streamID: Int32, _ stream: Outbound) {
        if stream.deferred {
            stream.deferred = false
            // Fails only for a stream nghttp2 is already closing (a reset on its way out): nothing left to send.
            _ = try? Self.check(nghttp2_session_resume_data(session, streamID), "resuming a deferred body")
        }
    }

    /// A response that is headers only, ending the stream (gRPC's Trailers-Only). Throws when nghttp2 refuses it.
    public func respondHeadersOnly(_ streamID: Int32, headers: [(String, String)]) throws(HTTP2Error) {
        try Self.check(
            withHeaders(headers) { nva, count in nghttp2_submit_response(session, streamID, nva, count, nil) },
            "submitting a response")
    }

    /// The largest header list the peer accepts (its SETTINGS_MAX_HEADER_LIST_SIZE; unlimited until it says).
    public var peerMaxHeaderListSize: Int {
        Int(nghttp2_session_get_remote_settings(session, NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE))
    }

    /// The first step of a graceful shutdown: a GOAWAY that tells the client to open no new streams, while the
    /// server still accepts the ones already in flight. Refused (and harmless) once a GOAWAY has gone out.
    public func shutdownNotice() {
        _ = try? Self.check(nghttp2_submit_shutdown_notice(session), "submitting a shutdown notice")
    }

    /// The final GOAWAY: streams above the last one processed are refused (clients retry them elsewhere).
    public func goAway() {
        // Refused only when the session is already closing: the GOAWAY that closes it went first.
        _ = try? Self.check(
            nghttp2_submit_goaway(
                session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nghttp2_session_get_last_proc_stream_id(session),
                UInt32(NGHTTP2_NO_ERROR.rawValue), nil, 0), "submitting GOAWAY")
    }

    /// Sends a PING (its acknowledgement comes back through `pingReceived(ack: true)`).
    public func ping() {
        Self.mustSucceed(nghttp2_submit_ping(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nil), "submitting PING")
    }

    /// GOAWAY with ENHANCE_YOUR_CALM and a reason in its debug data (gRFC A8's "too_many_pings").
    public func goAwayEnhanceYourCalm(_ reason: String) {
        var debug = Array(reason.utf8)
        _ = try? Self.check(
            nghttp2_submit_goaway(
                session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nghttp2_session_get_last_proc_stream_id(session),
                UInt32(NGHTTP2_ENHANCE_YOUR_CALM.rawValue), &debug, debug.count), "submitting GOAWAY")
    }

    /// Resets a stream (RST_STREAM) with an HTTP/2 error code.
    public func reset(_ streamID: Int32, errorCode: UInt32) {
        Self.mustSucceed(
            nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, errorCode),
            "submitting RST_STREAM")
    }

    private func withHeaders<R>(_ headers: [(String, String)], _ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R {
        var storage: [UInt8] = []
        var ranges: [(Int, Int, Int, Int)] = []
        for (name, value) in headers {
            let nameStart = storage.count
            storage.append(contentsOf: name.utf8)
            let valueStart = storage.count
            storage.append(contentsOf: value.utf8)
            ranges.append((nameStart, valueStart - nameStart, valueStart, storage.count - valueStart))
        }
        return storage.withUnsafeMutableBufferPointer { raw in
            let base = raw.baseAddress ?? UnsafeMutablePointer<UInt8>(bitPattern: 1)!
            let nva = ranges.map { range in
                nghttp2_nv(
                    name: base + range.0, value: base + range.2, namelen: range.1, valuelen: range.3,
                    flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue))
            }
            return nva.withUnsafeBufferPointer { body($0.baseAddress ?? UnsafePointer(bitPattern: 8)!, $0.count) }
        }
    }
}

/// nghttp2 refused an operation: which one, and nghttp2's error code and its text.
public struct HTTP2Error: Error, CustomStringConvertible {
    public let operation: String
    /// nghttp2's `NGHTTP2_ERR_*` code.
    public let code: Int32

    init(_ operation: String, _ code: Int32) {
        self.operation = operation
        self.code = code
    }

    public var description: String { "\(operation): \(String(cString: nghttp2_strerror(code)))" }
}
