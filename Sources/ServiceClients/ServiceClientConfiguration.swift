import API
import Foundation
import HeraldCore
import RPC
import Resilience

/// How one target (a service, reached at one or more endpoints) is called: endpoints, balancing, deadlines,
/// retries, breakers, bulkhead and health checking. Defaults follow gRFC A6 and resilience4j (see
/// ../shared/FACTS.md) with a breaker sized for a service's traffic rather than resilience4j's 100-call minimum.
public struct ServiceClientConfiguration: Sendable {
    public enum LoadBalancing: String, Sendable {
        case roundRobin = "round_robin"
        /// Of two endpoints picked at random, the one with fewer calls outstanding.
        case powerOfTwoChoices = "power_of_two_choices"
    }

    /// `host:port` of each endpoint (IPv4 literals or names resolved when the client starts).
    public var endpoints: [(host: String, port: Int)]
    public var loadBalancing: LoadBalancing = .roundRobin
    /// Every call has a deadline: this one unless the method has its own or the caller passes one.
    public var defaultTimeout: Duration = .seconds(10)
    /// By method name (`CreateCampaign`) or full path.
    public var methodTimeouts: [String: Duration] = [:]
    public var retry = RetryPolicy(
        maxAttempts: 3, initialBackoff: .milliseconds(50), maxBackoff: .seconds(1), backoffMultiplier: 2,
        retryableCodes: [.unavailable])
    public var methodRetry: [String: RetryPolicy] = [:]
    /// Hedging instead of retries, for idempotent reads, by method name or path.
    public var methodHedging: [String: HedgingPolicy] = [:]
    /// gRFC A6 throttling per target; nil turns it off.
    public var throttle: (maxTokens: Double, tokenRatio: Double)? = (10, 0.1)
    public var endpointBreaker = CircuitBreaker.Configuration(
        window: .count(50), failureRateThreshold: 50, minimumCalls: 20, openDuration: .seconds(10), halfOpenProbes: 3,
        probeTimeout: .seconds(5))
    public var targetBreaker = CircuitBreaker.Configuration(
        window: .time(seconds: 10), failureRateThreshold: 80, minimumCalls: 50, openDuration: .seconds(5),
        halfOpenProbes: 5,
        probeTimeout: .seconds(5))
    public var maxConcurrentCalls = 256
    public var maxQueuedCalls = 256
    /// The service name to watch over grpc.health.v1 at each endpoint; nil: no health checking.
    public var healthService: String?
    /// How often endpoint host names are resolved again (addresses that appear join the rotation, addresses that
    /// vanish leave it once their calls finish); nil: resolved once, when the client is made.
    public var resolveInterval: Duration? = .seconds(30)
    /// Host name to IPv4 addresses; getaddrinfo by default (tests inject their own).
    public var resolver: @Sendable (String) -> [String] = ServiceClientConfiguration.systemResolver

    /// TLS towards the endpoints: the CA trusted, and the certificate presented (mutual TLS); nil: cleartext.
    /// Each endpoint's certificate is verified against its configured host name.
    public var tls: (caFile: String, certificateFile: String?, keyFile: String?)?

    /// Consecutive failures after which an endpoint is ejected from the rotation, and for how long.
    public var ejectAfterConsecutiveFailures = 5
    public var ejectionTime: Duration = .seconds(10)

    /// gRFC A8 keepalive on each endpoint's connection: a peer that stops answering is found within `time` +
    /// `timeout` rather than at each call's deadline; nil: no PINGs.
    public var keepalive: GRPCClient.Keepalive? = GRPCClient.Keepalive(time: .seconds(300))

    public init(endpoints: [(host: String, port: Int)], healthService: String? = nil) {
        self.endpoints = endpoints
        self.healthService = healthService
    }

    /// getaddrinfo (IPv4); an IPv4 literal is returned as it is, a name that does not resolve gives no address.
    public static let systemResolver: @Sendable (String) -> [String] = { host in
        var probe = in_addr()
        if inet_pton(AF_INET, host, &probe) == 1 { return [host] }
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &results) == 0 else { return [] }
        defer { freeaddrinfo(results) }
        var addresses: [String] = []
        var next = results
        while let entry = next {
            if let address = entry.pointee.ai_addr {
                var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
                address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { inet4 in
                    var raw = inet4.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &raw, &text, socklen_t(INET_ADDRSTRLEN))
                }
                let literal = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if !addresses.contains(literal) { addresses.append(literal) }
            }
            next = entry.pointee.ai_next
        }
        return addresses
    }

    func timeout(for method: String, path: String) -> Duration {
        methodTimeouts[method] ?? methodTimeouts[path] ?? defaultTimeout
    }

    func hedgingPolicy(for method: String, path: String) -> HedgingPolicy? {
        methodHedging[method] ?? methodHedging[path]
    }

    func retryPolicy(for method: String, path: String) -> RetryPolicy {
        methodRetry[method] ?? methodRetry[path] ?? retry
    }
}

extension ServiceClientConfiguration {
    /// The configuration of calls to `target` (a service name) from `clients:` of Herald's configuration.
    public init(_ config: HeraldConfig, target: String) {
        let client = config.clients[target] ?? config.clients.values.first!
        self.init(
            endpoints: client.endpoints.map { endpoint in
                let colon = endpoint.lastIndex(of: ":")!
                return (String(endpoint[..<colon]), Int(endpoint[endpoint.index(after: colon)...])!)
            },
            healthService: client.healthCheck ? HeraldAPI.platformServices[target] : nil)
        loadBalancing = LoadBalancing(rawValue: client.loadBalancing) ?? .roundRobin
        defaultTimeout = client.timeout
        retry = Self.policy(client.retry)
        throttle = client.throttleMaxTokens > 0 ? (client.throttleMaxTokens, client.throttleTokenRatio) : nil
        endpointBreaker = Self.breaker(client.endpointBreaker)
        targetBreaker = Self.breaker(client.targetBreaker)
        maxConcurrentCalls = client.maxConcurrentCalls
        maxQueuedCalls = client.maxQueuedCalls
        ejectAfterConsecutiveFailures = client.ejectAfterConsecutiveFailures
        ejectionTime = client.ejection
        keepalive = client.keepaliveTime.map { GRPCClient.Keepalive(time: $0, timeout: client.keepaliveTimeout) }
        if let tls = config.tls {
            self.tls = (tls.caFile ?? tls.clientCAFile ?? tls.certificateFile, tls.certificateFile, tls.keyFile)
        }
        for (method, settings) in client.methods {
            methodTimeouts[method] = settings.timeout
            methodRetry[method] = Self.policy(settings.retry)
            if let hedging = settings.hedging {
                methodHedging[method] = HedgingPolicy(
                    maxAttempts: hedging.maxAttempts, hedgingDelay: hedging.hedgingDelay,
                    nonFatalCodes: Set(hedging.nonFatalCodes))
            }
        }
    }

    static func policy(_ retry: HeraldConfig.Client.Retry) -> RetryPolicy {
        RetryPolicy(
            maxAttempts: retry.maxAttempts, initialBackoff: retry.initialBackoff, maxBackoff: retry.maxBackoff,
            backoffMultiplier: retry.multiplier, retryableCodes: Set(retry.retryableCodes))
    }

    static func breaker(_ breaker: HeraldConfig.Client.Breaker) -> CircuitBreaker.Configuration {
        CircuitBreaker.Configuration(
            window: breaker.windowSeconds.map { .time(seconds: $0) } ?? .count(breaker.windowCalls),
            failureRateThreshold: breaker.failureRatePercent, slowCallRateThreshold: breaker.slowCallRatePercent,
            slowCallDuration: breaker.slowCall, minimumCalls: breaker.minimumCalls, openDuration: breaker.open,
            halfOpenProbes: breaker.halfOpenProbes, probeTimeout: breaker.probeTimeout,
            failureCodes: Set(breaker.failureCodes))
    }
}
