import Codec
import Domain
import Foundation

/// CreateCampaignTemplate, ListCampaignTemplates and CreateCampaignFromTemplate.
extension CampaignService {
    func registerTemplates(_ method: Method) {
        method("CreateCampaignTemplate") { m in
            var issues = FieldIssues()
            let name = m.string(1)
            if name.allSatisfy(\.isWhitespace) {
                issues.add("name", "required")
            } else if name.count > CampaignValidator.maxNameLength {
                issues.add("name", "\(name.count) characters; at most \(CampaignValidator.maxNameLength)")
            }
            let definition = definition(m.message(3), at: "definition", &issues)
            let actor = Self.actor(m.string(4), "created_by", &issues)
            let tags = m.strings(5)
            let description = m.string(2)
            CampaignValidator.validate(tags: tags, at: "tags", into: &issues)
            try issues.throwIfAny()
            return Request {
                let template = try await store.createTemplate(name: name, description: description, definition: definition, tags: tags, by: actor!)
                return { b in b.message(1) { template.write(to: $0) } }
            }
        }
        method("ListCampaignTemplates") { m in
            var issues = FieldIssues()
            let tags = m.strings(1)
            CampaignValidator.validate(tags: tags, at: "tags", into: &issues)
            let page = PageRequest(wire: m.message(2), at: "page", &issues)
            try issues.throwIfAny()
            return Request {
                let result = try await store.templates(tags: tags, page: page)
                return { b in result.write(to: b) { $0.write(to: $1) } }
            }
        }
        method("CreateCampaignFromTemplate") { m in
            var issues = FieldIssues()
            let id = Self.uuid(m.string(1), "template_id", &issues)
            let name = m.string(2)
            let actor = Self.actor(m.string(3), "created_by", &issues)
            try issues.throwIfAny()
            return Request {
                let template = try await store.template(id!)
                var definition = template.definition
                if !name.isEmpty { definition.name = name }
                try validate(definition, at: "definition")
                let campaign = try await store.create(definition, by: actor!, templateID: id!, change: "from template \(id!.lowercased)")
                return campaignResponse(campaign)
            }
        }
    }
}
