import Domain
import Foundation
import HeraldCore
import Postgres

/// Assignments (`experiments.exposures`): a user's first assignment is stored and answered ever after.
extension TestStore {
    /// Assigns `users` to `testID`: while it runs, new participants (and holdouts) are stored with their covariates
    /// and counted in the totals in the same statement, and users assigned before keep their stored arm; while it is
    /// paused or completed nobody new enters (the control, or the winner, is shown instead).
    func assign(_ testID: UUID, users: [UUID], covariates: [Double]) async throws -> (StoredTest, [Arm]) {
        try await pool.withTransaction { db in
            let stored = try await Self.lock(db, testID, update: false)
            let status = stored.test.status
            var arms: [Arm]
            switch status {
            case .draft:
                throw ServiceError.failedPrecondition("test \(testID.lowercased) is a draft: start it to assign users")
            case .running:
                let assigner = Assigner(stored)
                arms = users.map(assigner.arm)
            case .paused:
                arms = users.map { _ in .outside(stored.controlIndex) }
            case .completed, .archived:
                arms = users.map { _ in .outside(stored.winnerIndex ?? stored.controlIndex) }
            }
            let before = try await record(
                db, testID, users: users, arms: arms, covariates: covariates,
                shares: stored.ranges.counts(arms: stored.test.variants.count).map {
                    Double($0) / Double(TrafficSplit.buckets)
                })
            for (i, user) in users.enumerated() {
                if let earlier = before[user] { arms[i] = Arm(stored: earlier) }
            }
            return (stored, arms)
        }
    }

    /// Stores the arms that are stored (participants, holdouts) unless stored already, adds the new ones to the
    /// totals, and answers the users' arms stored before this call (their first assignment stands). In the common
    /// case, every user new to the test, that is one statement; only when some were stored before does a second read
    /// their stored arms.
    /// `shares`: each variant's share of the buckets now; the new participants' expected split is recorded with them.
    private func record(
        _ db: PostgresConnection, _ testID: UUID, users: [UUID], arms: [Arm], covariates: [Double], shares: [Double]
    ) async throws -> [UUID: Int] {
        let storedArms = arms.map { $0.stored ?? -2 }
        let storable = storedArms.filter { $0 >= -1 }.count
        var check = users
        if storable > 0 {
            let values: [Double?] = covariates.isEmpty ? users.map { _ in nil } : covariates.map { $0 }
            let inserted = try await db.query(
                """
                WITH inserted AS (
                    INSERT INTO experiments.exposures (test_id, user_id, variant, covariate)
                    SELECT $1, user_id, variant, covariate
                    FROM unnest($2::uuid[], $3::int2[], $4::float8[]) AS i(user_id, variant, covariate)
                    WHERE variant >= -1
                    ON CONFLICT DO NOTHING RETURNING variant, covariate),
                counted AS (
                    INSERT INTO experiments.variant_totals (test_id, variant, metric, participants, covariates,
                        covariate_sum, covariate_sq_sum)
                    SELECT $1, variant, '', count(*), count(covariate), coalesce(sum(covariate), 0),
                        coalesce(sum(covariate * covariate), 0)
                    FROM inserted GROUP BY variant)
                SELECT count(*)::int8 AS n, count(*) FILTER (WHERE variant >= 0)::int8 AS participants FROM inserted
                """, [testID, users, storedArms, values])
            let participants = Double(try inserted[0].decode("participants", as: Int.self))
            if participants > 0 {
                try await db.query(
                    """
                    INSERT INTO experiments.variant_totals (test_id, variant, metric, expected)
                    SELECT $1, variant, '', expected FROM unnest($2::int2[], $3::float8[]) AS e(variant, expected)
                    """, [testID, Array(shares.indices), shares.map { $0 * participants }])
            }
            try await Self.notify(db, testID)
            // Everyone storable was new: of them nobody has an earlier assignment; only the users outside the test
            // now may have one from before (when its traffic share was larger).
            if try inserted[0].decode("n", as: Int.self) == storable {
                check = zip(users, storedArms).filter { $0.1 == -2 }.map(\.0)
                if check.isEmpty { return [:] }
            }
        }
        let result = try await db.query(
            "SELECT e.user_id, e.variant FROM experiments.exposures e WHERE e.test_id = $1 AND e.user_id = ANY($2::uuid[])",
            [testID, check])
        var before: [UUID: Int] = [:]
        before.reserveCapacity(result.rowCount)
        for row in result { before[try row.decode("user_id")] = try row.decode("variant") }
        return before
    }
}
