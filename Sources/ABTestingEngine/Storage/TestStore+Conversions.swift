import Domain
import Foundation
import HeraldCore
import Postgres

/// Conversions (`experiments.conversions`, `participant_metrics`): each counted once, for participants only, within
/// the attribution window after their exposure; the totals gain what the conversion changes.
extension TestStore {
    /// Records `c` (validated: its type is one of the test's success metrics) if it counts.
    func record(_ c: ConversionRequest, window: Duration) async throws -> ConversionResult {
        try await pool.withTransaction { db in
            let found = try await db.query(
                """
                SELECT t.success_metrics, e.variant, e.exposed_at, e.covariate
                FROM experiments.ab_tests t
                LEFT JOIN experiments.exposures e ON e.test_id = t.id AND e.user_id = $2
                WHERE t.id = $1
                """, [c.testID, c.userID])
            guard let row = found.first else { throw ServiceError.notFound("no test \(c.testID.lowercased)") }
            let metrics = try row.json("success_metrics", as: [SuccessMetric].self) ?? []
            guard metrics.contains(where: { $0.name == c.conversionType }) else {
                throw ValidationError(
                    "conversion_type",
                    "\"\(c.conversionType.prefix(64))\" is not a success metric of the test; expected one of "
                        + metrics.map { "\"\($0.name)\"" }.joined(separator: ", "))
            }
            guard let variant = try row.decode("variant", as: Int?.self),
                let exposedAt = try row.decode("exposed_at", as: Date?.self)
            else { return ConversionResult(counted: false, reason: "the user is not a participant of the test") }
            let occurredAt = c.occurredAt ?? Date()
            // A second of slack: clocks of the caller and PostgreSQL differ.
            guard occurredAt >= exposedAt.addingTimeInterval(-1) else {
                return ConversionResult(counted: false, reason: "it happened before the user's exposure")
            }
            let windowEnd = exposedAt.addingTimeInterval(window.seconds)
            guard occurredAt <= windowEnd else {
                return ConversionResult(
                    counted: false,
                    reason: "outside the attribution window (\(Int(window.seconds / 86_400)) days after exposure)")
            }
            let inserted = try await db.query(
                """
                INSERT INTO experiments.conversions (test_id, user_id, metric, conversion_id, value, occurred_at)
                VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING
                """, [c.testID, c.userID, c.conversionType, c.conversionID, c.value, occurredAt])
            guard inserted.affectedRows > 0 else {
                return ConversionResult(
                    counted: false,
                    reason: c.conversionID.isEmpty
                        ? "already recorded: one \(c.conversionType) per user without a conversion_id"
                        : "already recorded (conversion_id \(c.conversionID.prefix(64)))")
            }
            let totals = try await db.query(
                """
                INSERT INTO experiments.participant_metrics AS p (test_id, user_id, metric, total, conversions)
                VALUES ($1, $2, $3, $4, 1)
                ON CONFLICT (test_id, user_id, metric)
                    DO UPDATE SET total = p.total + excluded.total, conversions = p.conversions + 1
                RETURNING p.total, p.conversions
                """, [c.testID, c.userID, c.conversionType, c.value])
            let total: Double = try totals[0].decode("total")
            let first = try totals[0].decode("conversions", as: Int.self) == 1
            let before = total - c.value
            let x = try row.decode("covariate", as: Double?.self) ?? 0
            try await db.query(
                """
                INSERT INTO experiments.variant_totals (test_id, variant, metric, converted, converted_covariate_sum,
                    value_sum, value_sq_sum, value_covariate_sum)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """,
                [
                    c.testID, variant, c.conversionType, first ? 1 : 0, first ? x : 0, c.value,
                    total * total - before * before, x * c.value,
                ])
            try await Self.notify(db, c.testID)
            return ConversionResult(counted: true)
        }
    }
}
