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
            [
                .init(1, "percentage", .double), .init(2, "seed", .string), .init(3, "bandit", .bool),
                .init(4, "holdout_percentage", .double),
            ]),
        MessageSchema(
            p + "SuccessMetric",
            [
                .init(1, "name", .string), .init(2, "primary", .bool), .init(3, "minimum_detectable_effect", .double),
                .init(4, "kind", .enumeration(p + "MetricKind")),
            ]),
        MessageSchema(
            p + "WinnerPolicy",
            [
                .init(1, "automatic", .bool), .init(2, "min_participants_per_variant", .int64),
                .init(3, "evaluate_after_hours", .double), .init(4, "deadline_hours", .double),
                .init(5, "fallback", .enumeration(p + "WinnerFallback")),
            ]),
        MessageSchema(p + "Factor", [.init(1, "name", .string), .init(2, "levels", .string, .repeated)]),
        MessageSchema(
            p + "MetricResults",
            [
                .init(1, "metric", .string), .init(2, "kind", .enumeration(p + "MetricKind")),
                .init(3, "primary", .bool), .message(4, "variants", p + "VariantResults", .repeated),
                .init(5, "cuped", .bool),
            ]),
        MessageSchema(
            p + "VariantResults",
            [
                .init(1, "variant_id", .string), .init(2, "participants", .int64), .init(3, "conversions", .int64),
                .init(4, "conversion_rate", .double), .init(5, "lift", .double),
                .init(6, "probability_to_be_best", .double),
                .init(7, "ci_lower", .double), .init(8, "ci_upper", .double), .init(9, "p_value", .double),
                .init(10, "chance_to_beat_control", .double), .init(11, "expected_loss", .double),
                .init(12, "lift_ci_lower", .double), .init(13, "lift_ci_upper", .double),
                .init(14, "sequential_p_value", .double), .init(15, "adjusted_p_value", .double),
                .init(16, "mean", .double),
            ]),
        MessageSchema(
            p + "TestResults",
            [
                .init(1, "total_participants", .int64), .init(2, "conversions", .int64),
                .init(3, "conversion_rate", .double),
                .init(4, "confidence", .double), .init(5, "p_value", .double), .init(6, "effect", .double),
                .message(7, "variants", p + "VariantResults", .repeated),
                .message(8, "metrics", p + "MetricResults", .repeated), .init(9, "holdout_participants", .int64),
            ]),
        MessageSchema(
            p + "StatisticalSignificance",
            [
                .init(1, "engine", .enumeration(p + "StatisticalEngine")), .init(2, "significant", .bool),
                .init(3, "confidence_level", .double), .init(4, "sample_ratio_mismatch", .bool),
                .init(5, "required_sample_size", .int64), .init(6, "srm_p_value", .double),
                .init(7, "minimum_detectable_effect", .double), .init(8, "leading_variant", .string),
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
                .init(17, "engine", .enumeration(p + "StatisticalEngine")),
                .message(18, "winner_policy", p + "WinnerPolicy"), .message(19, "factors", p + "Factor", .repeated),
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
                .message(11, "winner_policy", p + "WinnerPolicy"), .message(12, "factors", p + "Factor", .repeated),
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
            p + "AssignVariantResponse",
            [.message(1, "variant", p + "TestVariant"), .init(2, "in_test", .bool), .init(3, "holdout", .bool)]),
        MessageSchema(
            p + "AssignVariantsRequest",
            [
                .init(1, "test_id", .string), .init(2, "user_ids", .string, .repeated),
                .init(3, "covariates", .double, .repeated),
            ]),
        MessageSchema(
            p + "Assignment",
            [
                .init(1, "user_id", .string), .init(2, "variant_id", .string), .init(3, "in_test", .bool),
                .init(4, "holdout", .bool),
            ]),
        MessageSchema(p + "AssignVariantsResponse", [.message(1, "assignments", p + "Assignment", .repeated)]),
        MessageSchema(
            p + "RecordConversionRequest",
            [
                .init(1, "test_id", .string), .init(2, "user_id", .string), .init(3, "conversion_type", .string),
                .init(4, "value", .double), .init(5, "conversion_id", .string), .message(6, "occurred_at", ts),
            ]),
        MessageSchema(p + "RecordConversionResponse", [.init(1, "counted", .bool), .init(2, "reason", .string)]),
        MessageSchema(p + "AnalyzeTestResultsRequest", [.init(1, "test_id", .string)]),
        MessageSchema(p + "AnalyzeTestResultsResponse", [.message(1, "analysis", p + "TestAnalysis")]),
        MessageSchema(
            p + "SelectWinnerRequest",
            [.init(1, "test_id", .string), .init(2, "variant_id", .string), .init(3, "force", .bool)]),
        MessageSchema(p + "SelectWinnerResponse", [.message(1, "winner", p + "TestVariant")]),
        MessageSchema(p + "OptimizeCampaignRequest", [.init(1, "campaign_id", .string)]),
        MessageSchema(
            p + "OptimizeCampaignResponse",
            [.message(1, "recommendations", p + "OptimizationRecommendation", .repeated)]),
        MessageSchema(p + "WatchTestResultsRequest", [.init(1, "test_id", .string)]),
        MessageSchema(p + "WatchTestResultsResponse", [.message(1, "analysis", p + "TestAnalysis")]),
        MessageSchema(p + "StopTestRequest", [.init(1, "test_id", .string)]),
        MessageSchema(p + "StopTestResponse", [.message(1, "test", p + "ABTest")]),
        .mapEntry(p + "UpdateTestAllocationRequest.AllocationsEntry", key: .string, value: .double),
        MessageSchema(
            p + "UpdateTestAllocationRequest",
            [
                .init(1, "test_id", .string),
                .map(2, "allocations", entry: p + "UpdateTestAllocationRequest.AllocationsEntry"),
            ]),
        MessageSchema(p + "UpdateTestAllocationResponse", [.message(1, "test", p + "ABTest")]),
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
        EnumSchema(
            p + "MetricKind",
            [("METRIC_KIND_UNSPECIFIED", 0), ("METRIC_KIND_BINARY", 1), ("METRIC_KIND_CONTINUOUS", 2)]),
        EnumSchema(
            p + "WinnerFallback",
            [("WINNER_FALLBACK_UNSPECIFIED", 0), ("WINNER_FALLBACK_BEST", 1), ("WINNER_FALLBACK_CONTROL", 2)]),
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
                ]) + [serverStream(p, "WatchTestResults")]
                + unary(p, ["AssignVariants", "StopTest", "UpdateTestAllocation"]))
    ]
}
