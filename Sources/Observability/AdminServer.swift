import CLibevent
import EventLoop
import Foundation
import HeraldCore

/// The admin port of a process (DESIGN.md): HTTP/1.1 through libevent's evhttp on one event loop, serving
/// `/metrics` (Prometheus text), `/healthz` (liveness: the process answers) and `/readyz` (readiness: 200 only while
/// `ready()` says so, else 503).
// unchecked: the evhttp handle is created, used and freed on `loop`
public final class AdminServer: @unchecked Sendable {
    public let loop: EventLoop
    private let metrics: Metrics
    private let ready: @Sendable () -> Bool
    private var http: OpaquePointer?
    /// The bound port, once started.
    public private(set) var port = 0

    public init(
        metrics: Metrics = .shared, loop: EventLoop = EventLoopGroup.shared.next(),
        ready: @escaping @Sendable () -> Bool
    ) {
        self.metrics = metrics
        self.loop = loop
        self.ready = ready
    }

    /// Binds `host:port` (0: a free port) and serves on the loop.
    public func start(host: String = "127.0.0.1", port: Int) async throws {
        let bound: Int = try await withCheckedThrowingContinuation { continuation in
            loop.execute { [self] in
                guard let http = evhttp_new(loop.base) else {
                    continuation.resume(throwing: AdminError("evhttp_new failed"))
                    return
                }
                guard let handle = evhttp_bind_socket_with_handle(http, host, UInt16(port)) else {
                    evhttp_free(http)
                    continuation.resume(throwing: AdminError("cannot listen on \(host):\(port) for the admin port"))
                    return
                }
                self.http = http
                // Bounds against a hostile peer (libevent's defaults are none, and 50 s of idle): a request is a
                // short GET or HEAD, its headers under 16 KiB, without a body, sent within 10 s.
                evhttp_set_max_headers_size(http, 16 << 10)
                evhttp_set_max_body_size(http, 0)
                evhttp_set_allowed_methods(http, UInt16(EVHTTP_REQ_GET.rawValue | EVHTTP_REQ_HEAD.rawValue))
                evhttp_set_timeout(http, 10)
                evhttp_set_gencb(
                    http,
                    { request, context in
                        Unmanaged<AdminServer>.fromOpaque(context!).takeUnretainedValue().handle(request!)
                    }, Unmanaged.passUnretained(self).toOpaque())
                var address = sockaddr_in()
                var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                _ = withUnsafeMutablePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        getsockname(evhttp_bound_socket_get_fd(handle), $0, &length)
                    }
                }
                continuation.resume(returning: Int(UInt16(bigEndian: address.sin_port)))
            }
        }
        self.port = bound
    }

    public func stop() {
        loop.execute { [self] in
            if let http { evhttp_free(http) }
            http = nil
        }
    }

    private func handle(_ request: OpaquePointer) {
        let uri = String(cString: evhttp_request_get_uri(request))
        let path = uri.split(separator: "?").first.map(String.init) ?? uri
        switch path {
        case "/metrics":
            reply(request, 200, "OK", metrics.exposition(), type: "text/plain; version=0.0.4")
        case "/healthz":
            reply(request, 200, "OK", "ok\n")
        case "/readyz":
            if ready() {
                reply(request, 200, "OK", "ready\n")
            } else {
                reply(request, 503, "Service Unavailable", "not ready\n")
            }
        default:
            reply(request, 404, "Not Found", "not found: \(path)\n")
        }
    }

    private func reply(
        _ request: OpaquePointer, _ code: Int32, _ reason: String, _ body: String, type: String = "text/plain"
    ) {
        let headers = evhttp_request_get_output_headers(request)
        evhttp_add_header(headers, "Content-Type", type)
        let buffer = evbuffer_new()
        defer { evbuffer_free(buffer) }
        var bytes = Array(body.utf8)
        evbuffer_add(buffer, &bytes, bytes.count)
        evhttp_send_reply(request, code, reason, buffer)
    }
}

struct AdminError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
