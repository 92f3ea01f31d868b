import EventLoop
import Foundation
import HTTP2
import HeraldCore

/// A connection's limits and policing, beside its dispatch: set-up, header-block and idle timeouts, maximum age,
/// keepalive and ping policing (gRFC A8, A9), peer-error tokens and graceful draining.
extension ServerConnection {
    /// A timer that runs `action` on this connection, on its loop. It holds the connection weakly: a closed
    /// connection is released at once, not when its longest timer would have fired.
    func timer(after delay: Duration, _ action: @escaping (ServerConnection) -> Void) -> LoopTimer {
        LoopTimer(loop: loop, after: delay) { [weak self] in if let self { action(self) } }
    }

    func checkSetup() {
        let now = ContinuousClock.now
        if let tls, !tls.handshakeDone {
            close()  // the TLS handshake took longer than handshakeTimeout
            return
        }
        guard !session.prefaceReceived else { return }
        let waited = now - (tls?.handshakeCompletedAt ?? accepted)
        if waited >= limits.prefaceTimeout {
            close()
        } else {
            setupTimer = timer(after: limits.prefaceTimeout - waited) { $0.checkSetup() }
        }
    }

    /// The peer began a header block; HTTP/2 allows no other frame until it ends, so one timer watches them all.
    func headerBlockBegan() {
        guard headerTimer == nil else { return }
        watchHeaderBlock(after: limits.headerTimeout)
    }

    func watchHeaderBlock(after delay: Duration) {
        headerTimer = timer(after: delay) { connection in
            connection.headerTimer = nil
            guard let started = connection.session.headerBlockStartedAt else { return }
            let open = ContinuousClock.now - started
            if open >= connection.limits.headerTimeout {
                connection.close()
            } else {
                connection.watchHeaderBlock(after: connection.limits.headerTimeout - open)
            }
        }
    }

    /// gRFC A9: old enough; drain, and close after the grace period whatever is left.
    func reachedMaxAge() {
        goAwayAndClose(grace: limits.maxConnectionAgeGrace)
    }

    /// GOAWAY (notice, then final), close as soon as no call is left, and at the latest after `grace`. A call the
    /// client sent before it saw the GOAWAY is refused by it and retried elsewhere, never lost to a closed socket.
    func goAwayAndClose(grace: Duration) {
        guard !closesWhenDrained else { return }
        closesWhenDrained = true
        beginShutdown()
        ageTimer = timer(after: grace) { $0.close() }
        // The final GOAWAY goes out 100 ms after the notice: close then if nothing is running.
        _ = LoopTimerHolder.schedule(on: loop, after: .milliseconds(150)) { [weak self] in
            if let self, streams.isEmpty { close() }
        }
    }

    /// gRFC A8 keepalive: ping after `keepaliveTime`; no acknowledgement within `keepaliveTimeout` closes.
    func scheduleKeepalive() {
        keepaliveTimer = timer(after: limits.keepaliveTime) { connection in
            connection.awaitingPingAck = true
            connection.session.ping()
            connection.transport.flush()
            connection.keepaliveTimer = connection.timer(after: connection.limits.keepaliveTimeout) { connection in
                if connection.awaitingPingAck { connection.close() }
            }
        }
    }

    /// An invalid frame or an oversized header list: a bucket of `peerErrorBurst` tokens refilled at
    /// `peerErrorsPerSecond`; an empty bucket ends the connection with ENHANCE_YOUR_CALM.
    func peerError() {
        let now = ContinuousClock.now
        let elapsed = now - errorTokensAt
        errorTokens = min(
            Double(limits.peerErrorBurst), errorTokens + elapsed.seconds * Double(limits.peerErrorsPerSecond))
        errorTokensAt = now
        errorTokens -= 1
        guard errorTokens < 0 else { return }
        session.goAwayEnhanceYourCalm("too many protocol errors")
        transport.flush()
        close()
    }

    /// Calls and data between pings: the client is not pinging for nothing (gRFC A8 polices pings without data,
    /// which is why grpc's BDP probes, sent as data arrives, are fine).
    func dataSent() {
        pingStrikes = 0
        lastClientPing = nil
    }

    func pingReceived(ack: Bool) {
        if ack {
            awaitingPingAck = false
            keepaliveTimer?.cancel()
            scheduleKeepalive()
            return
        }
        // Ping policing: a client ping sooner than minPingInterval after the last is a strike.
        let now = ContinuousClock.now
        if let last = lastClientPing, now - last < limits.minPingInterval {
            pingStrikes += 1
            if pingStrikes > 2 {
                session.goAwayEnhanceYourCalm("too_many_pings")
                transport.flush()
                close()
                return
            }
        }
        lastClientPing = now
    }

    /// The last call ended: the connection may sit idle for `idleTimeout`, then goes away.
    func becameIdle() {
        idleSince = .now
        if idleTimer == nil { idleTimer = timer(after: limits.idleTimeout) { $0.checkIdle() } }
    }

    func checkIdle() {
        idleTimer = nil
        guard streams.isEmpty, let idleSince else { return }  // busy: the next becameIdle arms it again
        let idle = ContinuousClock.now - idleSince
        if idle >= limits.idleTimeout {
            goAwayAndClose(grace: .seconds(5))
        } else {
            idleTimer = timer(after: limits.idleTimeout - idle) { $0.checkIdle() }
        }
    }

    /// Begins a graceful close: GOAWAY shutdown notice now, final GOAWAY shortly after (once the notice has had a
    /// round trip to stop the client opening streams); calls in flight go on.
    func beginShutdown() {
        session.shutdownNotice()
        transport.flush()
        let me = LoopBound(self, on: loop)
        _ = LoopTimerHolder.schedule(on: loop, after: .milliseconds(100)) {
            let connection = me.value
            connection.session.goAway()
            connection.transport.flush()
            connection.finalGoAwaySent = true
        }
    }
}
