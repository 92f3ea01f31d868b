import Domain
import Foundation
import ServiceClients

/// `herald.personalization.v1.PersonalizationEngine` for other services: domain values in and out, every call
/// through a `ServiceClient`. Errors are the call's `RPCError`.
public struct PersonalizationEngineClient: Sendable {
    public var client: ServiceClient { calls.client }
    let calls: ServiceCalls

    public init(_ client: ServiceClient) {
        calls = ServiceCalls(client, package: "herald.personalization.v1", service: "PersonalizationEngine")
    }

    public func profile(of user: UUID) async throws -> PersonalizationProfile {
        try await calls.unary("GetProfile", returning: "profile") { $0.set(1, id: user) }
    }

    /// Replaces the parts of the profile that are set; returns the whole profile.
    public func update(_ profile: PersonalizationProfile) async throws -> PersonalizationProfile {
        try await calls.unary("UpdateProfile", returning: "profile") { $0.set(1, profile) }
    }

    public func personalize(_ template: ContentTemplate, for user: UUID) async throws -> PersonalizedContent {
        try await calls.unary("PersonalizeContent", returning: "content") { b in
            b.set(1, id: user)
            b.set(2, template)
        }
    }

    public func recommendations(for user: UUID, context: RecommendationContext = RecommendationContext()) async throws
        -> [Recommendation]
    {
        try await calls.unary("GenerateRecommendations", returningAll: "recommendations") { b in
            b.set(1, id: user)
            b.set(2, context)
        }
    }

    public func optimalSendTime(for user: UUID, campaignType: String = "") async throws -> OptimalSendTime {
        try await calls.unary("OptimizeSendTime", returning: "send_time") { b in
            b.set(1, id: user)
            b.set(2, campaignType)
        }
    }

    public func adaptContent(for user: UUID, context: UserContext) async throws -> AdaptedContent {
        try await calls.unary("AdaptContent", returning: "content") { b in
            b.set(1, id: user)
            b.set(2, context)
        }
    }

    /// Reports how personalized content did ("opened", "clicked", "converted", "ignored"), to learn from.
    public func trackPerformance(of content: String, for user: UUID, outcome: String) async throws {
        try await calls.unary("TrackPersonalizationPerformance") { b in
            b.set(1, id: user)
            b.set(2, content)
            b.set(3, outcome)
        }
    }
}
