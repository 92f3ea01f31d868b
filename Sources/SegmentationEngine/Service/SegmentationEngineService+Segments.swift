import Domain
import Foundation
import RPC
import ServiceKit

/// CreateSegment, UpdateSegment, GetSegment, ListSegments, DeleteSegment, PreviewSegment and RefreshSegment.
extension SegmentationEngineService {
    func registerSegments(in services: inout ServiceRegistry) {
        let api = SegmentationEngineAPI.self
        services.unary(
            api.createSegment,
            validate: { request, issues in
                SegmentValidator.validate(&request.definition, at: "segment", into: &issues)
            }
        ) { request, _ in
            let compiled = try await compile(request.definition)
            let created = try await store.create(request.definition, compiled: compiled, by: request.createdBy)
            indexes.ensure(compiled.indexes)
            return Only(created.segment)
        }
        services.unary(
            api.updateSegment,
            validate: { request, issues in
                SegmentValidator.validate(&request.definition, at: "segment", into: &issues)
            }
        ) { request, _ in
            let compiled = try await compile(request.definition)
            let updated = try await store.update(request.id, to: request.definition, compiled: compiled)
            indexes.ensure(compiled.indexes)
            return Only(updated.segment)
        }
        services.unary(api.getSegment) { request, _ in
            let stored = try await store.segment(request.id)
            return SegmentWithPlan(stored.segment, queryPlan: request.explain ? try await store.plan(stored) : "")
        }
        services.unary(api.listSegments) { request, _ in try await store.list(request) }
        services.unary(api.deleteSegment) { request, _ in
            try await store.delete(request.id)
            return NoContent()
        }
        services.unary(
            api.previewSegment,
            validate: { request, issues in
                // (a builder previews before naming)
                if request.definition.name.isEmpty { request.definition.name = "preview" }
                SegmentValidator.validate(&request.definition, at: "segment", into: &issues)
            }
        ) { request, _ in
            _ = try await compile(request.definition)
            return try await store.preview(request.definition, sample: request.sampleSize)
        }
        services.unary(api.refreshSegment) { request, _ in try await store.refresh(request.id) }
    }

    /// A definition the request's validation passed, compiled, its regular expressions checked by PostgreSQL.
    func compile(_ definition: SegmentDefinition) async throws -> CompiledConditions {
        var compiler = ConditionCompiler(scope: .everyone)
        compiler.compile(definition.conditions, at: "segment.conditions")
        try await store.checkRegexes(compiler.compiled.regexes)
        return compiler.compiled
    }
}
