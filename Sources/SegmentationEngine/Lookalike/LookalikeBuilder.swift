import Domain
import Foundation
import HeraldCore
import Postgres
import ServiceKit
import Statistics

/// What a lookalike segment was made with, stored with it (`segments.model`) for an operator to read.
struct LookalikeModel: Codable, Equatable {
    var kind = "logistic_regression"
    var features: [String]
    /// Intercept, then one weight per standardized feature.
    var coefficients: [Double]
    var means: [Double]
    var deviations: [Double]
    /// Held-out area under the ROC curve.
    var auc: Double
    /// The score (log-odds) a user needs: the one the top `share` of the other users reach.
    var threshold: Double
    /// The share of the other users the lookalike takes: (1 − similarity) × 9 % + 1 %.
    var share: Double
    var trainingPositives: Int
    var trainingNegatives: Int
    var trainedAt: Date
}

/// Makes a lookalike segment: a sample of the source's members against a sample of everyone else, the features they
/// have (`LookalikeFeatures`), standardized; an L2 logistic regression fitted on four fifths and its AUC measured
/// on the fifth it never saw; then every user outside the source scored in one statement, and the top
/// (1 − similarity) × 9 % + 1 % of them by score made members (the threshold from the sampled other users' scores). A
/// share, not a bar set by the members' own scores: a source defined by rules its features express is perfectly
/// separable, and such a bar would leave its lookalike empty whatever the similarity.
struct LookalikeBuilder {
    let store: SegmentStore
    /// Users per class in the training sample.
    var samplePerClass = 20_000
    static let minimumPerClass = 20

    func create(_ request: CreateLookalikeSegmentRequest, now: Date = Date()) async throws -> LookalikeResult {
        try await store.translatingCreator {
            try await store.pool.withTransaction { db in
                try await db.query(Evaluation.workMem)
                let source = try await SegmentStore.segment(request.sourceID, on: db)
                let (positives, negatives) = try await sample(source.id, on: db)
                let discovered = try await LookalikeFeatures.discover(sample: positives + negatives, on: db, now: now)
                let since = now.addingTimeInterval(-LookalikeFeatures.activityWindowDays * 86_400)
                let (rows, labels) = try await trainingRows(discovered, since: since, positives, negatives, on: db)
                var model = Self.train(rows, labels, ids: positives + negatives, similarity: request.similarity)
                model.trainedAt = now

                let id = UUID.timeOrdered()
                var parameters = SQLParameters([id])
                let features = LookalikeFeatures(discovered, since: since, parameters: &parameters)
                model.features = features.features.map(\.name)
                let from = features.from(&parameters)
                var score = "\(parameters.bind(model.coefficients[0]))::float8"
                for (i, feature) in features.features.enumerated() {
                    score +=
                        " + \(parameters.bind(model.coefficients[i + 1]))::float8 * coalesce((\(feature.sql) - \(parameters.bind(model.means[i]))::float8) / \(parameters.bind(model.deviations[i]))::float8, 0)"
                }
                let sourceID = parameters.bind(source.id)
                let threshold = parameters.bind(model.threshold)
                let matching = """
                    SELECT u.id FROM \(from)
                    WHERE \(DirectorySQL.present) AND NOT EXISTS (SELECT 1 FROM segments.segment_memberships s
                        WHERE s.user_id = u.id AND s.segment_id = \(sourceID) AND s.removed_at IS NULL)
                        AND (\(score)) >= \(threshold)::float8
                    """
                let name = request.name.isEmpty ? "Like \(source.segment.name)" : request.name
                try await db.query(
                    """
                    INSERT INTO segments.segments (id, name, description, type, conditions, created_by, source_segment_id,
                        similarity, model, size, last_updated)
                    VALUES ($1, $2, $3, 'lookalike', '[]', $4, $5, $6, $7, 0, now())
                    """,
                    [
                        id, name,
                        "Users like those of \(source.segment.name), scored by a logistic regression (held-out AUC \(String(format: "%.3f", model.auc)))",
                        request.createdBy, source.id, request.similarity, try PostgresJSON(encoding: model),
                    ])
                try await Evaluation.apply(id, matching: matching, parameters.values, scope: nil, first: true, on: db)
                return LookalikeResult(
                    try await SegmentStore.segment(id, on: db).segment, auc: model.auc, model: model.kind)
            }
        }
    }

    /// Up to `samplePerClass` members of the source and as many other users, chosen by a hash of their id (the same
    /// sample for the same data).
    private func sample(_ source: UUID, on db: PostgresConnection) async throws -> ([UUID], [UUID]) {
        let positives: [UUID] = try await db.query(
            """
            SELECT u.id FROM segments.segment_memberships m JOIN users.users u ON u.id = m.user_id
            WHERE m.segment_id = $1 AND m.removed_at IS NULL AND \(DirectorySQL.present)
            ORDER BY hashtext(u.id::text), u.id LIMIT $2
            """, [source, samplePerClass]
        ).map { try $0.decode("id") }
        let negatives: [UUID] = try await db.query(
            """
            SELECT u.id FROM users.users u
            WHERE \(DirectorySQL.present) AND NOT EXISTS (SELECT 1 FROM segments.segment_memberships m
                WHERE m.user_id = u.id AND m.segment_id = $1 AND m.removed_at IS NULL)
            ORDER BY hashtext(u.id::text), u.id LIMIT $2
            """, [source, samplePerClass]
        ).map { try $0.decode("id") }
        guard positives.count >= Self.minimumPerClass, negatives.count >= Self.minimumPerClass else {
            throw ServiceError.failedPrecondition(
                "a lookalike model needs at least \(Self.minimumPerClass) members of the source segment and as many other users; there are \(positives.count) and \(negatives.count)"
            )
        }
        return (positives, negatives)
    }

    private func trainingRows(
        _ discovered: LookalikeFeatures.Discovered, since: Date, _ positives: [UUID], _ negatives: [UUID],
        on db: PostgresConnection
    ) async throws -> ([[Double]], [Bool]) {
        var parameters = SQLParameters()
        let features = LookalikeFeatures(discovered, since: since, parameters: &parameters)
        let from = features.from(&parameters)
        let ids = parameters.bind(positives + negatives)
        let result = try await db.query(
            "SELECT u.id, \(features.vector) AS x FROM \(from) WHERE u.id = ANY(\(ids)::uuid[])", parameters.values)
        let positive = Set(positives)
        var rows: [UUID: [Double]] = [:]
        for row in result { rows[try row.decode("id")] = try row.decode("x") }
        let order = positives + negatives
        return (order.map { rows[$0] ?? [] }, order.map { positive.contains($0) })
    }

    /// Standardizes, fits on the users whose id hash is not 0 mod 5, measures AUC on the others, and sets the
    /// threshold from the source members' scores.
    static func train(_ raw: [[Double]], _ labels: [Bool], ids: [UUID], similarity: Double) -> LookalikeModel {
        let d = raw.first?.count ?? 0
        var means = [Double](repeating: 0, count: d)
        var deviations = [Double](repeating: 1, count: d)
        for j in 0..<d {
            let values = raw.map { $0[j] }.filter { !$0.isNaN }
            guard !values.isEmpty else { continue }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
            means[j] = mean
            deviations[j] = variance > 1e-12 ? variance.squareRoot() : 1
        }
        let rows = raw.map { row in (0..<d).map { row[$0].isNaN ? 0 : (row[$0] - means[$0]) / deviations[$0] } }
        let heldOut = ids.map { id in
            abs(Int64(bitPattern: withUnsafeBytes(of: id.uuid) { FNV1a.hash($0) }) % 5) == 0
        }
        var fitRows: [[Double]] = []
        var fitLabels: [Bool] = []
        for i in rows.indices where !heldOut[i] {
            fitRows.append(rows[i])
            fitLabels.append(labels[i])
        }
        let regression = LogisticRegression.fit(fitRows, fitLabels)
        var positives: [Double] = []
        var negatives: [Double] = []
        for i in rows.indices where heldOut[i] {
            let score = regression.score(rows[i])
            if labels[i] { positives.append(score) } else { negatives.append(score) }
        }
        // The score the top `share` of the other users reach, from the sampled ones (all of them: the held-out fifth
        // alone is too few for a 1 % tail).
        let share = (1 - similarity) * 0.09 + 0.01
        let others = rows.indices.filter { !labels[$0] }.map { regression.score(rows[$0]) }.sorted()
        let position = (1 - share) * Double(others.count - 1)
        let low = Int(position.rounded(.down))
        let high = min(low + 1, others.count - 1)
        let threshold = others[low] + (others[high] - others[low]) * (position - Double(low))
        return LookalikeModel(
            features: [], coefficients: regression.coefficients, means: means, deviations: deviations,
            auc: ROC.auc(positives: positives, negatives: negatives), threshold: threshold, share: share,
            trainingPositives: labels.filter { $0 }.count, trainingNegatives: labels.filter { !$0 }.count,
            trainedAt: Date())
    }
}
