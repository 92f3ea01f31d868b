import Codec
import Domain
import Foundation
import Postgres
import ServiceKit
import Synchronization

/// Activity: batches inserted into the month's partition, each activity stored once (the same id and time, or, when
/// the server gave the time, the same id within a day, is a retry); none kept for a user who withdrew analytics
/// consent.
extension UserStore {
    /// Records activities; how many were stored now. A user who does not exist (or was deleted or erased) is NOT_FOUND
    /// when `strict` (one activity), else their activities are left out; so are those of users who withdrew analytics
    /// consent. Times outside the kept window (retention, and a day ahead for clock skew) are INVALID_ARGUMENT.
    func track(_ activities: [TrackedActivity], strict: Bool, at path: (Int) -> String, now: Date = Date()) async throws
        -> Int
    {
        guard !activities.isEmpty else { return 0 }
        var issues = FieldIssues()
        let oldest = now.addingTimeInterval(-activityRetention.seconds)
        let latest = now.addingTimeInterval(86_400)
        let times = activities.map { $0.activity.at ?? now }
        for (i, time) in times.enumerated() where time < oldest || time > latest {
            issues.add(
                path(i).field("activity").field("at"),
                "must be within the last \(Int(activityRetention.seconds / 86_400)) days and at most a day ahead")
        }
        try issues.throwIfAny()
        let ids = Array(Set(activities.map(\.userID)))
        let known = try await pool.query(
            """
            SELECT u.id, EXISTS (SELECT 1 FROM users.consent c WHERE c.user_id = u.id AND c.subject = 'purpose:analytics' AND NOT c.granted) AS withdrawn
            FROM users.users u WHERE u.id = ANY($1::uuid[]) AND u.deleted_at IS NULL AND u.erased_at IS NULL
            """, [ids])
        var keep: [UUID: Bool] = [:]
        for row in known { keep[try row.decode("id")] = !(try row.decode("withdrawn", as: Bool.self)) }
        if strict, let missing = ids.first(where: { keep[$0] == nil }) { throw Self.notFound(missing) }
        let kept = activities.indices.filter { keep[activities[$0].userID] == true }
        guard !kept.isEmpty else { return 0 }
        try await partitions.ensure(kept.map { times[$0] }, pool: pool)
        // One statement, the rows as arrays (no staging table: creating and emptying one cost more than the rows).
        // A retry carries the same id and time (the key); one that left the time to the server has another time,
        // so for those the same id of the same user within a day of it is the same activity.
        return try await pool.query(
            """
            INSERT INTO users.activity (user_id, id, at, type, properties, channel, campaign_id)
            SELECT DISTINCT ON (s.user_id, s.id) s.user_id, s.id, s.at, s.type, s.properties, s.channel::common.notification_channel,
                s.campaign_id
            FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::jsonb[], $6::text[], $7::uuid[], $8::bool[])
                AS s(user_id, id, at, type, properties, channel, campaign_id, timed_here)
            WHERE CASE WHEN s.timed_here THEN NOT EXISTS (
                SELECT 1 FROM users.activity a WHERE a.user_id = s.user_id AND a.id = s.id
                AND a.at > s.at - interval '1 day' AND a.at < s.at + interval '1 day') ELSE true END
            ORDER BY s.user_id, s.id, s.at
            ON CONFLICT DO NOTHING
            """,
            [
                kept.map { activities[$0].userID }, kept.map { activities[$0].activity.id }, kept.map { times[$0] },
                kept.map { activities[$0].activity.type },
                kept.map { activities[$0].activity.properties.map { PostgresJSON(text: $0.text()) } },
                kept.map { activities[$0].activity.channel?.rawValue }, kept.map { activities[$0].activity.campaignID },
                kept.map { activities[$0].activity.at == nil },
            ]
        ).affectedRows
    }
}
