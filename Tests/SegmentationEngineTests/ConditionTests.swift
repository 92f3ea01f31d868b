import Domain
import Foundation
import RPC
import TestSupport
import Testing

@testable import SegmentationEngine

/// Every operator and field kind against hand-computed answers over `Directory`'s six users (NULLs, missing
/// attributes, type mismatches, time zones included), through PreviewSegment as a client in any language calls it.
@Suite("segmentation-engine: conditions")
struct ConditionTests {
    static func leaf(_ field: String, _ op: String, _ value: String? = nil, _ logical: String? = nil) -> String {
        var parts = [#""field": "\#(field)""#, #""operator": "CONDITION_OPERATOR_\#(op)""#]
        if let value { parts.append(#""value": \#(value)"#) }
        if let logical { parts.append(#""logicalOperator": "LOGICAL_OPERATOR_\#(logical)""#) }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    static func activity(_ rule: String, _ logical: String? = nil) -> String {
        #"{"activity": \#(rule)\#(logical.map { #", "logicalOperator": "LOGICAL_OPERATOR_\#($0)""# } ?? "")}"#
    }

    static func group(_ conditions: [String], _ logical: String? = nil) -> String {
        #"{"group": [\#(conditions.joined(separator: ", "))]\#(logical.map { #", "logicalOperator": "LOGICAL_OPERATOR_\#($0)""# } ?? "")}"#
    }

    /// (what, conditions, the users who match).
    static let cases: [(String, [String], [String])] = [
        ("equals is exact: case and type", [leaf("plan", "EQUALS", #""pro""#)], ["ann", "eve"]),
        ("not equals includes the missing", [leaf("plan", "NOT_EQUALS", #""pro""#)], ["bob", "cem", "dee"]),
        ("in", [leaf("attributes.plan", "IN", #"["basic", "Pro"]"#)], ["bob", "cem"]),
        ("not in includes the missing", [leaf("plan", "NOT_IN", #"["pro"]"#)], ["bob", "cem", "dee"]),
        ("greater than: a numeric string is not a number", [leaf("age", "GREATER_THAN", "30")], ["ann", "eve"]),
        ("less than", [leaf("age", "LESS_THAN", "30")], ["bob"]),
        ("between includes both ends", [leaf("age", "BETWEEN", "[19, 34]")], ["ann", "bob"]),
        ("exists: null is not a value", [leaf("country", "EXISTS")], ["ann", "bob"]),
        ("is empty: missing or \"\"", [leaf("nickname", "IS_EMPTY")], ["ann", "bob", "cem", "dee", "eve"]),
        ("is empty: an empty list", [leaf("tags", "IS_EMPTY")], ["bob", "cem", "dee"]),
        ("contains an element of a list", [leaf("tags", "CONTAINS", #""beta""#)], ["ann", "eve"]),
        ("contains a substring", [leaf("plan", "CONTAINS", #""as""#)], ["bob"]),
        ("a nested attribute", [leaf("address.city", "EQUALS", #""Lyon""#)], ["eve"]),
        ("starts with", [leaf("plan", "STARTS_WITH", #""p""#)], ["ann", "eve"]),
        ("ends with", [leaf("plan", "ENDS_WITH", #""ic""#)], ["bob"]),
        ("matches a regular expression", [leaf("plan", "MATCHES", #""^[Pp]ro$""#)], ["ann", "cem", "eve"]),
        ("a built-in text field", [leaf("external_id", "STARTS_WITH", #""an""#)], ["ann"]),
        ("locale", [leaf("locale", "EQUALS", #""de-DE""#)], ["ann"]),
        ("before a date (midnight UTC)", [leaf("renewal", "BEFORE", #""2026-12-01""#)], ["bob"]),
        (
            "a time zone offset decides the instant: 23:30 in New York is after New Year in UTC",
            [leaf("renewal", "AFTER", #""2026-12-31T00:00:00Z""#)], ["cem"]
        ),
        ("before New Year UTC", [leaf("renewal", "BEFORE", #""2027-01-01""#)], ["ann", "bob"]),
        (
            "purchased at least twice in 30 days",
            [activity(#"{"event": "purchase", "atLeast": 2, "withinDays": 30}"#)], ["ann"]
        ),
        ("purchased ever", [activity(#"{"event": "purchase"}"#)], ["ann", "bob"]),
        (
            "did not purchase in 30 days",
            [activity(#"{"event": "purchase", "didNotPerform": true, "withinDays": 30}"#)],
            ["bob", "cem", "dee", "eve"]
        ),
        ("purchased at most once", [activity(#"{"event": "purchase", "atMost": 1}"#)], ["bob", "cem", "dee", "eve"]),
        (
            "purchases worth more than 50, at least twice",
            [
                activity(
                    #"{"event": "purchase", "atLeast": 2, "properties": [\#(leaf("value", "GREATER_THAN", "50"))]}"#)
            ], ["ann"]
        ),
        ("last seen within 30 days", [leaf("activity.last_seen", "WITHIN_LAST_DAYS", "30")], ["ann", "eve"]),
        ("last seen more than 30 days ago", [leaf("activity.last_seen", "MORE_THAN_DAYS_AGO", "30")], ["bob"]),
        ("first seen within 30 days", [leaf("activity.first_seen", "WITHIN_LAST_DAYS", "30")], ["eve"]),
        ("consented to marketing", [leaf("consent.marketing", "EQUALS", "true")], ["ann"]),
        ("not consented to marketing", [leaf("consent.marketing", "EQUALS", "false")], ["bob", "cem", "dee", "eve"]),
        ("reachable by email: address and consent", [leaf("reachable.email", "EQUALS", "true")], ["ann"]),
        (
            "created within the last day", [leaf("created_at", "WITHIN_LAST_DAYS", "1")],
            ["ann", "bob", "cem", "dee", "eve"]
        ),
        (
            "AND binds tighter than OR",
            [
                leaf("plan", "EQUALS", #""pro""#), leaf("age", "GREATER_THAN", "40", "AND"),
                leaf("country", "EQUALS", #""US""#, "OR"),
            ], ["bob", "eve"]
        ),
        (
            "groups",
            [
                group([leaf("plan", "EQUALS", #""pro""#), leaf("country", "EQUALS", #""US""#, "OR")]),
                group([leaf("age", "LESS_THAN", "30"), leaf("tags", "CONTAINS", #""vip""#, "OR")], "AND"),
            ], ["ann", "bob"]
        ),
        (
            "NOT negates, a missing value included",
            [leaf("plan", "EQUALS", #""pro""#), leaf("age", "GREATER_THAN", "40", "NOT")], ["ann"]
        ),
        ("NOT first", [leaf("country", "EXISTS", nil, "NOT")], ["cem", "dee", "eve"]),
    ]

    @Test("every operator, field kind and combination selects the hand-computed users")
    func operators() async throws {
        try await Harness.with(ready: false) { h in
            for (what, conditions, expected) in Self.cases {
                let preview = try await h.call(
                    "PreviewSegment",
                    #"{"segment": {"type": "SEGMENT_TYPE_DYNAMIC", "conditions": [\#(conditions.joined(separator: ", "))]}, "sampleSize": 100}"#
                )
                #expect(h.names(preview["sampleUserIds"]) == expected, "\(what)")
                #expect(Int(preview["size"].string ?? "0") == expected.count, "\(what): size")
            }
        }
    }

    @Test("the same conditions evaluated for listed users (the change feed's form) agree with everyone's")
    func scopesAgree() async throws {
        try await Harness.with(ready: false) { h in
            let all = h.users.filter { $0.key != "fay" }.map(\.value).sorted { $0.uuidString < $1.uuidString }
            for (what, conditions, expected) in Self.cases {
                let parsed = try h.base.method("CreateSegment").request(
                    json:
                        #"{"segment": {"name": "x", "type": "SEGMENT_TYPE_DYNAMIC", "conditions": [\#(conditions.joined(separator: ", "))]}}"#
                )
                let request = try SegmentationEngineAPI.createSegment.decodeRequest(parsed)
                let segment = StoredSegment(
                    segment: Segment(
                        id: UUID(), name: "x", type: .dynamic, conditions: request.definition.conditions,
                        createdAt: Date(), createdBy: nil),
                    dependencies: [], timeRelative: false)
                let (sql, parameters) = Evaluation.matching(segment, listed: all)
                let rows = try await h.pool.query(sql, parameters)
                #expect(h.names(try rows.map { try $0.decode("id", as: UUID.self) }) == expected, "\(what)")
            }
        }
    }

    @Test("bad conditions are INVALID_ARGUMENT at each condition's path, and nothing is stored")
    func invalid() async throws {
        try await Harness.with(ready: false) { h in
            let deep = (0..<9).reduce(Self.leaf("plan", "EXISTS")) { inner, _ in Self.group([inner]) }
            let error = try await h.failure(
                "CreateSegment",
                """
                {"segment": {"name": "bad", "type": "SEGMENT_TYPE_DYNAMIC", "conditions": [
                  {"field": "plan"},
                  \(Self.leaf("consent.sms", "EQUALS", "true")),
                  \(Self.leaf("created_at", "EQUALS", "5")),
                  \(Self.leaf("age", "BETWEEN", "[1]")),
                  \(Self.leaf("plan; DROP TABLE users", "EQUALS", "1")),
                  \(Self.leaf("segment", "IN", #"["not-a-uuid"]"#)),
                  \(Self.activity(#"{"event": "purchase", "didNotPerform": true, "atLeast": 2}"#)),
                  \(Self.leaf("renewal", "BEFORE", #""next tuesday""#)),
                  \(deep),
                  {}
                ]}}
                """)
            #expect(error.code == .invalidArgument)
            for fragment in [
                "segment.conditions[0].operator: required",
                "segment.conditions[1].field: consent.sms names no purpose",
                "segment.conditions[2].value: created_at",
                "segment.conditions[3].value: expected [low, high]",
                "segment.conditions[4].field: \"plan; DROP TABLE users\" is not a field path",
                "segment.conditions[5].value[0]: expected a segment id",
                "segment.conditions[6].activity.did_not_perform: set with at_least",
                "segment.conditions[7].value: expected a time",
                "groups nested deeper than 8",
                "segment.conditions[9]: empty",
            ] {
                #expect(error.message.contains(fragment), "\(fragment) not in \(error.message)")
            }
            let regex = try await h.failure(
                "CreateSegment",
                #"{"segment": {"name": "bad", "type": "SEGMENT_TYPE_DYNAMIC", "conditions": [\#(Self.leaf("plan", "MATCHES", #""(unclosed""#))]}}"#
            )
            #expect(regex.code == .invalidArgument)
            #expect(
                regex.message.contains("segment.conditions[0].value: not a valid regular expression"),
                "\(regex.message)")
            let unknown = try await h.failure(
                "CreateSegment",
                #"{"segment": {"name": "bad", "type": "SEGMENT_TYPE_DYNAMIC", "conditions": [\#(Self.leaf("segment", "IN", #"["\#(UUID())"]"#))]}}"#
            )
            #expect(unknown.code == .invalidArgument)
            #expect(unknown.message.contains("no segment"), "\(unknown.message)")
            #expect(try await h.count("segments.segments") == 0)
        }
    }
}
