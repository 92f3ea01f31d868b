import Domain
import Foundation
import HeraldCore
import RPC
import ServiceKit

/// GenerateReport, CreateDashboard and GetDashboard.
extension CampaignAnalyticsService {
    func registerReports(in services: inout ServiceRegistry) {
        let api = CampaignAnalyticsAPI.self
        services.unary(
            api.generateReport,
            validate: { request, issues in ReportQuery.validate(request.value, at: "definition", into: &issues) }
        ) { request, _ in
            let definition = request.value
            let rows = try await ReportQuery.rows(definition, pool: store.pool)
            let now = Date()
            return Only(
                CampaignReport(
                    id: UUID.timeOrdered(), definition: definition, rows: rows, generatedAt: now,
                    rendered: ReportQuery.render(definition, rows, generatedAt: now)))
        }
        services.unary(
            api.createDashboard,
            validate: { request, issues in
                let d = request.definition
                issues.check(!d.name.isEmpty, "definition.name", "required")
                issues.check(d.widgets.count <= 50, "definition.widgets", "\(d.widgets.count) widgets; at most 50")
                for (i, widget) in d.widgets.enumerated() {
                    if let query = widget.query {
                        ReportQuery.validate(query, at: "definition.widgets".index(i).field("query"), into: &issues)
                    }
                }
            }
        ) { request, _ in Only(try await dashboards.create(request.definition, by: request.createdBy)) }
        services.unary(api.getDashboard) { request, _ in Only(try await dashboards.dashboard(request.id)) }
    }
}
