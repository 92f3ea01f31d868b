/// Transaction isolation levels.
public enum PostgresIsolationLevel: String, Sendable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
}

extension PostgresConnection {
    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    ///
    /// If the transaction was aborted by an error that `body` caught and did not rethrow, PostgreSQL turns the
    /// `COMMIT` into a rollback; that is reported as an error rather than as success.
    @discardableResult
    public func withTransaction<T>(
        _ level: PostgresIsolationLevel = .readCommitted, isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await query(level == .readCommitted ? "BEGIN" : "BEGIN ISOLATION LEVEL \(level.rawValue)")
        let value: T
        do {
            value = try await body(self)
        } catch {
            await rollbackQuietly("ROLLBACK")
            throw error
        }
        let commit = try await query("COMMIT")
        if commit.commandTag == "ROLLBACK" {
            throw PostgresError(
                kind: .server, message: "transaction was aborted by an earlier error and has been rolled back",
                sqlState: "25P02")
        }
        return value
    }

    /// Runs `body` inside a savepoint of the current transaction: released when it returns, rolled back to
    /// (undoing only its own work) when it throws.
    @discardableResult
    public func withSavepoint<T>(
        isolation: isolated (any Actor)? = #isolation, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let name = await nextSavepointName()
        try await query("SAVEPOINT \(name)")
        do {
            let value = try await body(self)
            try await query("RELEASE SAVEPOINT \(name)")
            return value
        } catch {
            await rollbackQuietly("ROLLBACK TO SAVEPOINT \(name)")
            throw error
        }
    }

    /// Rolls back after a failure; if even that fails the connection is marked broken so a pool drops it.
    private func rollbackQuietly(_ statement: String) async {
        guard !isBroken else { return }
        do {
            try await query(statement)
        } catch {
            isBroken = true
        }
    }
}
