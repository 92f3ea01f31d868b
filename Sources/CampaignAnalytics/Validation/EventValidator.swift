import Codec
import Domain
import Foundation

/// What an event must be: typed, on a channel, at a time neither in the future (beyond a minute of clock skew) nor
/// past the retention, with a finite value and fields of sensible size. Every problem is reported at its path.
enum EventValidator {
    static let maxMetadataBytes = 16 * 1024

    static func validate(
        _ event: CampaignEvent, at path: String, now: Date, retention: Duration, into issues: inout FieldIssues
    ) {
        if event.eventType == nil, !issues.reported(path.field("event_type")) {
            issues.add(path.field("event_type"), "required; expected one of \(EventType.expectedNames)")
        }
        if event.channel == nil, !issues.reported(path.field("channel")) {
            issues.add(path.field("channel"), "required; expected one of \(NotificationChannel.expectedNames)")
        }
        if let at = event.timestamp {
            issues.check(
                at <= now.addingTimeInterval(60), path.field("timestamp"), "in the future: \(at.ISO8601Format())")
            issues.check(
                at >= now.addingTimeInterval(-retention.seconds), path.field("timestamp"),
                "older than the retention of \(Int(retention.seconds / 86_400)) days: \(at.ISO8601Format())")
        }
        issues.check(event.value.isFinite, path.field("value"), "must be a finite number")
        issues.check(event.deviceType.utf8.count <= 64, path.field("device_type"), "at most 64 bytes")
        issues.check(event.variantID.utf8.count <= 64, path.field("variant_id"), "at most 64 bytes")
        issues.check(event.nodeID.utf8.count <= 255, path.field("node_id"), "at most 255 bytes")
        if let metadata = event.metadata {
            let size = metadata.text().utf8.count
            issues.check(size <= maxMetadataBytes, path.field("metadata"), "\(size) bytes; at most \(maxMetadataBytes)")
        }
    }

    /// A reported time: not in the future (a minute of clock skew allowed), not past the retention.
    static func checkTime(
        _ time: Date?, at path: String, now: Date = Date(), retention: Duration, into issues: inout FieldIssues
    ) {
        guard let time else { return }
        issues.check(time <= now.addingTimeInterval(60), path, "in the future: \(time.ISO8601Format())")
        issues.check(
            time >= now.addingTimeInterval(-retention.seconds), path,
            "older than the retention of \(Int(retention.seconds / 86_400)) days: \(time.ISO8601Format())")
    }
}
