import Codec

/// Every message, enum and service Herald speaks, as hand-written Swift schemas that mirror `Protos/` (a test
/// compiles `Protos/` with protoc and fails on any difference), plus the google.protobuf and google.rpc types
/// every gRPC language ships.
public enum HeraldAPI {
    public static let messages: [MessageSchema] =
        WellKnownTypes.messages + DescriptorSchemas.messages + HealthSchemas.messages + ReflectionSchemas.allMessages
        + InteropTestingSchemas.messages + BenchSchemas.messages + CommonSchemas.messages + WorkflowSchemas.messages
        + CampaignSchemas.messages + SegmentSchemas.messages + PersonalizationSchemas.messages
        + ExperimentSchemas.messages
        + AnalyticsSchemas.messages + TriggerSchemas.messages + DeliverySchemas.messages + UserSchemas.messages
        + GoogleRPCSchemas.messages

    public static let enums: [EnumSchema] =
        WellKnownTypes.enums + DescriptorSchemas.enums + HealthSchemas.enums + InteropTestingSchemas.enums
        + CommonSchemas.enums + WorkflowSchemas.enums + CampaignSchemas.enums + SegmentSchemas.enums
        + ExperimentSchemas.enums + AnalyticsSchemas.enums + TriggerSchemas.enums + DeliverySchemas.enums
        + UserSchemas.enums

    public static let services: [ServiceSchema] =
        HealthSchemas.services + ReflectionSchemas.services + InteropTestingSchemas.services + BenchSchemas.services
        + WorkflowSchemas.services + CampaignSchemas.services + SegmentSchemas.services
        + PersonalizationSchemas.services
        + ExperimentSchemas.services + AnalyticsSchemas.services + TriggerSchemas.services + DeliverySchemas.services
        + UserSchemas.services

    /// The nine services of DESIGN.md, by process name.
    public static let platformServices: [String: String] = [
        "campaign-manager": "herald.campaigns.v1.CampaignManager",
        "workflow-engine": "herald.workflows.v1.WorkflowEngine",
        "segmentation-engine": "herald.segments.v1.SegmentationEngine",
        "personalization-engine": "herald.personalization.v1.PersonalizationEngine",
        "ab-testing-engine": "herald.experiments.v1.ABTestingEngine",
        "campaign-analytics": "herald.analytics.v1.CampaignAnalytics",
        "trigger-manager": "herald.triggers.v1.TriggerManager",
        "notification-gateway": "herald.delivery.v1.NotificationGateway",
        "user-directory": "herald.users.v1.UserDirectory",
    ]

    /// The registry of all of them, built once per process.
    public static let registry: SchemaRegistry = {
        do {
            return try SchemaRegistry(messages: messages, enums: enums)
        } catch {
            fatalError("Herald's API schemas are inconsistent: \(error)")
        }
    }()

    /// The service named `fullName`, or nil.
    public static func service(_ fullName: String) -> ServiceSchema? { services.first { $0.fullName == fullName } }
}
