import Codec

/// `herald/segments/v1/segments.proto`.
enum SegmentSchemas {
    static let p = "herald.segments.v1."
    static let ts = WellKnownTypes.timestamp

    static let messages = [
        MessageSchema(
            p + "SegmentCondition",
            [
                .init(1, "field", .string), .init(2, "operator", .enumeration(p + "ConditionOperator")),
                .message(3, "value", WellKnownTypes.value),
                .init(4, "logical_operator", .enumeration(p + "LogicalOperator")),
                .message(5, "group", p + "SegmentCondition", .repeated),
                .message(6, "activity", p + "ActivityCondition"),
            ]),
        MessageSchema(
            p + "ActivityCondition",
            [
                .init(1, "event", .string), .init(2, "at_least", .int64), .init(3, "at_most", .int64),
                .init(4, "did_not_perform", .bool), .init(5, "within_days", .int64),
                .message(6, "properties", p + "SegmentCondition", .repeated),
            ]),
        MessageSchema(
            p + "SegmentPerformance",
            [
                .init(1, "engagement_rate", .double), .init(2, "conversion_rate", .double),
                .init(3, "average_order_value", .double),
                .init(4, "lifetime_value", .double), .init(5, "churn_rate", .double), .init(6, "growth_rate", .double),
            ]),
        MessageSchema(
            p + "Segment",
            [
                .init(1, "id", .string), .init(2, "name", .string), .init(3, "description", .string),
                .init(4, "type", .enumeration(p + "SegmentType")),
                .message(5, "conditions", p + "SegmentCondition", .repeated),
                .init(6, "size", .int64), .message(7, "last_updated", ts),
                .message(8, "performance", p + "SegmentPerformance"),
                .init(9, "tags", .string, .repeated), .message(10, "created_at", ts), .init(11, "created_by", .string),
                .init(12, "source_segment_id", .string), .init(13, "similarity", .double),
            ]),
        MessageSchema(
            p + "SegmentDefinition",
            [
                .init(1, "name", .string), .init(2, "description", .string),
                .init(3, "type", .enumeration(p + "SegmentType")),
                .message(4, "conditions", p + "SegmentCondition", .repeated), .init(5, "tags", .string, .repeated),
                .init(6, "user_ids", .string, .repeated), .init(7, "external_ids", .string, .repeated),
            ]),
        MessageSchema(p + "SegmentMember", [.init(1, "user_id", .string), .message(2, "added_at", ts)]),
        MessageSchema(
            p + "SegmentOverlap",
            [.init(1, "segment_ids", .string, .repeated), .init(2, "size", .int64), .init(3, "jaccard", .double)]),
        MessageSchema(p + "SegmentRegion", [.init(1, "segment_ids", .string, .repeated), .init(2, "size", .int64)]),
        .mapEntry(p + "SegmentOverlapAnalysis.SizesEntry", key: .string, value: .int64),
        MessageSchema(
            p + "SegmentOverlapAnalysis",
            [
                .map(1, "sizes", entry: p + "SegmentOverlapAnalysis.SizesEntry"),
                .message(2, "overlaps", p + "SegmentOverlap", .repeated),
                .init(3, "union_size", .int64), .message(4, "regions", p + "SegmentRegion", .repeated),
            ]),
        MessageSchema(
            p + "CreateSegmentRequest",
            [.message(1, "segment", p + "SegmentDefinition"), .init(2, "created_by", .string)]),
        MessageSchema(p + "CreateSegmentResponse", [.message(1, "segment", p + "Segment")]),
        MessageSchema(
            p + "UpdateSegmentRequest",
            [.init(1, "segment_id", .string), .message(2, "segment", p + "SegmentDefinition")]),
        MessageSchema(p + "UpdateSegmentResponse", [.message(1, "segment", p + "Segment")]),
        MessageSchema(p + "GetSegmentRequest", [.init(1, "segment_id", .string), .init(2, "explain", .bool)]),
        MessageSchema(
            p + "GetSegmentResponse", [.message(1, "segment", p + "Segment"), .init(2, "query_plan", .string)]),
        MessageSchema(
            p + "ListSegmentsRequest", [.init(1, "type", .enumeration(p + "SegmentType")), CommonSchemas.page(2)]),
        MessageSchema(
            p + "ListSegmentsResponse",
            [.message(1, "segments", p + "Segment", .repeated), CommonSchemas.pageResponse(2)]),
        MessageSchema(p + "DeleteSegmentRequest", [.init(1, "segment_id", .string)]),
        MessageSchema(p + "DeleteSegmentResponse", []),
        MessageSchema(p + "EvaluateUserSegmentsRequest", [.init(1, "user_id", .string)]),
        MessageSchema(p + "EvaluateUserSegmentsResponse", [.init(1, "segment_ids", .string, .repeated)]),
        MessageSchema(p + "GetSegmentMembersRequest", [.init(1, "segment_id", .string), CommonSchemas.page(2)]),
        MessageSchema(
            p + "GetSegmentMembersResponse",
            [
                .message(1, "members", p + "SegmentMember", .repeated), CommonSchemas.pageResponse(2),
            ]),
        MessageSchema(
            p + "CreateLookalikeSegmentRequest",
            [
                .init(1, "source_segment_id", .string), .init(2, "similarity", .double), .init(3, "name", .string),
                .init(4, "created_by", .string),
            ]),
        MessageSchema(
            p + "CreateLookalikeSegmentResponse",
            [.message(1, "segment", p + "Segment"), .init(2, "auc", .double), .init(3, "model", .string)]),
        MessageSchema(
            p + "PreviewSegmentRequest",
            [.message(1, "segment", p + "SegmentDefinition"), .init(2, "sample_size", .int32)]),
        MessageSchema(
            p + "PreviewSegmentResponse", [.init(1, "size", .int64), .init(2, "sample_user_ids", .string, .repeated)]),
        MessageSchema(
            p + "StreamSegmentMembersRequest", [.init(1, "segment_id", .string), .init(2, "batch_size", .int32)]),
        MessageSchema(p + "StreamSegmentMembersResponse", [.init(1, "user_ids", .string, .repeated)]),
        MessageSchema(p + "RefreshSegmentRequest", [.init(1, "segment_id", .string)]),
        MessageSchema(
            p + "RefreshSegmentResponse",
            [.message(1, "segment", p + "Segment"), .init(2, "entered", .int64), .init(3, "left", .int64)]),
        MessageSchema(p + "AnalyzeSegmentOverlapRequest", [.init(1, "segment_ids", .string, .repeated)]),
        MessageSchema(p + "AnalyzeSegmentOverlapResponse", [.message(1, "analysis", p + "SegmentOverlapAnalysis")]),
    ]

    static let enums = [
        EnumSchema(
            p + "SegmentType",
            [
                ("SEGMENT_TYPE_UNSPECIFIED", 0), ("SEGMENT_TYPE_STATIC", 1), ("SEGMENT_TYPE_DYNAMIC", 2),
                ("SEGMENT_TYPE_LOOKALIKE", 3),
                ("SEGMENT_TYPE_BEHAVIORAL", 4),
            ]),
        EnumSchema(
            p + "ConditionOperator",
            [
                ("CONDITION_OPERATOR_UNSPECIFIED", 0), ("CONDITION_OPERATOR_EQUALS", 1),
                ("CONDITION_OPERATOR_CONTAINS", 2),
                ("CONDITION_OPERATOR_GREATER_THAN", 3), ("CONDITION_OPERATOR_LESS_THAN", 4),
                ("CONDITION_OPERATOR_IN", 5),
                ("CONDITION_OPERATOR_NOT_IN", 6), ("CONDITION_OPERATOR_NOT_EQUALS", 7),
                ("CONDITION_OPERATOR_STARTS_WITH", 8), ("CONDITION_OPERATOR_ENDS_WITH", 9),
                ("CONDITION_OPERATOR_MATCHES", 10), ("CONDITION_OPERATOR_BETWEEN", 11),
                ("CONDITION_OPERATOR_EXISTS", 12), ("CONDITION_OPERATOR_IS_EMPTY", 13),
                ("CONDITION_OPERATOR_WITHIN_LAST_DAYS", 14), ("CONDITION_OPERATOR_MORE_THAN_DAYS_AGO", 15),
                ("CONDITION_OPERATOR_BEFORE", 16), ("CONDITION_OPERATOR_AFTER", 17),
            ]),
        EnumSchema(
            p + "LogicalOperator",
            [
                ("LOGICAL_OPERATOR_UNSPECIFIED", 0), ("LOGICAL_OPERATOR_AND", 1), ("LOGICAL_OPERATOR_OR", 2),
                ("LOGICAL_OPERATOR_NOT", 3),
            ]),
    ]

    static let services = [
        ServiceSchema(
            p + "SegmentationEngine",
            unary(
                p,
                [
                    "CreateSegment", "UpdateSegment", "GetSegment", "ListSegments", "DeleteSegment",
                    "EvaluateUserSegments",
                    "GetSegmentMembers", "CreateLookalikeSegment", "AnalyzeSegmentOverlap", "PreviewSegment",
                ]) + [serverStream(p, "StreamSegmentMembers")] + unary(p, ["RefreshSegment"]))
    ]
}
