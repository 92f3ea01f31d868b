import Domain
import Foundation
import RPC
import ServiceKit

/// AssignVariant, AssignVariants and RecordConversion.
extension ABTestingEngineService {
    func registerAssignments(in services: inout ServiceRegistry) {
        let api = ABTestingEngineAPI.self
        services.unary(api.assignVariant) { request, _ in
            let (stored, arms) = try await store.assign(request.testID, users: [request.userID], covariates: [])
            switch arms[0] {
            case .variant(let i): return VariantAssignment(variant: stored.test.variants[i], inTest: true)
            case .holdout: return VariantAssignment(variant: nil, inTest: false, holdout: true)
            case .outside(let shown):
                return VariantAssignment(variant: shown.map { stored.test.variants[$0] }, inTest: false)
            }
        }
        services.unary(api.assignVariants) { request, _ in
            let (stored, arms) = try await store.assign(
                request.testID, users: request.userIDs, covariates: request.covariates)
            let ids = stored.test.variants.map(\.id)
            return Many(
                zip(request.userIDs, arms).map { user, arm in
                    switch arm {
                    case .variant(let i): Assignment(userID: user, variantID: ids[i], inTest: true)
                    case .holdout: Assignment(userID: user, variantID: "", inTest: false, holdout: true)
                    case .outside(let shown):
                        Assignment(userID: user, variantID: shown.map { ids[$0] } ?? "", inTest: false)
                    }
                })
        }
        services.unary(
            api.recordConversion,
            validate: { request, issues in
                issues.check(!request.conversionType.isEmpty, "conversion_type", "required: a success metric's name")
                issues.check(request.value.isFinite, "value", "must be a finite number")
                issues.check(request.conversionID.utf8.count <= 255, "conversion_id", "at most 255 bytes")
            }
        ) { request, _ in try await store.record(request, window: attributionWindow) }
    }
}
