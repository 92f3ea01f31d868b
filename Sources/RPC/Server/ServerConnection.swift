import CLibevent
import EventLoop
import Foundation
import HTTP2
import HeraldCore

/// One accepted TCP connection: its socket events, its HTTP/2 session and its gRPC streams.
///
/// - Important: confined to `loop`. Handlers run in tasks whose executor preference is this loop, so the work
///   they do between awaits, and every write back, happens on the loop thread without a hop.
final class ServerConnection: HTTP2ServerSessionDelegate {
    let loop: EventLoop
    let descriptor: Int32
    let peer: String
    let session: HTTP2ServerSession
    private let registry: ServiceRegistry
    private let maxMessageBytes: Int
    private var streams: [Int32: ServerStream] = [:]
    private var readEvent: OpaquePointer?
    private var writeEvent: OpaquePointer?
    private var pending: [UInt8] = []
    private var pendingOffset = 0
    private var closed = false
    private var flushScheduled = false
    private let onClose: (ServerConnection) -> Void
    /// The loop's read buffer, shared by the connections of one loop (they never read at the same time).
    private let readBuffer: UnsafeMutableRawBufferPointer

    init(loop: EventLoop, descriptor: Int32, peer: String, registry: ServiceRegistry, maxMessageBytes: Int,
         readBuffer: UnsafeMutableRawBufferPointer, onClose: @escaping (ServerConnection) -> Void) throws {
        self.readBuffer = readBuffer
        self.loop = loop
        self.descriptor = descriptor
        self.peer = peer
        self.registry = registry
        self.maxMessageBytes = maxMessageBytes
        self.onClose = onClose
        session = try HTTP2ServerSession()
        session.delegate = self
        let context = Unmanaged.passUnretained(self).toOpaque()
        readEvent = event_new(loop.base, descriptor, HERALD_EV_READ | HERALD_EV_PERSIST, { _, _, context in
            Unmanaged<ServerConnection>.fromOpaque(context!).takeUnretainedValue().readable()
        }, context)
        writeEvent = event_new(loop.base, descriptor, HERALD_EV_WRITE, { _, _, context in
            Unmanaged<ServerConnection>.fromOpaque(context!).takeUnretainedValue().flush()
        }, context)
        event_add(readEvent, nil)
        flush()  // the server's SETTINGS go first
    }

    deinit {
        if let readEvent { event_free(readEvent) }
        if let writeEvent { event_free(writeEvent) }
    }

    private func readable() {
        let buffer = readBuffer
        while !closed {
            let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if count > 0 {
                do {
                    try session.receive(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                } catch {
                    flush()
                    close()
                    return
                }
                if count < buffer.count { break }
            } else if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                close()
                return
            } else {
                break
            }
        }
        flush()
    }

    /// Flushes once after the work already queued on the loop (handler completions from the same turn share one
    /// `send`).
    func scheduleFlush() {
        guard !flushScheduled, !closed else { return }
        flushScheduled = true
        let me = LoopBound(self, on: loop)
        loop.execute {
            let connection = me.value
            connection.flushScheduled = false
            connection.flush()
        }
    }

    /// Writes what nghttp2 has queued; waits for writability when the socket is full.
    func flush() {
        guard !closed else { return }
        do {
            try session.takeOutput(into: &pending)
        } catch {
            close()
            return
        }
        while pendingOffset < pending.count {
            let written = pending.withUnsafeBytes { raw in
                send(descriptor, raw.baseAddress! + pendingOffset, raw.count - pendingOffset, Int32(MSG_NOSIGNAL))
            }
            if written > 0 {
                pendingOffset += written
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                event_add(writeEvent, nil)
                return
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                close()
                return
            }
        }
        pending.removeAll(keepingCapacity: true)
        pendingOffset = 0
        if !session.isAlive { close() }
    }

    private func close() {
        guard !closed else { return }
        closed = true
        event_del(readEvent)
        event_del(writeEvent)
        for stream in streams.values { stream.cancel() }
        streams.removeAll()
        Foundation.close(descriptor)
        onClose(self)
    }

    // MARK: HTTP2ServerSessionDelegate

    func streamOpened(_ streamID: Int32, headers: [(name: String, value: String)]) {
        let stream = ServerStream(id: streamID, connection: self, maxMessageBytes: maxMessageBytes)
        streams[streamID] = stream
        var path = ""
        var contentType = ""
        var method = ""
        var timeout: Duration?
        var metadata: [(name: String, value: String)] = []
        for (name, value) in headers {
            switch name {
            case ":path": path = value
            case ":method": method = value
            case "content-type": contentType = value
            case "grpc-timeout": timeout = GRPCTimeout.parse(value)
            case ":authority", ":scheme", "te", "grpc-accept-encoding", "grpc-encoding", "user-agent": break
            default: if !name.hasPrefix(":") { metadata.append((name, value)) }
            }
        }
        guard method == "POST", contentType.hasPrefix("application/grpc") else {
            session.respondHeadersOnly(streamID, headers: [(":status", "415"), ("content-type", "text/plain")])
            return
        }
        guard let handler = registry.handlers[path] else {
            stream.finish(RPCError(.unimplemented, "unknown method \(path)"))
            return
        }
        let encoding = headers.first { $0.name == "grpc-encoding" }?.value ?? "identity"
        guard encoding == "identity" || encoding == "gzip" else {
            stream.finish(RPCError(.unimplemented, "grpc-encoding \(encoding) is not supported; use gzip or identity"))
            return
        }
        stream.deframer.gzipAllowed = encoding == "gzip"
        let accepted = headers.first { $0.name == "grpc-accept-encoding" }?.value ?? ""
        stream.peerAcceptsGzip = accepted.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == "gzip" }
        let deadline = timeout.map { ContinuousClock.now + $0 }
        let context = ServerContext(path: path, metadata: metadata, deadline: deadline, peer: peer, requestEncoding: encoding)
        let writer = ResponseWriter(loop: loop, stream: stream)
        switch handler {
        case .unary(let unary):
            stream.unary = (unary, context, writer)
        case .streaming(let streaming):
            let (requests, continuation) = RequestMessages.makeStream()
            stream.requests = continuation
            stream.task = Task(executorPreference: loop) {
                do {
                    try await streaming(requests, writer, context)
                    writer.finish(nil)
                } catch {
                    writer.finish(RPCError.from(error))
                }
            }
        }
        if let timeout {
            stream.timer = LoopTimer(loop: loop, after: timeout) { [weak stream] in
                guard let stream else { return }
                stream.task?.cancel()
                stream.finish(RPCError(.deadlineExceeded, "deadline of \(timeout) exceeded"))
            }
        }
    }

    func streamReceived(_ streamID: Int32, bytes: UnsafeRawBufferPointer) {
        guard let stream = streams[streamID], !stream.finished else { return }
        do {
            for message in try stream.deframer.append(bytes) {
                if stream.unary != nil { stream.unaryRequests.append(message) } else { stream.requests?.yield(message) }
            }
        } catch {
            stream.task?.cancel()
            stream.finish(RPCError.from(error))
            session.reset(streamID, errorCode: 0x8)  // CANCEL: stop the client sending the rest
        }
    }

    func streamEnded(_ streamID: Int32) {
        guard let stream = streams[streamID] else { return }
        if stream.deframer.hasPartialMessage {
            stream.finish(RPCError(.internal, "the request ended in the middle of a message"))
            return
        }
        if let (handler, context, writer) = stream.unary {
            guard stream.unaryRequests.count == 1 else {
                stream.finish(RPCError(.unimplemented, "a unary call needs exactly one request message, got \(stream.unaryRequests.count)"))
                return
            }
            let request = stream.unaryRequests.removeFirst()
            stream.task = Task(executorPreference: loop) {
                do {
                    writer.send(try await handler(request, context))
                    writer.finish(nil)
                } catch {
                    writer.finish(RPCError.from(error))
                }
            }
            return
        }
        stream.requests?.finish()
    }

    func streamClosed(_ streamID: Int32, errorCode: UInt32) {
        guard let stream = streams.removeValue(forKey: streamID) else { return }
        if !stream.finished { stream.cancel() }
    }
}
