// swift-tools-version:6.1
// Herald: a notification-campaign platform on its own gRPC-compatible RPC stack.
// Layers (each imports only those below it), see ../shared/DESIGN.md and README.md:
//   1. C modules        CNghttp2, CProtobufC, CLibpq, COpenSSL, CLibevent
//   2. Wrappers         EventLoop (libevent), Postgres (libpq), and later the codec and HTTP/2 engine
//   3+ RPC platform, API, services, heraldctl
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

func systemLibrary(_ name: String, pkgConfig: String, apt: [String]) -> Target {
    .systemLibrary(name: name, path: "Sources/\(name)", pkgConfig: pkgConfig, providers: [.apt(apt)])
}

let package = Package(
    name: "Herald",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "heraldctl", targets: ["heraldctl"]),
        .executable(name: "campaign-manager", targets: ["campaign-manager"]),
        .executable(name: "user-directory", targets: ["user-directory"]),
        .executable(name: "notification-gateway", targets: ["notification-gateway"]),
        .executable(name: "ab-testing-engine", targets: ["ab-testing-engine"]),
        .executable(name: "campaign-analytics", targets: ["campaign-analytics"]),
        .executable(name: "segmentation-engine", targets: ["segmentation-engine"]),
        .executable(name: "rpc-testserver", targets: ["rpc-testserver"]),
        .executable(name: "rpc-testclient", targets: ["rpc-testclient"]),
        .executable(name: "herald-bench-postgres", targets: ["PostgresBenchmark"]),
        .library(name: "HeraldPostgres", targets: ["Postgres"]),
        .library(name: "HeraldCodec", targets: ["Codec", "API"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // Layer 1: C libraries from Debian, each behind a shim.h.
        systemLibrary("CNghttp2", pkgConfig: "libnghttp2", apt: ["libnghttp2-dev"]),
        systemLibrary("CProtobufC", pkgConfig: "libprotobuf-c", apt: ["libprotobuf-c-dev"]),
        systemLibrary("CLibpq", pkgConfig: "libpq", apt: ["libpq-dev"]),
        systemLibrary("COpenSSL", pkgConfig: "openssl", apt: ["libssl-dev"]),
        systemLibrary("CLibevent", pkgConfig: "libevent", apt: ["libevent-dev"]),
        systemLibrary("CZlib", pkgConfig: "zlib", apt: ["zlib1g-dev"]),

        // Shared vocabulary with no C: status codes, configuration, structured logs.
        .target(
            name: "HeraldCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),

        // Layer 2: wrappers, each the single owner of its C handles.
        .target(
            name: "EventLoop",
            dependencies: ["CLibevent", "HeraldCore"],
            swiftSettings: strict
        ),
        .target(
            name: "Codec",
            dependencies: ["CProtobufC", "HeraldCore"],
            swiftSettings: strict
        ),
        .target(name: "HTTP2", dependencies: ["CNghttp2"], swiftSettings: strict),
        .target(
            name: "Postgres",
            dependencies: [
                "CLibpq", "COpenSSL", "EventLoop", "HeraldCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // The statistics of experiments: distributions, frequentist, Bayesian and sequential tests, CUPED, power.
        .target(name: "Statistics", swiftSettings: strict),

        // Cryptography over OpenSSL: AES-256-GCM, HMAC-SHA256, secure random (PII at rest, blind indexes, signing).
        .target(name: "Crypto", dependencies: ["COpenSSL"], swiftSettings: strict),

        // Layer 3: the RPC platform.
        .target(
            name: "RPC",
            dependencies: [
                "HTTP2", "EventLoop", "Codec", "CLibevent", "CZlib", "COpenSSL", "HeraldCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // Metrics and the admin port (Prometheus /metrics, /healthz, /readyz over libevent's evhttp).
        .target(name: "Observability", dependencies: ["EventLoop", "CLibevent", "HeraldCore"], swiftSettings: strict),

        // Pure state machines for inter-service calls: circuit breaker, retries (gRFC A6), backoff, bulkhead.
        .target(name: "Resilience", dependencies: ["HeraldCore"], swiftSettings: strict),

        // Layer 4½: every inter-service call — balancing, deadlines, retries, breakers, bulkheads — over the RPC client.
        .target(
            name: "ServiceClients",
            dependencies: [
                "Resilience", "RPC", "API", "EventLoop", "Observability", "HeraldCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),

        // Layer 4: the API — Swift schemas of every message in Protos/.
        .target(name: "API", dependencies: ["Codec"], swiftSettings: strict),

        // Layer 5: domain types of every service area and their wire mappers, then the services.
        .target(name: "Domain", dependencies: ["Codec", "API", "HeraldCore", "Statistics"], swiftSettings: strict),
        // Typed clients of the services, on ServiceClients: what services use to call each other.
        .target(
            name: "TypedClients", dependencies: ["ServiceClients", "Domain", "API", "Codec", "RPC"],
            swiftSettings: strict),
        // What every service's target shares: typed handlers over domain values, Watch methods on PostgreSQL
        // notifications, store helpers.
        .target(
            name: "ServiceKit", dependencies: ["Domain", "Postgres", "RPC", "Codec", "HeraldCore"],
            swiftSettings: strict),
        // The one synthetic-data generator: users, devices, consent, activity, with planted structure.
        .target(name: "Synthetic", dependencies: ["Domain", "Codec", "HeraldCore"], swiftSettings: strict),
        .target(
            name: "UserDirectory",
            dependencies: [
                "ServiceKit", "Domain", "Crypto", "Postgres", "RPC", "Codec", "HeraldCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(
            name: "NotificationGateway",
            dependencies: [
                "ServiceKit", "TypedClients", "Domain", "Crypto", "EventLoop", "Resilience", "Postgres", "RPC", "API",
                "Codec",
                "HeraldCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(
            name: "ABTestingEngine",
            dependencies: [
                "ServiceKit", "Statistics", "Domain", "Postgres", "RPC", "Codec", "HeraldCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(
            name: "CampaignAnalytics",
            dependencies: [
                "ServiceKit", "Statistics", "Domain", "Postgres", "RPC", "API", "Codec", "HeraldCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(
            name: "SegmentationEngine",
            dependencies: [
                "ServiceKit", "Statistics", "Domain", "Postgres", "RPC", "Codec", "HeraldCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(
            name: "CampaignManager",
            dependencies: [
                "ServiceKit", "Domain", "Postgres", "RPC", "API", "Codec", "HeraldCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),

        .target(
            name: "ServiceRuntime",
            dependencies: [
                "RPC", "API", "EventLoop", "Postgres", "Observability", "HeraldCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "campaign-manager", dependencies: ["CampaignManager", "ServiceRuntime", "RPC"], swiftSettings: strict),
        .executableTarget(
            name: "user-directory", dependencies: ["UserDirectory", "ServiceRuntime", "RPC", "HeraldCore"],
            swiftSettings: strict),
        .executableTarget(
            name: "notification-gateway",
            dependencies: [
                "NotificationGateway", "TypedClients", "ServiceClients", "ServiceRuntime", "RPC", "HeraldCore",
            ],
            swiftSettings: strict),

        .executableTarget(
            name: "ab-testing-engine", dependencies: ["ABTestingEngine", "ServiceRuntime", "RPC", "HeraldCore"],
            swiftSettings: strict),

        .executableTarget(
            name: "campaign-analytics", dependencies: ["CampaignAnalytics", "ServiceRuntime", "RPC", "HeraldCore"],
            swiftSettings: strict),
        .executableTarget(
            name: "segmentation-engine", dependencies: ["SegmentationEngine", "ServiceRuntime", "RPC", "HeraldCore"],
            swiftSettings: strict),

        // The interop and benchmark services, and their server.
        .target(name: "Interop", dependencies: ["RPC", "API", "Codec", "HeraldCore"], swiftSettings: strict),
        .executableTarget(
            name: "rpc-testserver", dependencies: ["Interop", "RPC", "EventLoop", "ServiceRuntime"],
            swiftSettings: strict),
        .executableTarget(
            name: "rpc-testclient", dependencies: ["Interop", "RPC", "ServiceClients", "Resilience"],
            swiftSettings: strict),

        // Tools.
        .executableTarget(
            name: "heraldctl",
            dependencies: [
                "Postgres", "HeraldCore", "API", "Codec", "RPC", "TypedClients", "Domain", "Synthetic",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "PostgresBenchmark",
            dependencies: ["Postgres", "EventLoop", "HeraldCore"],
            path: "Sources/Benchmarks/PostgresBenchmark",
            swiftSettings: strict
        ),

        // Tests.
        .testTarget(name: "HeraldCoreTests", dependencies: ["HeraldCore"], swiftSettings: strict),
        .testTarget(name: "EventLoopTests", dependencies: ["EventLoop"], swiftSettings: strict),
        .testTarget(
            name: "PostgresTests", dependencies: ["Postgres", "EventLoop", "HeraldCore", "TestSupport"],
            swiftSettings: strict),
        .target(
            name: "TestSupport",
            dependencies: ["Postgres", "EventLoop", "Domain", "API", "Codec", "RPC", "TypedClients", "HeraldCore"],
            path: "Tests/TestSupport",
            swiftSettings: strict),
        .testTarget(
            name: "CodecTests", dependencies: ["Codec", "API", "HeraldCore", "TestSupport"], exclude: ["Fixtures"],
            swiftSettings: strict),
        .testTarget(
            name: "DomainTests", dependencies: ["Domain", "API", "Codec", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "TypedClientsTests",
            dependencies: [
                "TypedClients", "Domain", "API", "Codec", "RPC", "ServiceClients", "HeraldCore", "TestSupport",
            ], swiftSettings: strict),
        .testTarget(name: "APITests", dependencies: ["API", "Codec", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "RPCTests", dependencies: ["RPC", "EventLoop", "HeraldCore", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "InteropTests", dependencies: ["RPC", "TestSupport"], exclude: ["Python"], swiftSettings: strict),
        .testTarget(
            name: "CampaignManagerTests",
            dependencies: [
                "CampaignManager", "TypedClients", "ServiceClients", "Domain", "API", "Codec", "Postgres", "RPC",
                "HeraldCore", "TestSupport",
            ], swiftSettings: strict),
        .testTarget(
            name: "ServiceTests",
            dependencies: [
                "API", "Codec", "RPC", "Postgres", "ServiceClients", "TypedClients", "Domain", "HeraldCore",
                "TestSupport",
            ],
            exclude: ["Python", "FuzzSeeds"],
            swiftSettings: strict),
        .testTarget(name: "CryptoTests", dependencies: ["Crypto"], swiftSettings: strict),
        .testTarget(
            name: "StatisticsTests", dependencies: ["Statistics", "HeraldCore", "TestSupport"], exclude: ["Python"],
            swiftSettings: strict),
        .testTarget(
            name: "UserDirectoryTests",
            dependencies: [
                "UserDirectory", "ServiceKit", "TypedClients", "ServiceClients", "Synthetic", "Domain", "Codec",
                "Postgres", "RPC",
                "HeraldCore", "TestSupport",
            ], swiftSettings: strict),
        .testTarget(
            name: "ABTestingEngineTests",
            dependencies: [
                "ABTestingEngine", "Statistics", "TypedClients", "ServiceClients", "Domain", "Codec", "Postgres", "RPC",
                "HeraldCore", "TestSupport",
            ], exclude: ["Python"], swiftSettings: strict),
        .testTarget(
            name: "CampaignAnalyticsTests",
            dependencies: [
                "CampaignAnalytics", "TypedClients", "ServiceClients", "Domain", "Codec", "Postgres", "RPC",
                "HeraldCore",
                "TestSupport",
            ], swiftSettings: strict),
        .testTarget(
            name: "SegmentationEngineTests",
            dependencies: [
                "SegmentationEngine", "Synthetic", "TypedClients", "ServiceClients", "Domain", "Codec", "Postgres",
                "RPC",
                "HeraldCore", "TestSupport",
            ], swiftSettings: strict),
        .testTarget(name: "ServiceRuntimeTests", dependencies: ["ServiceRuntime"], swiftSettings: strict),
        .testTarget(name: "ObservabilityTests", dependencies: ["Observability", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "ResilienceTests", dependencies: ["Resilience", "HeraldCore", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "ServiceClientsTests",
            dependencies: ["ServiceClients", "Resilience", "RPC", "Observability", "HeraldCore", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "HeraldctlTests", dependencies: ["Postgres", "TestSupport"], exclude: ["Python"],
            swiftSettings: strict),
    ]
)
