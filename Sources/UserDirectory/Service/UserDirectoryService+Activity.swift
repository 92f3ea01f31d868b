import Domain
import Foundation
import RPC
import ServiceKit

/// TrackUserActivity, TrackUserActivities and GetUserSegmentData.
extension UserDirectoryService {
    func registerActivity(in services: inout ServiceRegistry) {
        let api = UserDirectoryAPI.self
        services.unary(
            api.trackUserActivity, validate: { UserValidator.validate($0.activity, at: "activity", into: &$1) }
        ) {
            request, _ in
            _ = try await store.track([request], strict: true, at: { _ in "" })
            return NoContent()
        }
        services.unary(
            api.trackUserActivities,
            validate: { request, issues in
                for (i, tracked) in request.activities.enumerated() {
                    UserValidator.validate(tracked.activity, at: "activities".index(i).field("activity"), into: &issues)
                }
            }
        ) { request, _ in
            StoredCount(
                Int32(try await store.track(request.activities, strict: false, at: { "activities".index($0) })))
        }
        services.unary(api.getUserSegmentData) { request, _ in Only(try await store.segmentData(of: request.userID)) }
    }
}
