import CLibevent
import EventLoop
import Foundation
import HTTP2

/// A non-blocking TCP socket on an event loop carrying one HTTP/2 session: what arrives feeds the session, what
/// the session produces is written as the socket allows (write readiness is watched only while the socket is full).
///
/// - Important: confined to `loop`.
final class SocketTransport {
    let loop: EventLoop
    let descriptor: Int32
    let session: HTTP2Session
    /// The loop's read buffer, shared by the transports of one loop (they never read at the same time).
    private let readBuffer: UnsafeMutableRawBufferPointer
    private var readEvent: OpaquePointer?
    private var writeEvent: OpaquePointer?
    private var pending: [UInt8] = []
    private var pendingOffset = 0
    private(set) var closed = false
    private var flushScheduled = false
    /// Called once when the socket closes, for whatever reason.
    var onClose: (() -> Void)?
    /// TLS between the socket and the session, when the connection uses it.
    private let tls: TLSConnection?
    private var plaintext: [UInt8] = []

    init(
        loop: EventLoop, descriptor: Int32, session: HTTP2Session, readBuffer: UnsafeMutableRawBufferPointer,
        tls: TLSConnection? = nil
    ) {
        self.loop = loop
        self.descriptor = descriptor
        self.session = session
        self.readBuffer = readBuffer
        self.tls = tls
        let context = Unmanaged.passUnretained(self).toOpaque()
        readEvent = event_new(
            loop.base, descriptor, HERALD_EV_READ | HERALD_EV_PERSIST,
            { _, _, context in
                Unmanaged<SocketTransport>.fromOpaque(context!).takeUnretainedValue().readable()
            }, context)
        writeEvent = event_new(
            loop.base, descriptor, HERALD_EV_WRITE,
            { _, _, context in
                Unmanaged<SocketTransport>.fromOpaque(context!).takeUnretainedValue().flush()
            }, context)
        event_add(readEvent, nil)
    }

    deinit {
        if let readEvent { event_free(readEvent) }
        if let writeEvent { event_free(writeEvent) }
    }

    /// One buffer's worth per wake-up: a peer that keeps its socket full (a flood) gets its turn again on the
    /// loop's next pass, after every other connection on the loop, instead of holding the loop until it pauses.
    private func readable() {
        guard !closed else { return }
        let buffer = readBuffer
        let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
        if count > 0 {
            do {
                let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
                if let tls {
                    try tls.receive(bytes) { try session.receive($0) }
                } else {
                    try session.receive(bytes)
                }
            } catch {
                flush()
                close()
                return
            }
        } else if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            close()
            return
        }
        flush()
    }

    /// Flushes once after the work already queued on the loop (writes produced in the same turn share one `send`).
    func scheduleFlush() {
        guard !flushScheduled, !closed else { return }
        flushScheduled = true
        let me = LoopBound(self, on: loop)
        loop.execute {
            let transport = me.value
            transport.flushScheduled = false
            transport.flush()
        }
    }

    /// Writes what the session has queued; waits for writability when the socket is full.
    func flush() {
        guard !closed else { return }
        do {
            if let tls {
                try session.takeOutput(into: &plaintext)
                try tls.send(plaintext)
                plaintext.removeAll(keepingCapacity: true)
                tls.takeCiphertext(into: &pending)
            } else {
                try session.takeOutput(into: &pending)
            }
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

    func close() {
        guard !closed else { return }
        closed = true
        event_del(readEvent)
        event_del(writeEvent)
        Foundation.close(descriptor)
        onClose?()
        onClose = nil
    }
}
