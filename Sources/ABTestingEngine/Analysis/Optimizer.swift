import Domain
import Foundation

/// OptimizeCampaign: what finished tests say, each recommendation with its evidence (the stored analysis of the
/// decision), strongest expected lift first.
enum Optimizer {
    static func recommendations(_ decided: [(ABTest, reason: String)]) -> [OptimizationRecommendation] {
        var out: [OptimizationRecommendation] = []
        for (test, reason) in decided {
            let metric = test.successMetrics.first?.name ?? "the primary metric"
            let kind = test.type.rawValue.replacingOccurrences(of: "_", with: " ")
            guard let results = test.results else { continue }
            let control = test.variants.first(where: \.isControl)?.id ?? ""
            if !test.winner.isEmpty, test.winner != control,
                let w = results.variants.first(where: { $0.variantID == test.winner })
            {
                let evidence =
                    reason == "significant"
                    ? String(
                        format: "adjusted p = %.3g, chance to beat control %.1f %%", w.adjustedPValue,
                        w.chanceToBeatControl * 100)
                    : "selected by \(reason), not significant: treat as a hypothesis"
                let content = test.variants.first { $0.id == test.winner }.map { describe($0) } ?? ""
                out.append(
                    OptimizationRecommendation(
                        testID: test.id,
                        recommendation: String(
                            format: "%@ test \"%@\": use %@%@ — %+.1f %% %@ over the control (%@; %lld participants)",
                            kind, test.name, test.winner, content, w.lift * 100, metric, evidence,
                            results.totalParticipants),
                        expectedLift: reason == "significant" ? w.lift : 0))
            } else {
                out.append(
                    OptimizationRecommendation(
                        testID: test.id,
                        recommendation:
                            "\(kind) test \"\(test.name)\": no variant beat the control on \(metric) with "
                            + "\(results.totalParticipants) participants; keep the control and test a bolder change",
                        expectedLift: 0))
            }
        }
        return out.sorted { $0.expectedLift > $1.expectedLift }
    }

    /// The variant's content in a few words (`subject: "…"`), for a recommendation.
    static func describe(_ v: TestVariant) -> String {
        guard case .object(let members)? = v.content, !members.isEmpty else { return "" }
        let parts = members.prefix(3).map { key, value -> String in
            if case .string(let s) = value { return "\(key): \"\(s.prefix(60))\"" }
            return key
        }
        return " (" + parts.joined(separator: ", ") + ")"
    }
}
