import Domain
import Foundation
import Postgres

/// One variant's running sums, as `experiments.variant_totals` adds them up.
struct VariantSums: Sendable, Equatable {
    var participants: Double = 0
    /// Participants with a covariate, and its sums.
    var covariates: Double = 0
    var covariateSum: Double = 0
    var covariateSquares: Double = 0
    /// Of one metric: participants converted, and Σx over them.
    var converted: Double = 0
    var convertedCovariateSum: Double = 0
    /// Of one metric: Σ value, Σ (per-participant total)², Σ x·value.
    var valueSum: Double = 0
    var valueSquares: Double = 0
    var valueCovariateSum: Double = 0
    /// Participants expected under the weights in effect when they were assigned (exposure rows only).
    var expected: Double = 0
}

/// A test's totals: exposures by variant (-1 the holdout), and each metric's by variant.
struct TestTotals: Sendable, Equatable {
    var exposures: [Int: VariantSums] = [:]
    var metrics: [String: [Int: VariantSums]] = [:]
}

extension TestStore {
    /// The sums of every write so far: a few rows per write batch, added up here (no scan of the exposures).
    func totals(_ testID: UUID) async throws -> TestTotals {
        let result = try await pool.query(
            """
            SELECT variant, metric, sum(participants)::float8 AS participants, sum(covariates)::float8 AS covariates,
                sum(covariate_sum) AS covariate_sum, sum(covariate_sq_sum) AS covariate_sq_sum,
                sum(converted)::float8 AS converted, sum(converted_covariate_sum) AS converted_covariate_sum,
                sum(value_sum) AS value_sum, sum(value_sq_sum) AS value_sq_sum,
                sum(value_covariate_sum) AS value_covariate_sum, sum(expected) AS expected
            FROM experiments.variant_totals WHERE test_id = $1 GROUP BY variant, metric
            """, [testID])
        var totals = TestTotals()
        for row in result {
            let sums = VariantSums(
                participants: try row.decode("participants"), covariates: try row.decode("covariates"),
                covariateSum: try row.decode("covariate_sum"), covariateSquares: try row.decode("covariate_sq_sum"),
                converted: try row.decode("converted"),
                convertedCovariateSum: try row.decode("converted_covariate_sum"),
                valueSum: try row.decode("value_sum"), valueSquares: try row.decode("value_sq_sum"),
                valueCovariateSum: try row.decode("value_covariate_sum"), expected: try row.decode("expected"))
            let variant: Int = try row.decode("variant")
            let metric: String = try row.decode("metric")
            if metric.isEmpty {
                totals.exposures[variant] = sums
            } else {
                totals.metrics[metric, default: [:]][variant] = sums
            }
        }
        return totals
    }
}
