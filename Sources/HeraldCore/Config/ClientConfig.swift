/// `clients:` of the configuration: how each service is called by the others (the ServiceClients library turns it
/// into its configuration). `clients.defaults` applies to every target; `clients.<service>` overrides any of it for
/// one target, and `clients.<service>.methods.<Method>` the timeout and retry policy of one method.
extension HeraldConfig {
    public struct Client: Sendable, Equatable {
        public struct Retry: Sendable, Equatable {
            public var maxAttempts: Int
            public var initialBackoff: Duration
            public var maxBackoff: Duration
            public var multiplier: Double
            public var retryableCodes: [StatusCode]
        }

        public struct Breaker: Sendable, Equatable {
            /// A count window of this many calls, or (when windowSeconds is set) a time window.
            public var windowCalls: Int
            public var windowSeconds: Int?
            public var failureRatePercent: Double
            public var slowCallRatePercent: Double
            public var slowCall: Duration
            public var minimumCalls: Int
            public var open: Duration
            public var halfOpenProbes: Int
            public var probeTimeout: Duration
            public var failureCodes: [StatusCode]
        }

        /// gRFC A6 hedging of an idempotent method (instead of its retry policy).
        public struct Hedging: Sendable, Equatable {
            public var maxAttempts: Int
            public var hedgingDelay: Duration
            public var nonFatalCodes: [StatusCode]
        }

        public struct Method: Sendable, Equatable {
            public var timeout: Duration
            public var retry: Retry
            public var hedging: Hedging?
        }

        /// `host:port` of each endpoint; by default 127.0.0.1 and the service's port.
        public var endpoints: [String]
        public var timeout: Duration
        /// `round_robin` or `power_of_two_choices`.
        public var loadBalancing: String
        public var retry: Retry
        /// gRFC A6 throttling; maxTokens 0 turns it off.
        public var throttleMaxTokens: Double
        public var throttleTokenRatio: Double
        public var endpointBreaker: Breaker
        public var targetBreaker: Breaker
        public var maxConcurrentCalls: Int
        public var maxQueuedCalls: Int
        public var ejectAfterConsecutiveFailures: Int
        public var ejection: Duration
        public var healthCheck: Bool
        /// gRFC A8 client keepalive: a PING this often on a connection carrying calls (nil: off), and how long an
        /// acknowledgement may take before the connection is closed.
        public var keepaliveTime: Duration?
        public var keepaliveTimeout: Duration
        public var methods: [String: Method]

        /// Herald's defaults: gRFC A6 and resilience4j's shapes, sized for service-to-service traffic.
        static let builtIn = Client(
            endpoints: [], timeout: .seconds(10), loadBalancing: "round_robin",
            retry: Retry(
                maxAttempts: 3, initialBackoff: .milliseconds(50), maxBackoff: .seconds(1), multiplier: 2,
                retryableCodes: [.unavailable]),
            throttleMaxTokens: 10, throttleTokenRatio: 0.1,
            endpointBreaker: Breaker(
                windowCalls: 50, windowSeconds: nil, failureRatePercent: 50, slowCallRatePercent: 100,
                slowCall: .seconds(60),
                minimumCalls: 20, open: .seconds(10), halfOpenProbes: 3, probeTimeout: .seconds(5),
                failureCodes: failureCodes),
            targetBreaker: Breaker(
                windowCalls: 100, windowSeconds: 10, failureRatePercent: 80, slowCallRatePercent: 100,
                slowCall: .seconds(60),
                minimumCalls: 50, open: .seconds(5), halfOpenProbes: 5, probeTimeout: .seconds(5),
                failureCodes: failureCodes),
            maxConcurrentCalls: 256, maxQueuedCalls: 256, ejectAfterConsecutiveFailures: 5, ejection: .seconds(10),
            healthCheck: true,
            keepaliveTime: .seconds(300), keepaliveTimeout: .seconds(20), methods: [:])

        static let failureCodes: [StatusCode] = [.unavailable, .deadlineExceeded, .internal, .resourceExhausted]
    }

    /// Reads `clients:`: the defaults, then one entry per known service with its overrides.
    static func readClients(_ r: inout ConfigReader, services: [String: Service]) -> [String: Client] {
        for name in r.children(of: "clients") where name != "defaults" && services[name] == nil {
            r.fail("clients.\(name)", value: nil, expected: "defaults or a service name of services:")
        }
        let defaults = readClient(&r, "clients.defaults", base: Client.builtIn)
        if r.list("clients.defaults.endpoints", default: []).count > 0 {
            r.fail(
                "clients.defaults.endpoints", value: nil,
                expected: "endpoints per target (clients.<service>.endpoints), not in defaults")
        }
        var clients: [String: Client] = [:]
        for (name, service) in services {
            var base = defaults
            base.endpoints = ["127.0.0.1:\(service.port)"]
            var client = readClient(&r, "clients.\(name)", base: base)
            for (i, endpoint) in client.endpoints.enumerated() where !isEndpoint(endpoint) {
                r.fail("clients.\(name).endpoints[\(i)]", value: endpoint, expected: "host:port")
            }
            for method in r.children(of: "clients.\(name).methods") {
                let key = "clients.\(name).methods.\(method)"
                var hedging: Client.Hedging?
                if !r.children(of: "\(key).hedging").isEmpty {
                    hedging = Client.Hedging(
                        maxAttempts: r.int("\(key).hedging.maxAttempts", default: 2, range: 1...5),
                        hedgingDelay: .milliseconds(
                            r.int("\(key).hedging.hedgingDelayMs", default: 50, range: 0...3_600_000)),
                        nonFatalCodes: readCodes(&r, "\(key).hedging.nonFatalCodes", base: [.unavailable]))
                }
                client.methods[method] = Client.Method(
                    timeout: .milliseconds(
                        r.int("\(key).timeoutMs", default: Int(client.timeout.milliseconds), range: 1...3_600_000)),
                    retry: readRetry(&r, "\(key).retry", base: client.retry), hedging: hedging)
            }
            clients[name] = client
        }
        return clients
    }

    private static func readClient(_ r: inout ConfigReader, _ key: String, base: Client) -> Client {
        var c = base
        c.endpoints = r.list("\(key).endpoints", default: base.endpoints)
        c.timeout = .milliseconds(
            r.int("\(key).timeoutMs", default: Int(base.timeout.milliseconds), range: 1...3_600_000))
        c.loadBalancing = r.value(
            "\(key).loadBalancing", default: base.loadBalancing, expected: "round_robin or power_of_two_choices"
        ) { ["round_robin", "power_of_two_choices"].contains($0) ? $0 : nil }
        c.retry = readRetry(&r, "\(key).retry", base: base.retry)
        c.throttleMaxTokens = r.double("\(key).throttle.maxTokens", default: base.throttleMaxTokens, range: 0...1000)
        c.throttleTokenRatio = r.double(
            "\(key).throttle.tokenRatio", default: base.throttleTokenRatio, range: 0.001...1000)
        c.endpointBreaker = readBreaker(&r, "\(key).breaker", base: base.endpointBreaker)
        c.targetBreaker = readBreaker(&r, "\(key).targetBreaker", base: base.targetBreaker)
        c.maxConcurrentCalls = r.int(
            "\(key).bulkhead.maxConcurrent", default: base.maxConcurrentCalls, range: 1...1_000_000)
        c.maxQueuedCalls = r.int("\(key).bulkhead.maxQueued", default: base.maxQueuedCalls, range: 0...1_000_000)
        c.ejectAfterConsecutiveFailures = r.int(
            "\(key).outlier.consecutiveFailures", default: base.ejectAfterConsecutiveFailures, range: 1...1_000_000)
        c.ejection = .milliseconds(
            r.int("\(key).outlier.ejectionMs", default: Int(base.ejection.milliseconds), range: 1...3_600_000))
        c.healthCheck = r.bool("\(key).healthCheck", default: base.healthCheck)
        let keepaliveMs = r.int(
            "\(key).keepalive.timeMs", default: Int(base.keepaliveTime?.milliseconds ?? 0), range: 0...86_400_000)
        c.keepaliveTime = keepaliveMs == 0 ? nil : .milliseconds(keepaliveMs)
        c.keepaliveTimeout = .milliseconds(
            r.int("\(key).keepalive.timeoutMs", default: Int(base.keepaliveTimeout.milliseconds), range: 1...3_600_000))
        return c
    }

    private static func readRetry(_ r: inout ConfigReader, _ key: String, base: Client.Retry) -> Client.Retry {
        Client.Retry(
            maxAttempts: r.int("\(key).maxAttempts", default: base.maxAttempts, range: 1...5),
            initialBackoff: .milliseconds(
                r.int("\(key).initialBackoffMs", default: Int(base.initialBackoff.milliseconds), range: 1...3_600_000)),
            maxBackoff: .milliseconds(
                r.int("\(key).maxBackoffMs", default: Int(base.maxBackoff.milliseconds), range: 1...3_600_000)),
            multiplier: r.double("\(key).backoffMultiplier", default: base.multiplier, range: 1...100),
            retryableCodes: readCodes(&r, "\(key).retryableCodes", base: base.retryableCodes))
    }

    private static func readBreaker(_ r: inout ConfigReader, _ key: String, base: Client.Breaker) -> Client.Breaker {
        Client.Breaker(
            windowCalls: r.int("\(key).windowCalls", default: base.windowCalls, range: 1...100_000),
            windowSeconds: r.value(
                "\(key).windowSeconds", default: base.windowSeconds, expected: "a number of seconds 1-3600"
            ) {
                text -> Int?? in
                guard let seconds = Int(text), (1...3600).contains(seconds) else { return .none }  // unusable: reported
                return .some(seconds)
            },
            failureRatePercent: r.double("\(key).failureRatePercent", default: base.failureRatePercent, range: 1...100),
            slowCallRatePercent: r.double(
                "\(key).slowCallRatePercent", default: base.slowCallRatePercent, range: 1...100),
            slowCall: .milliseconds(
                r.int("\(key).slowCallMs", default: Int(base.slowCall.milliseconds), range: 1...3_600_000)),
            minimumCalls: r.int("\(key).minimumCalls", default: base.minimumCalls, range: 1...100_000),
            open: .milliseconds(r.int("\(key).openMs", default: Int(base.open.milliseconds), range: 1...3_600_000)),
            halfOpenProbes: r.int("\(key).halfOpenProbes", default: base.halfOpenProbes, range: 1...1000),
            probeTimeout: .milliseconds(
                r.int("\(key).probeTimeoutMs", default: Int(base.probeTimeout.milliseconds), range: 1...3_600_000)),
            failureCodes: readCodes(&r, "\(key).failureCodes", base: base.failureCodes))
    }

    private static func readCodes(_ r: inout ConfigReader, _ key: String, base: [StatusCode]) -> [StatusCode] {
        var codes: [StatusCode] = []
        for name in r.list(key, default: base.map(\.description)) {
            if let code = StatusCode(name: name), code != .ok {
                codes.append(code)
            } else {
                r.fail(key, value: name, expected: "gRPC status names such as UNAVAILABLE")
            }
        }
        return codes
    }

    private static func isEndpoint(_ text: String) -> Bool {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else {
            return false
        }
        return colon != text.startIndex && (1...65535).contains(port)
    }
}
