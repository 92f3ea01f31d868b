import Foundation
import Logging

/// Herald's configuration: `Config/herald.yaml` holds the defaults of every service, and environment
/// variables named as in the spec's configuration section override them.
///
/// Loading validates every value; a bad one throws `ConfigError` naming the key, the value and what was
/// expected, so a process stops before it serves.
public struct HeraldConfig: Sendable {
    /// One service process: its gRPC port, its admin (metrics, liveness) port and its database.
    public struct Service: Sendable, Equatable {
        public let name: String
        public let port: Int
        public let adminPort: Int
        public let databaseURL: String
    }

    public struct Database: Sendable, Equatable {
        /// The libpq connection string or URL every service uses unless its own overrides it.
        public let url: String
        public let poolMaxConnections: Int
        public let acquireTimeout: Duration
        public let connectTimeout: Duration
        public let statementTimeout: Duration
    }

    public struct Workflow: Sendable, Equatable {
        public let executionTimeoutSeconds: Int
        public let maxParallelExecutions: Int
        public let retryAttempts: Int
        public let retryDelayMilliseconds: Int
        public let maxNodes: Int
    }

    public struct Campaigns: Sendable, Equatable {
        /// Encoded campaigns campaign-manager keeps in memory for GetCampaign (0: none).
        public let cacheEntries: Int
    }

    public struct Segmentation: Sendable, Equatable {
        public let cacheTTLSeconds: Int
        public let batchSize: Int
        public let maxSegmentSize: Int

        public init(cacheTTLSeconds: Int = 300, batchSize: Int = 10_000, maxSegmentSize: Int = 10_000_000) {
            self.cacheTTLSeconds = cacheTTLSeconds
            self.batchSize = batchSize
            self.maxSegmentSize = maxSegmentSize
        }
    }

    public struct Personalization: Sendable, Equatable {
        public let cacheTTLSeconds: Int
        public let recommendationLimit: Int
    }

    public struct ABTesting: Sendable, Equatable {
        public let minSampleSize: Int
        public let confidenceLevel: Double
        public let maxTestDurationDays: Int
        public let statisticalEngine: String

        public init(
            minSampleSize: Int = 1000, confidenceLevel: Double = 0.95, maxTestDurationDays: Int = 30,
            statisticalEngine: String = "bayesian"
        ) {
            self.minSampleSize = minSampleSize
            self.confidenceLevel = confidenceLevel
            self.maxTestDurationDays = maxTestDurationDays
            self.statisticalEngine = statisticalEngine
        }
    }

    public struct Analytics: Sendable, Equatable {
        public let batchSize: Int
        public let aggregationIntervalSeconds: Int
        public let retentionDays: Int

        public init(batchSize: Int = 10_000, aggregationIntervalSeconds: Int = 300, retentionDays: Int = 365) {
            self.batchSize = batchSize
            self.aggregationIntervalSeconds = aggregationIntervalSeconds
            self.retentionDays = retentionDays
        }
    }

    public struct Users: Sendable, Equatable {
        /// Days of activity kept (older monthly partitions are dropped).
        public let activityRetentionDays: Int
        /// A grace period before an erasure request starts.
        public let erasureDelayMilliseconds: Int

        public init(activityRetentionDays: Int = 730, erasureDelayMilliseconds: Int = 0) {
            self.activityRetentionDays = activityRetentionDays
            self.erasureDelayMilliseconds = erasureDelayMilliseconds
        }
    }

    /// notification-gateway: how its dispatchers work the outbox, and its providers.
    public struct Delivery: Sendable, Equatable {
        /// False: this process accepts messages into the outbox but sends none (another process dispatches).
        public var dispatch: Bool
        /// Dispatchers working the outbox side by side, each on its own batch and its own provider connections.
        public var dispatchers: Int
        /// Messages one dispatcher claims at a time.
        public var batchSize: Int
        /// How long a claimed message is held before another dispatcher may take it (a crash in the provider call).
        public var leaseMilliseconds: Int
        /// Attempts before a transiently failing message is dead-lettered (FAILED with the last reply).
        public var maxAttempts: Int
        /// Backoff of the first retry, doubled each time (with jitter) up to `retryMaxMilliseconds`.
        public var retryBaseMilliseconds: Int
        public var retryMaxMilliseconds: Int
        /// Email over SMTP; nil when no relay is configured (email messages then fail with that reason).
        public var smtp: SMTP?

        public struct SMTP: Sendable, Equatable {
            public var host: String
            public var port: Int
            /// The name given in EHLO, and the domain of Message-IDs.
            public var heloName: String
            /// The From of a message that names none.
            public var defaultFrom: String
            /// Connections kept to the relay.
            public var connections: Int
            /// Messages a second at most (0: no limit).
            public var ratePerSecond: Int
            public var timeoutMilliseconds: Int
            /// AUTH PLAIN credentials (SMTP_USERNAME, SMTP_PASSWORD); nil: no authentication.
            public var username: String?
            public var password: String?
            /// DKIM signing: the signing domain (d=), the selector (s=) and the private key's PEM file (RSA: rsa-sha256,
            /// Ed25519: ed25519-sha256); no domain, no signature.
            public var dkimDomain: String?
            public var dkimSelector: String
            public var dkimKeyFile: String?

            public init(
                host: String, port: Int, heloName: String = "herald.local",
                defaultFrom: String = "Herald <noreply@herald.local>", connections: Int = 4, ratePerSecond: Int = 0,
                timeoutMilliseconds: Int = 30_000, username: String? = nil, password: String? = nil,
                dkimDomain: String? = nil, dkimSelector: String = "herald", dkimKeyFile: String? = nil
            ) {
                self.host = host
                self.port = port
                self.heloName = heloName
                self.defaultFrom = defaultFrom
                self.connections = connections
                self.ratePerSecond = ratePerSecond
                self.timeoutMilliseconds = timeoutMilliseconds
                self.username = username
                self.password = password
                self.dkimDomain = dkimDomain
                self.dkimSelector = dkimSelector
                self.dkimKeyFile = dkimKeyFile
            }
        }

        public init(
            dispatch: Bool = true, dispatchers: Int = 2, batchSize: Int = 500, leaseMilliseconds: Int = 60_000,
            maxAttempts: Int = 8,
            retryBaseMilliseconds: Int = 30_000, retryMaxMilliseconds: Int = 600_000, smtp: SMTP? = nil
        ) {
            self.dispatch = dispatch
            self.dispatchers = dispatchers
            self.batchSize = batchSize
            self.leaseMilliseconds = leaseMilliseconds
            self.maxAttempts = maxAttempts
            self.retryBaseMilliseconds = retryBaseMilliseconds
            self.retryMaxMilliseconds = retryMaxMilliseconds
            self.smtp = smtp
        }
    }

    public struct Security: Sendable, Equatable {
        public let jwtSecret: String?
        public let encryptionKey: String?
        public let apiRateLimit: Int
        public let apiRateWindowSeconds: Int
    }

    public let logLevel: Logger.Level
    public let database: Database
    public let services: [String: Service]
    public let workflow: Workflow
    public let campaigns: Campaigns
    public let segmentation: Segmentation
    public let personalization: Personalization
    public let abTesting: ABTesting
    public let analytics: Analytics
    public let users: Users
    public let delivery: Delivery
    public let security: Security
    /// How each service is called by the others, by service name (see `ClientConfig.swift`).
    public let clients: [String: Client]

    /// TLS for every service's gRPC port and the calls between services; nil: cleartext.
    public struct TLS: Sendable, Equatable {
        /// The service's certificate chain and key (PEM); also presented as a client certificate to other services.
        public let certificateFile: String
        public let keyFile: String
        /// With it, clients must present a certificate signed by this CA (mutual TLS).
        public let clientCAFile: String?
        /// What a service trusts when it calls another.
        public let caFile: String?
    }

    public let tls: TLS?

    /// The nine services of DESIGN.md with their default ports and the environment variables that override
    /// them (the spec's names where it has them, the same pattern where it does not).
    public static let knownServices: [(name: String, port: Int, portEnv: String, databaseEnv: String)] = [
        ("campaign-manager", 8080, "CAMPAIGN_SERVICE_PORT", "CAMPAIGN_DATABASE_URL"),
        ("workflow-engine", 8081, "WORKFLOW_ENGINE_PORT", "WORKFLOW_DATABASE_URL"),
        ("segmentation-engine", 8082, "SEGMENTATION_SERVICE_PORT", "SEGMENTATION_DATABASE_URL"),
        ("personalization-engine", 8083, "PERSONALIZATION_SERVICE_PORT", "PERSONALIZATION_DATABASE_URL"),
        ("ab-testing-engine", 8084, "AB_TESTING_SERVICE_PORT", "AB_TESTING_DATABASE_URL"),
        ("campaign-analytics", 8085, "ANALYTICS_SERVICE_PORT", "ANALYTICS_DATABASE_URL"),
        ("trigger-manager", 8086, "TRIGGER_SERVICE_PORT", "TRIGGER_DATABASE_URL"),
        ("notification-gateway", 8070, "NOTIFICATION_GATEWAY_PORT", "NOTIFICATION_DATABASE_URL"),
        ("user-directory", 8071, "USER_DIRECTORY_PORT", "USER_DATABASE_URL"),
    ]

    /// Reads and validates everything; throws `ConfigError` with every problem found.
    public init(source: ConfigSource) throws {
        var r = ConfigReader(source: source)
        logLevel = r.value(
            "logging.level", env: "LOG_LEVEL", default: .info,
            expected: "one of trace, debug, info, notice, warning, error, critical", parse: HeraldLogging.level(named:))

        let databaseURL = r.string("database.url", env: "HERALD_DATABASE_URL", default: "postgresql:///herald")
        database = Database(
            url: databaseURL,
            poolMaxConnections: r.int(
                "database.pool.maxConnections", env: "HERALD_DATABASE_POOL_SIZE", default: 10, range: 1...1000),
            acquireTimeout: .milliseconds(
                r.int("database.pool.acquireTimeoutMs", default: 30_000, range: 1...3_600_000)),
            connectTimeout: .milliseconds(r.int("database.connectTimeoutMs", default: 10_000, range: 1...600_000)),
            statementTimeout: .milliseconds(
                r.int("database.statementTimeoutMs", default: 30_000, range: 0...86_400_000)))

        var services: [String: Service] = [:]
        let known = Set(Self.knownServices.map(\.name))
        for name in r.children(of: "services") where !known.contains(name) {
            r.fail(
                "services.\(name)", value: nil,
                expected: "one of \(Self.knownServices.map(\.name).joined(separator: ", "))")
        }
        for entry in Self.knownServices {
            let key = "services.\(entry.name)"
            let port = r.port("\(key).port", env: entry.portEnv, default: entry.port)
            services[entry.name] = Service(
                name: entry.name, port: port,
                adminPort: r.port("\(key).adminPort", default: min(port + 1000, 65535)),
                databaseURL: r.optionalString("\(key).databaseUrl", env: entry.databaseEnv) ?? databaseURL)
        }
        var ports: [Int: String] = [:]
        for service in services.values.sorted(by: { $0.name < $1.name }) {
            for (port, what) in [(service.port, "port"), (service.adminPort, "adminPort")] {
                if let other = ports[port] {
                    r.fail(
                        "services.\(service.name).\(what)", value: String(port),
                        expected: "a port not already used by \(other)")
                }
                ports[port] = "\(service.name).\(what)"
            }
        }
        self.services = services
        clients = Self.readClients(&r, services: services)
        let certificate = r.optionalString("tls.certFile", env: "HERALD_TLS_CERT_FILE")
        let key = r.optionalString("tls.keyFile", env: "HERALD_TLS_KEY_FILE")
        let clientCA = r.optionalString("tls.clientCAFile", env: "HERALD_TLS_CLIENT_CA_FILE")
        let ca = r.optionalString("tls.caFile", env: "HERALD_TLS_CA_FILE")
        for (key, file) in [
            ("tls.certFile", certificate), ("tls.keyFile", key), ("tls.clientCAFile", clientCA), ("tls.caFile", ca),
        ] {
            if let file, !FileManager.default.isReadableFile(atPath: file) {
                r.fail(key, value: file, expected: "a readable PEM file")
            }
        }
        if (certificate == nil) != (key == nil) {
            r.fail(
                "tls.keyFile", value: key, expected: "tls.certFile and tls.keyFile together (or neither, for cleartext)"
            )
        }
        tls = certificate.flatMap { certificate in
            key.map { TLS(certificateFile: certificate, keyFile: $0, clientCAFile: clientCA, caFile: ca) }
        }

        workflow = Workflow(
            executionTimeoutSeconds: r.int(
                "workflow.executionTimeout", env: "WORKFLOW_EXECUTION_TIMEOUT", default: 3600, range: 1...604_800),
            maxParallelExecutions: r.int(
                "workflow.maxParallelExecutions", env: "WORKFLOW_MAX_PARALLEL_EXECUTIONS", default: 1000,
                range: 1...1_000_000),
            retryAttempts: r.int("workflow.retryAttempts", env: "WORKFLOW_RETRY_ATTEMPTS", default: 3, range: 0...100),
            retryDelayMilliseconds: r.int(
                "workflow.retryDelay", env: "WORKFLOW_RETRY_DELAY", default: 5000, range: 0...3_600_000),
            maxNodes: r.int("workflow.maxNodes", default: 100, range: 2...10_000))
        campaigns = Campaigns(
            cacheEntries: r.int(
                "campaigns.cacheEntries", env: "CAMPAIGN_CACHE_ENTRIES", default: 10_000, range: 0...10_000_000))
        segmentation = Segmentation(
            cacheTTLSeconds: r.int(
                "segmentation.cacheTTL", env: "SEGMENTATION_CACHE_TTL", default: 300, range: 0...86_400),
            batchSize: r.int(
                "segmentation.batchSize", env: "SEGMENTATION_BATCH_SIZE", default: 10_000, range: 1...1_000_000),
            maxSegmentSize: r.int("segmentation.maxSegmentSize", default: 10_000_000, range: 1...1_000_000_000))
        personalization = Personalization(
            cacheTTLSeconds: r.int(
                "personalization.cacheTTL", env: "PERSONALIZATION_CACHE_TTL", default: 600, range: 0...86_400),
            recommendationLimit: r.int(
                "personalization.recommendationLimit", env: "PERSONALIZATION_RECOMMENDATION_LIMIT", default: 50,
                range: 1...10_000))
        abTesting = ABTesting(
            minSampleSize: r.int(
                "abTesting.minSampleSize", env: "AB_TESTING_MIN_SAMPLE_SIZE", default: 1000, range: 1...100_000_000),
            confidenceLevel: r.double(
                "abTesting.confidenceLevel", env: "AB_TESTING_CONFIDENCE_LEVEL", default: 0.95, range: 0.5...0.9999),
            maxTestDurationDays: r.int(
                "abTesting.maxTestDuration", env: "AB_TESTING_MAX_TEST_DURATION", default: 30, range: 1...365),
            statisticalEngine: r.value(
                "abTesting.statisticalEngine", default: "bayesian", expected: "bayesian or frequentist"
            ) {
                ["bayesian", "frequentist"].contains($0) ? $0 : nil
            })
        analytics = Analytics(
            batchSize: r.int("analytics.batchSize", env: "ANALYTICS_BATCH_SIZE", default: 10_000, range: 1...1_000_000),
            aggregationIntervalSeconds: r.int(
                "analytics.aggregationInterval", env: "ANALYTICS_AGGREGATION_INTERVAL", default: 300, range: 1...86_400),
            retentionDays: r.int(
                "analytics.retentionDays", env: "ANALYTICS_RETENTION_DAYS", default: 365, range: 1...36_500))
        users = Users(
            activityRetentionDays: r.int(
                "users.activityRetentionDays", env: "USER_ACTIVITY_RETENTION_DAYS", default: 730, range: 30...36_500),
            erasureDelayMilliseconds: r.int(
                "users.erasureDelayMs", env: "USER_ERASURE_DELAY_MS", default: 0, range: 0...2_592_000_000))
        let smtpHost = r.string("delivery.smtp.host", env: "SMTP_HOST", default: "")
        let smtp = HeraldConfig.Delivery.SMTP(
            host: smtpHost, port: r.int("delivery.smtp.port", env: "SMTP_PORT", default: 25, range: 1...65_535),
            heloName: r.string("delivery.smtp.heloName", env: "SMTP_HELO_NAME", default: "herald.local"),
            defaultFrom: r.string("delivery.smtp.from", env: "SMTP_FROM", default: "Herald <noreply@herald.local>"),
            connections: r.int("delivery.smtp.connections", default: 4, range: 1...256),
            ratePerSecond: r.int(
                "delivery.smtp.ratePerSecond", env: "SMTP_RATE_PER_SECOND", default: 0, range: 0...1_000_000),
            timeoutMilliseconds: r.int("delivery.smtp.timeoutMs", default: 30_000, range: 100...600_000),
            username: r.optionalString("delivery.smtp.username", env: "SMTP_USERNAME"),
            password: r.optionalString("delivery.smtp.password", env: "SMTP_PASSWORD"),
            dkimDomain: r.optionalString("delivery.smtp.dkim.domain", env: "DKIM_DOMAIN"),
            dkimSelector: r.string("delivery.smtp.dkim.selector", env: "DKIM_SELECTOR", default: "herald"),
            dkimKeyFile: r.optionalString("delivery.smtp.dkim.keyFile", env: "DKIM_KEY_FILE"))
        delivery = Delivery(
            dispatch: r.bool("delivery.dispatch", env: "DELIVERY_DISPATCH", default: true),
            dispatchers: r.int("delivery.dispatchers", env: "DELIVERY_DISPATCHERS", default: 2, range: 1...64),
            batchSize: r.int("delivery.batchSize", env: "DELIVERY_BATCH_SIZE", default: 500, range: 1...10_000),
            leaseMilliseconds: r.int(
                "delivery.leaseMs", env: "DELIVERY_LEASE_MS", default: 60_000, range: 100...3_600_000),
            maxAttempts: r.int("delivery.maxAttempts", env: "DELIVERY_MAX_ATTEMPTS", default: 8, range: 1...100),
            retryBaseMilliseconds: r.int(
                "delivery.retryBaseMs", env: "DELIVERY_RETRY_BASE_MS", default: 30_000, range: 1...3_600_000),
            retryMaxMilliseconds: r.int("delivery.retryMaxMs", default: 600_000, range: 1...86_400_000),
            smtp: smtpHost.isEmpty ? nil : smtp)
        security = Security(
            jwtSecret: r.optionalString("security.jwtSecret", env: "JWT_SECRET"),
            encryptionKey: r.optionalString("security.encryptionKey", env: "ENCRYPTION_KEY"),
            apiRateLimit: r.int("security.apiRateLimit", env: "API_RATE_LIMIT", default: 1000, range: 1...100_000_000),
            apiRateWindowSeconds: r.int(
                "security.apiRateWindow", env: "API_RATE_WINDOW", default: 3600, range: 1...86_400))
        try r.finish()
    }

    /// Loads `path` (default: `HERALD_CONFIG`, else `Config/herald.yaml` under the current directory) with the
    /// process environment.
    public static func load(path: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> HeraldConfig
    {
        let file = path ?? environment["HERALD_CONFIG"] ?? "Config/herald.yaml"
        return try HeraldConfig(source: try ConfigSource.load(path: file, environment: environment))
    }
}
