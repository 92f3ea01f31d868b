import Domain
import RPC
import ServiceKit

/// CreateCampaignTemplate, ListCampaignTemplates and CreateCampaignFromTemplate.
extension CampaignService {
    func registerTemplates(in services: inout ServiceRegistry) {
        let api = CampaignManagerAPI.self
        services.unary(
            api.createCampaignTemplate,
            validate: { request, issues in
                if request.name.allSatisfy(\.isWhitespace) {
                    issues.add("name", "required")
                } else if request.name.count > CampaignValidator.maxNameLength {
                    issues.add("name", "\(request.name.count) characters; at most \(CampaignValidator.maxNameLength)")
                }
                validator.validate(request.definition, at: "definition", into: &issues)
                CampaignValidator.validate(tags: request.tags, at: "tags", into: &issues)
            }
        ) { request, _ in
            Only(
                try await store.createTemplate(
                    name: request.name, description: request.description, definition: request.definition,
                    tags: request.tags,
                    by: CampaignStore.Actor(request.createdBy, field: "created_by")))
        }
        services.unary(
            api.listCampaignTemplates, validate: { CampaignValidator.validate(tags: $0.tags, at: "tags", into: &$1) }
        ) {
            request, _ in try await store.templates(tags: request.tags, page: request.page)
        }
        services.unary(api.createCampaignFromTemplate) { request, _ in
            let template = try await store.template(request.templateID)
            var definition = template.definition
            if !request.name.isEmpty { definition.name = request.name }
            try validator.check(definition, at: "definition")
            return Only(
                try await store.create(
                    definition, by: CampaignStore.Actor(request.createdBy, field: "created_by"),
                    templateID: request.templateID,
                    change: "from template \(request.templateID.lowercased)"))
        }
    }
}
