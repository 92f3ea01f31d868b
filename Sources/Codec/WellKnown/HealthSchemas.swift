/// `grpc/health/v1/health.proto`: the standard health service, served by every Herald process.
public enum HealthSchemas {
    public static let messages = [
        MessageSchema("grpc.health.v1.HealthCheckRequest", [.init(1, "service", .string)]),
        MessageSchema(
            "grpc.health.v1.HealthCheckResponse",
            [
                .init(1, "status", .enumeration("grpc.health.v1.HealthCheckResponse.ServingStatus"))
            ]),
    ]
    public static let enums = [
        EnumSchema(
            "grpc.health.v1.HealthCheckResponse.ServingStatus",
            [
                ("UNKNOWN", 0), ("SERVING", 1), ("NOT_SERVING", 2), ("SERVICE_UNKNOWN", 3),
            ])
    ]
    public static let services = [
        ServiceSchema(
            "grpc.health.v1.Health",
            [
                .init("Check", "grpc.health.v1.HealthCheckRequest", "grpc.health.v1.HealthCheckResponse"),
                .init(
                    "Watch", "grpc.health.v1.HealthCheckRequest", "grpc.health.v1.HealthCheckResponse",
                    serverStreaming: true),
            ])
    ]
}
