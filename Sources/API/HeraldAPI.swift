import Codec

/// Every message, enum and service Herald speaks, as hand-written Swift schemas that mirror `Protos/` (a test
/// compiles `Protos/` with protoc and fails on any difference).
public enum HeraldAPI {
    public static let messages: [MessageSchema] =
        WellKnownTypes.messages + DescriptorSchemas.messages + HealthSchemas.messages + InteropTestingSchemas.messages
        + BenchSchemas.messages + CommonSchemas.messages + WorkflowSchemas.messages + CampaignSchemas.messages
        + SegmentSchemas.messages + PersonalizationSchemas.messages + ExperimentSchemas.messages
        + AnalyticsSchemas.messages + TriggerSchemas.messages

    public static let enums: [EnumSchema] =
        WellKnownTypes.enums + DescriptorSchemas.enums + HealthSchemas.enums + InteropTestingSchemas.enums
        + CommonSchemas.enums + WorkflowSchemas.enums + CampaignSchemas.enums + SegmentSchemas.enums + ExperimentSchemas.enums + AnalyticsSchemas.enums + TriggerSchemas.enums

    public static let services: [ServiceSchema] =
        HealthSchemas.services + InteropTestingSchemas.services + BenchSchemas.services + WorkflowSchemas.services
        + CampaignSchemas.services + SegmentSchemas.services + PersonalizationSchemas.services
        + ExperimentSchemas.services + AnalyticsSchemas.services + TriggerSchemas.services

    /// The registry of all of them, built once per process.
    public static let registry: SchemaRegistry = {
        do {
            return try SchemaRegistry(messages: messages, enums: enums)
        } catch {
            fatalError("Herald's API schemas are inconsistent: \(error)")
        }
    }()
}
