import Codec
import Domain
import Foundation
import HeraldCore
import RPC
import ServiceKit

/// TrackConversion, RecordCustomMetric and GetUserBehavior: the spec's Analytics Service Integration.
extension CampaignAnalyticsService {
    func registerIntegration(in services: inout ServiceRegistry) {
        let api = CampaignAnalyticsAPI.self
        services.unary(
            api.trackConversion,
            validate: { request, issues in
                let c = request.conversion
                issues.check(!c.type.isEmpty, "conversion.type", "required: what converted, e.g. \"purchase\"")
                issues.check(c.type.utf8.count <= 64, "conversion.type", "at most 64 bytes")
                issues.check(c.value.isFinite && c.value >= 0, "conversion.value", "a finite amount, 0 or more")
                issues.check(
                    c.currency.isEmpty
                        || (c.currency.count == 3 && c.currency.allSatisfy { $0.isUppercase && $0.isASCII }),
                    "conversion.currency", "an ISO 4217 code such as EUR, got \"\(c.currency.prefix(8))\"")
                EventValidator.checkTime(
                    c.occurredAt, at: "conversion.occurred_at", retention: retention, into: &issues)
            }
        ) { request, _ in
            let (channel, budgetCurrency) = try await store.conversionContext(request.campaignID)
            let c = request.conversion
            if let budgetCurrency, !c.currency.isEmpty, budgetCurrency != c.currency {
                throw ValidationError(
                    "conversion.currency",
                    "the campaign's budget is in \(budgetCurrency); got \(c.currency) (no exchange rates are applied)")
            }
            var metadata: [(String, JSONValue)] = [("conversion_type", .string(c.type))]
            if let currency = budgetCurrency ?? (c.currency.isEmpty ? nil : c.currency) {
                metadata.append(("currency", .string(currency)))
            }
            if let properties = c.properties { metadata.append(("properties", properties)) }
            let event = CampaignEvent(
                id: c.id, campaignID: request.campaignID, userID: request.userID, eventType: .converted,
                timestamp: c.occurredAt, channel: channel, metadata: .object(metadata), value: c.value)
            return EventStored(try await accept([event]) { _ in "" }.stored == 1)
        }
        services.unary(
            api.recordCustomMetric,
            validate: { request, issues in
                let m = request.value
                issues.check(!m.name.isEmpty, "metric.name", "required")
                issues.check(m.name.utf8.count <= 64, "metric.name", "at most 64 bytes")
                issues.check(m.value.isFinite, "metric.value", "must be a finite number")
                issues.check(m.dimensions.count <= 20, "metric.dimensions", "at most 20 dimensions")
                EventValidator.checkTime(m.timestamp, at: "metric.timestamp", retention: retention, into: &issues)
            }
        ) { request, _ in EventStored(try await store.record(request.value, at: request.value.timestamp ?? Date())) }
        services.unary(api.getUserBehavior) { request, _ in
            Only(try await store.behavior(request.userID, in: request.timeRange))
        }
    }
}
