// swift-tools-version:6.1
// The codec benchmark: Herald's codec (protobuf-c runtime, descriptors from Swift schemas) beside
// swift-protobuf's generated code and protobuf-c's generated C for the same .proto files, in one process.
// The generated code under Sources/ was produced once from Protos/ and is used by this benchmark only.
// Run it with tools/bench-codec/run.
import PackageDescription

let package = Package(
    name: "CodecBenchmark",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Herald", path: "../.."),
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
    ],
    targets: [
        .target(
            name: "SwiftProtobufGenerated",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .target(
            name: "CGenerated", cSettings: [.headerSearchPath("include"), .unsafeFlags(["-O2"])],
            linkerSettings: [.linkedLibrary("protobuf-c")]),
        .target(name: "CMallocCounter"),
        .executableTarget(
            name: "CodecBenchmark",
            dependencies: [
                "SwiftProtobufGenerated", "CGenerated", "CMallocCounter",
                .product(name: "HeraldCodec", package: "Herald"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]),
    ]
)
