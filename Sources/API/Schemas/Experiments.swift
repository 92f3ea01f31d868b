import Codec

/// `herald/experiments/v1/experiments.proto`.
enum ExperimentSchemas {
    static let p = "herald.experiments.v1."
    static let ts = WellKnownTypes.timestamp

    static let model = [
        MessageSchema(
            p + "VariantPerformance",
            [
                .init(1, "participants", .int64), .init(2, "conversions", .int64), .init(3, "conversion_rate", .double),
                .init(4, "revenue", .double),
            ]),
        MessageSchema(
            p + "TestVariant",
            [
                .init(1, "id", .string), .init(2, "name", .string), .init(3, "description", .string),
                .message(4, "content", WellKnownTypes.structType), .init(5, "allocation", .double),
                .message(6, "performance", p + "VariantPerformance"), .init(7, "is_control", .bool),
            ]),
        MessageSchema(
            p + "TrafficAllocation",
            [.init(1, "percentage", .double), .init(2, "seed", .string), .init(3, "bandit", .bool)]),
        MessageSchema(
            p + "SuccessMetric",
            [
                .init(1, "name", .string), .init(2, "primary", .bool), .init(3, "minimum_detectable_effect", .double),
            ]),
        MessageSchema(
            p + "VariantResults",
            [
                .init(1, "variant_id", .string), .init(2, "participants", .int64), .init(3, "conversions", .int64),
                .init(4, "conversion_rate", .double), .init(5, "lift", .double),
                .init(6, "probability_to_be_best", .double),
                .init(7, "ci_lower", .double), .init(8, "ci_upper", .double), .init(9, "p_value", .double),
            ]),
        MessageSchema(
            p + "TestResults",
            [
                .init(1, "total_participants", .int64), .init(2, "conversions", .int64),
                .init(3, "conversion_rate", .double),
                .init(4, "confidence", .double), .init(5, "p_value", .double), .init(6, "effect", .double),
                .message(7, "variants", p + "VariantResults", .repeated),
            ]),
        MessageSchema(
            p + "StatisticalSignificance",
            [
                .init(1, "engine", .enumeration(p + "StatisticalEngine")), .init(2, "significant", .bool),
                .init(3, "confidence_level", .double), .init(4, "sample_ratio_mismatch", .bool),
                .init(5, "required_sample_size", .int64),
            ]),
        MessageSchema(
            p + "ABTest",
            [
                .init(1, "id", .string), .init(2, "campaign_id", .string), .init(3, "name", .string),
                .init(4, "description", .string),
                .init(5, "type", .enumeration(p + "TestType")), .message(6, "variants", p + "TestVariant", .repeated),
                .message(7, "traffic_allocation", p + "TrafficAllocation"),
                .message(8, "success_metrics", p + "SuccessMetric", .repeated),
                .init(9, "status", .enumeration(p + "TestStatus")), .message(10, "start_date", ts),
                .message(11, "end_date", ts),
                .message(12, "results", p + "TestResults"),
                .message(13, "statistical_significance", p + "StatisticalSignificance"),
                .init(14, "winner", .string), .init(15, "confidence", .double), .message(16, "created_at", ts),
            ]),
        MessageSchema(
            p + "ABTestDefinition",
            [
                .init(1, "campaign_id", .string), .init(2, "name", .string), .init(3, "description", .string),
                .init(4, "type", .enumeration(p + "TestType")), .message(5, "variants", p + "TestVariant", .repeated),
                .message(6, "traffic_allocation", p + "TrafficAllocation"),
                .message(7, "success_metrics", p + "SuccessMetric", .repeated),
                .message(8, "start_date", ts), .message(9, "end_date", ts),
                .init(10, "engine", .enumeration(p + "StatisticalEngine")),
            ]),
        MessageSchema(
            p + "TestAnalysis",
            [
                .init(1, "test_id", .string), .message(2, "results", p + "TestResults"),
                .message(3, "significance", p + "StatisticalSignificance"), .init(4, "recommendation", .string),
            ]),
        MessageSchema(
            p + "OptimizationRecommendation",
            [
                .init(1, "test_id", .string), .init(2, "recommendation", .string), .init(3, "expected_lift", .double),
            ]),
    ]

    static let requests = [
        MessageSchema(p + "CreateTestRequest", [.message(1, "test", p + "ABTestDefinition")]),
        MessageSchema(p + "CreateTestResponse", [.message(1, "test", p + "ABTest")]),
        MessageSchema(p + "GetTestRequest", [.init(1, "test_id", .string)]),
        MessageSchema(p + "GetTestResponse", [.message(1, "test", p + "ABTest")]),
        MessageSchema(
            p + "ListTestsRequest",
            [
                .init(1, "campaign_id", .string), .init(2, "status", .enumeration(p + "TestStatus")),
                CommonSchemas.page(3),
            ]),
        MessageSchema(
            p + "ListTestsResponse", [.message(1, "tests", p + "ABTest", .repeated), CommonSchemas.pageResponse(2)]),
        MessageSchema(p + "StartTestRequest", [.init(1, "test_id", .string)]),
        MessageSchema(p + "StartTestResponse", [.message(1, "test", p + "ABTest")]),
        MessageSchema(p + "PauseTestRequest", [.init(1, "test_id", .string)]),
        MessageSchema(p + "PauseTestResponse", [.message(1, "test", p + "ABTest")]),
        MessageSchema(p + "AssignVariantRequest", [.init(1, "test_id", .string), .init(2, "user_id", .string)]),
        MessageSchema(
            p + "AssignVariantResponse", [.message(1, "variant", p + "TestVariant"), .init(2, "in_test", .bool)]),
        MessageSchema(
            p + "RecordConversionRequest",
            [
                .init(1, "test_id", .string), .init(2, "user_id", .string), .init(3, "conversion_type", .string),
                .init(4, "value", .double),
            ]),
        MessageSchema(p + "RecordConversionResponse", []),
        MessageSchema(p + "AnalyzeTestResultsRequest", [.init(1, "test_id", .string)]),
        MessageSchema(p + "AnalyzeTestResultsResponse", [.message(1, "analysis", p + "TestAnalysis")]),
        MessageSchema(p + "SelectWinnerRequest", [.init(1, "test_id", .string), .init(2, "variant_id", .string)]),
        MessageSchema(p + "SelectWinnerResponse", [.message(1, "winner", p + "TestVariant")]),
        MessageSchema(p + "OptimizeCampaignRequest", [.init(1, "campaign_id", .string)]),
        MessageSchema(
            p + "OptimizeCampaignResponse",
            [.message(1, "recommendations", p + "OptimizationRecommendation", .repeated)]),
        MessageSchema(p + "WatchTestResultsRequest", [.init(1, "test_id", .string)]),
        MessageSchema(p + "WatchTestResultsResponse", [.message(1, "analysis", p + "TestAnalysis")]),
    ]

    static let messages = model + requests

    static let enums = [
        EnumSchema(
            p + "TestType",
            [
                ("TEST_TYPE_UNSPECIFIED", 0), ("TEST_TYPE_SUBJECT_LINE", 1), ("TEST_TYPE_CONTENT", 2),
                ("TEST_TYPE_SEND_TIME", 3),
                ("TEST_TYPE_CREATIVE", 4), ("TEST_TYPE_MULTIVARIATE", 5),
            ]),
        EnumSchema(
            p + "TestStatus",
            [
                ("TEST_STATUS_UNSPECIFIED", 0), ("TEST_STATUS_DRAFT", 1), ("TEST_STATUS_RUNNING", 2),
                ("TEST_STATUS_PAUSED", 3),
                ("TEST_STATUS_COMPLETED", 4), ("TEST_STATUS_ARCHIVED", 5),
            ]),
        EnumSchema(
            p + "StatisticalEngine",
            [
                ("STATISTICAL_ENGINE_UNSPECIFIED", 0), ("STATISTICAL_ENGINE_BAYESIAN", 1),
                ("STATISTICAL_ENGINE_FREQUENTIST", 2),
            ]),
    ]

    static let services = [
        ServiceSchema(
            p + "ABTestingEngine",
            unary(
                p,
                [
                    "CreateTest", "GetTest", "ListTests", "StartTest", "PauseTest", "AssignVariant", "RecordConversion",
                    "AnalyzeTestResults",
                    "SelectWinner", "OptimizeCampaign",
                ]) + [serverStream(p, "WatchTestResults")])
    ]
}
