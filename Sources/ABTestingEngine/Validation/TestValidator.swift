import Codec
import Domain
import Foundation

/// What a test definition must be: named, typed, 2 to 20 variants with unique ids and allocations that add up
/// (equal when none are given), exactly one control, traffic and holdout shares within range, success metrics with
/// one primary, consistent dates and policy. A multivariate test may give factors instead of variants, and their
/// combinations become the variants. The definition is completed as it is checked (defaults filled in), so what is
/// stored is what was validated. Every problem is reported at its field path.
enum TestValidator {
    static let maxVariants = 20
    static let maxFactors = 5
    static let maxLevels = 10

    static func validate(_ d: inout ABTestDefinition, at path: String, into issues: inout FieldIssues) {
        issues.check(!d.name.trimmingCharacters(in: .whitespaces).isEmpty, path.field("name"), "required")
        issues.check(d.name.count <= 255, path.field("name"), "at most 255 characters, got \(d.name.count)")
        issues.check(d.description.count <= 10_000, path.field("description"), "at most 10,000 characters")
        if d.type == nil, !issues.reported(path.field("type")) {
            issues.add(path.field("type"), "required; expected one of \(TestType.expectedNames)")
        }
        if !d.factors.isEmpty {
            factorial(&d, at: path, into: &issues)
        } else {
            variants(&d.variants, at: path.field("variants"), into: &issues)
        }
        traffic(&d.trafficAllocation, at: path.field("traffic_allocation"), into: &issues)
        metrics(&d.successMetrics, at: path.field("success_metrics"), into: &issues)
        if let start = d.startDate, let end = d.endDate {
            issues.check(end > start, path.field("end_date"), "must be after start_date")
        }
        if let policy = d.winnerPolicy { self.policy(policy, at: path.field("winner_policy"), into: &issues) }
    }

    static func variants(_ variants: inout [TestVariant], at path: String, into issues: inout FieldIssues) {
        issues.check(
            (2...maxVariants).contains(variants.count), path,
            "\(variants.count) variants; a test has 2 to \(maxVariants) (or factors, for a multivariate test)")
        var ids = Repeats<String>()
        for i in variants.indices {
            let at = path.index(i)
            if variants[i].id.isEmpty { variants[i].id = slug(variants[i].name, fallback: "variant-\(i + 1)") }
            let id = variants[i].id
            issues.check(id.utf8.count <= 64, at.field("id"), "at most 64 bytes")
            issues.check(
                id.allSatisfy { $0.isLetter || $0.isNumber || "-_.:/".contains($0) }, at.field("id"),
                "letters, digits and - _ . : / only, got \"\(id.prefix(64))\"")
            issues.check(!ids.seenBefore(id), at.field("id"), "\"\(id.prefix(64))\" names an earlier variant too")
            if variants[i].name.isEmpty { variants[i].name = id }
            issues.check(variants[i].name.count <= 255, at.field("name"), "at most 255 characters")
            let allocation = variants[i].allocation
            issues.check(
                allocation.isFinite && allocation >= 0 && allocation <= 100, at.field("allocation"),
                "a share between 0 and 100, got \(allocation)")
            if let content = variants[i].content, case .object = content {
            } else if variants[i].content != nil {
                issues.add(at.field("content"), "must be an object")
            }
        }
        let total = variants.reduce(0) { $0 + $1.allocation }
        if total == 0, !variants.isEmpty {
            for i in variants.indices { variants[i].allocation = 100 / Double(variants.count) }
        } else {
            issues.check(
                abs(total - 100) < 0.01, path, "the variants' allocations add up to \(total); expected 100 (or all 0)")
        }
        let controls = variants.indices.filter { variants[$0].isControl }
        if controls.isEmpty, !variants.isEmpty { variants[0].isControl = true }
        issues.check(
            controls.count <= 1, path.index(controls.last ?? 0).field("is_control"),
            "only one variant can be the control; \(controls.count) are")
        for i in variants.indices { variants[i].performance = nil }
    }

    /// A multivariate test: every combination of the factors' levels is a variant, sharing traffic equally.
    static func factorial(_ d: inout ABTestDefinition, at path: String, into issues: inout FieldIssues) {
        let at = path.field("factors")
        issues.check(d.type == .multivariate, path.field("type"), "factors need TEST_TYPE_MULTIVARIATE")
        issues.check(d.variants.isEmpty, path.field("variants"), "give factors or variants, not both")
        issues.check(
            (1...maxFactors).contains(d.factors.count), at, "\(d.factors.count) factors; at most \(maxFactors)")
        var names = Repeats<String>()
        for (i, factor) in d.factors.enumerated() {
            issues.check(!factor.name.isEmpty, at.index(i).field("name"), "required")
            issues.check(!names.seenBefore(factor.name), at.index(i).field("name"), "\"\(factor.name)\" repeats")
            issues.check(
                (2...maxLevels).contains(factor.levels.count), at.index(i).field("levels"),
                "\(factor.levels.count) levels; a factor has 2 to \(maxLevels)")
            issues.check(
                factor.levels.uniqued().count == factor.levels.count, at.index(i).field("levels"), "levels repeat")
        }
        // Counted up to one past the limit: factors of many levels would overflow a plain product.
        let cells = d.factors.reduce(1) { min($0 * min(max($1.levels.count, 1), maxVariants + 1), maxVariants + 1) }
        issues.check(
            cells <= maxVariants, at,
            "\(cells > maxVariants ? "more than \(maxVariants)" : String(cells)) combinations; at most \(maxVariants) variants"
        )
        guard !issues.reported(at), cells <= maxVariants, d.factors.allSatisfy({ !$0.levels.isEmpty }) else { return }
        var combinations: [[String]] = [[]]
        for factor in d.factors { combinations = combinations.flatMap { c in factor.levels.map { c + [$0] } } }
        d.variants = combinations.enumerated().map { index, levels in
            let name = zip(d.factors, levels).map { "\($0.name)=\($1)" }.joined(separator: ", ")
            return TestVariant(
                id: slug(levels.joined(separator: "-"), fallback: "cell-\(index + 1)"), name: name,
                content: .object(Array(zip(d.factors.map(\.name), levels.map(JSONValue.string)))),
                allocation: 100 / Double(combinations.count), isControl: index == 0)
        }
        variants(&d.variants, at: path.field("variants"), into: &issues)
    }

    static func traffic(_ traffic: inout TrafficAllocation?, at path: String, into issues: inout FieldIssues) {
        let t = traffic ?? TrafficAllocation(percentage: 100)
        issues.check(
            t.percentage > 0 && t.percentage <= 100, path.field("percentage"),
            "share of the audience in the test: more than 0, at most 100; got \(t.percentage)")
        issues.check(
            t.holdoutPercentage >= 0 && t.holdoutPercentage < 100, path.field("holdout_percentage"),
            "share held out: 0 up to (not including) 100; got \(t.holdoutPercentage)")
        issues.check(t.seed.utf8.count <= 255, path.field("seed"), "at most 255 bytes")
        traffic = t
    }

    static func metrics(_ metrics: inout [SuccessMetric], at path: String, into issues: inout FieldIssues) {
        if metrics.isEmpty { metrics = [SuccessMetric(name: "conversion", primary: true, kind: .binary)] }
        issues.check(metrics.count <= 20, path, "\(metrics.count) metrics; at most 20")
        var names = Repeats<String>()
        for i in metrics.indices {
            let at = path.index(i)
            issues.check(!metrics[i].name.isEmpty, at.field("name"), "required: the conversion type it counts")
            issues.check(metrics[i].name.utf8.count <= 64, at.field("name"), "at most 64 bytes")
            issues.check(!names.seenBefore(metrics[i].name), at.field("name"), "\"\(metrics[i].name)\" repeats")
            let mde = metrics[i].minimumDetectableEffect
            issues.check(
                mde.isFinite && mde >= 0 && mde <= 10, at.field("minimum_detectable_effect"),
                "a relative lift between 0 and 10 (0.05 = 5 %), got \(mde)")
            if metrics[i].kind == nil { metrics[i].kind = .binary }
        }
        let primaries = metrics.indices.filter { metrics[$0].primary }
        if primaries.isEmpty { metrics[0].primary = true }
        issues.check(primaries.count <= 1, path, "\(primaries.count) metrics are primary; one is")
        // The primary first: analyses and policies read it there.
        if let p = metrics.firstIndex(where: \.primary), p > 0 { metrics.insert(metrics.remove(at: p), at: 0) }
    }

    static func policy(_ p: WinnerPolicy, at path: String, into issues: inout FieldIssues) {
        issues.check(
            p.minParticipantsPerVariant >= 0, path.field("min_participants_per_variant"), "must not be negative")
        issues.check(
            p.evaluateAfterHours.isFinite && p.evaluateAfterHours >= 0, path.field("evaluate_after_hours"),
            "hours, 0 or more")
        issues.check(
            p.deadlineHours.isFinite && p.deadlineHours >= 0, path.field("deadline_hours"), "hours, 0 or more")
        if p.deadlineHours > 0 {
            issues.check(
                p.deadlineHours >= p.evaluateAfterHours, path.field("deadline_hours"),
                "must not come before evaluate_after_hours")
        }
    }

    /// New weights for UpdateTestAllocation, by variant index: every variant named once, shares adding up to 100.
    static func allocations(_ given: [String: Double], of test: ABTest, into issues: inout FieldIssues) -> [Double] {
        let ids = Set(test.variants.map(\.id))
        for (id, share) in given.sorted(by: { $0.key < $1.key }) {
            let at = "allocations".key(String(id.prefix(64)))
            issues.check(ids.contains(id), at, "no variant \"\(id.prefix(64))\" in the test")
            issues.check(share.isFinite && share >= 0 && share <= 100, at, "a share between 0 and 100, got \(share)")
        }
        let missing = test.variants.map(\.id).filter { given[$0] == nil }
        issues.check(missing.isEmpty, "allocations", "every variant needs a share; missing \(missing)")
        let total = given.values.reduce(0, +)
        issues.check(abs(total - 100) < 0.01, "allocations", "the shares add up to \(total); expected 100")
        return test.variants.map { given[$0.id] ?? 0 }
    }

    /// A variant id from its name: lower case, spaces as dashes.
    static func slug(_ name: String, fallback: String) -> String {
        let slug = String(
            name.lowercased().map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "-" }.prefix(64))
        return slug.isEmpty ? fallback : slug
    }
}
