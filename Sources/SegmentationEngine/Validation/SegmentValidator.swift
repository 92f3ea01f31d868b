import Domain
import Foundation
import ServiceKit

/// What makes a segment definition valid, every problem at its field path; the conditions through the compiler (one
/// place knows the condition language).
enum SegmentValidator {
    static let maxTags = 50

    static func validate(
        _ d: inout SegmentDefinition, at path: String, into issues: inout FieldIssues, now: Date = Date()
    ) {
        d.name = d.name.trimmingCharacters(in: .whitespacesAndNewlines)
        issues.check(!d.name.isEmpty, path.field("name"), "required")
        issues.check(d.name.count <= 255, path.field("name"), "at most 255 characters")
        issues.check(d.description.count <= 10_000, path.field("description"), "at most 10,000 characters")
        issues.check(d.tags.count <= maxTags, path.field("tags"), "at most \(maxTags) tags")
        for (i, tag) in d.tags.enumerated() where tag.isEmpty || tag.count > 64 {
            issues.add(path.field("tags").index(i), "expected 1 to 64 characters")
        }
        let conditions = path.field("conditions")
        switch d.type {
        case nil: issues.add(path.field("type"), "required")
        case .lookalike?:
            issues.add(
                path.field("type"), "lookalike segments are made by CreateLookalikeSegment from a source segment")
        case .static?:
            issues.check(d.conditions.isEmpty, conditions, "a static segment lists its members; expected no conditions")
            let listed = d.userIDs.count + d.externalIDs.count
            issues.check(
                listed <= SegmentationEngineAPI.maxStaticMembers, path.field("user_ids"),
                "\(listed) user ids and external ids; at most \(SegmentationEngineAPI.maxStaticMembers) in one definition"
            )
            for (i, id) in d.externalIDs.enumerated() where id.isEmpty || id.count > 255 {
                issues.add(path.field("external_ids").index(i), "expected 1 to 255 characters")
            }
        case .dynamic?, .behavioral?:
            issues.check(!d.conditions.isEmpty, conditions, "required: at least one condition")
            issues.check(
                d.userIDs.isEmpty, path.field("user_ids"), "members are listed only for static segments")
            issues.check(
                d.externalIDs.isEmpty, path.field("external_ids"), "members are listed only for static segments")
            if d.type == .behavioral && !d.conditions.contains(where: usesActivity) {
                issues.add(conditions, "a behavioral segment needs at least one activity rule or activity field")
            }
        }
        var compiler = ConditionCompiler(scope: .everyone, now: now)
        compiler.compile(d.conditions, at: conditions)
        issues.merge(compiler.issues)
    }

    static func usesActivity(_ c: SegmentCondition) -> Bool {
        c.activity != nil || c.field.hasPrefix("activity.") || c.group.contains(where: usesActivity)
    }
}
