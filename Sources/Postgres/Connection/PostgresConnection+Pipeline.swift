import CLibpq

/// One statement of a pipeline.
public struct PostgresStatement: Sendable {
    public var sql: String
    public var parameters: [any PostgresEncodable]

    public init(_ sql: String, _ parameters: [any PostgresEncodable] = []) {
        self.sql = sql
        self.parameters = parameters
    }
}

extension PostgresConnection {
    /// Sends every statement at once in libpq's pipeline mode and then reads all results: one round trip for
    /// the batch instead of one per statement.
    ///
    /// The statements run in one implicit transaction (a single sync point ends the pipeline): if one fails,
    /// the ones after it are skipped, everything is rolled back, and the first error is thrown with the failing
    /// statement's position in `PostgresError.message`.
    public func pipeline(_ statements: [PostgresStatement]) async throws -> [PostgresResult] {
        try begin()
        defer { end() }
        if statements.isEmpty { return [] }
        guard PQenterPipelineMode(handle) == 1 else { throw fail("cannot enter pipeline mode") }
        for statement in statements {
            let bindings = try PostgresBindings(statement.parameters)
            let sent = bindings.withCPointers { values, count in
                PQsendQueryParams(handle, statement.sql, count, nil, values, nil, nil, 0)
            }
            guard sent == 1 else { throw fail("cannot queue statement in pipeline") }
        }
        guard PQpipelineSync(handle) == 1 else { throw fail("cannot send pipeline sync") }
        try await flush()

        var results: [PostgresResult] = []
        var firstError: PostgresError?
        for (index, statement) in statements.enumerated() {
            var kept: PostgresResult?
            while let result = try await nextResult() {
                switch PQresultStatus(result) {
                case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                    kept = PostgresResult(result)
                case PGRES_FATAL_ERROR:
                    if firstError == nil {
                        var error = PostgresError.server(result, query: statement.sql)
                        error.message = "statement \(index + 1) of \(statements.count): \(error.message)"
                        firstError = error
                    }
                    PQclear(result)
                default:  // PGRES_PIPELINE_ABORTED for statements after a failure
                    PQclear(result)
                }
            }
            if let kept { results.append(kept) }
        }
        // The sync point's own result, then back to normal mode.
        while let result = try await nextResult() {
            let status = PQresultStatus(result)
            PQclear(result)
            if status == PGRES_PIPELINE_SYNC { break }
        }
        guard PQexitPipelineMode(handle) == 1 else { throw fail("cannot leave pipeline mode") }
        if let firstError { throw firstError }
        return results
    }
}
