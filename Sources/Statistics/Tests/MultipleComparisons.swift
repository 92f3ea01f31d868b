/// Corrections for testing several variants and metrics at once; each returns adjusted p-values in input order
/// (statsmodels `multipletests(p, method="holm" | "fdr_bh")`).
public enum MultipleComparisons {
    /// Holm–Bonferroni: controls the family-wise error rate.
    public static func holm(_ p: [Double]) -> [Double] {
        let m = Double(p.count)
        let order = p.indices.sorted { p[$0] < p[$1] }
        var adjusted = [Double](repeating: 1, count: p.count)
        var running = 0.0
        for (rank, index) in order.enumerated() {
            running = max(running, min(1, (m - Double(rank)) * p[index]))
            adjusted[index] = running
        }
        return adjusted
    }

    /// Benjamini–Hochberg: controls the false discovery rate.
    public static func benjaminiHochberg(_ p: [Double]) -> [Double] {
        let m = Double(p.count)
        let order = p.indices.sorted { p[$0] < p[$1] }
        var adjusted = [Double](repeating: 1, count: p.count)
        var running = 1.0
        for (rank, index) in order.enumerated().reversed() {
            running = min(running, m / Double(rank + 1) * p[index])
            adjusted[index] = min(1, running)
        }
        return adjusted
    }
}
