import Codec

/// `herald/bench/v1/bench.proto`.
enum BenchSchemas {
    static let messages = [
        MessageSchema("herald.bench.v1.EchoRequest", [.init(1, "message", .string)]),
        MessageSchema("herald.bench.v1.EchoResponse", [.init(1, "message", .string)]),
    ]
    static let services = [
        ServiceSchema(
            "herald.bench.v1.Bench", [.init("Echo", "herald.bench.v1.EchoRequest", "herald.bench.v1.EchoResponse")])
    ]
}
