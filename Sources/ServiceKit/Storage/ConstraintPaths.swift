import Domain
import HeraldCore
import Postgres

/// Constraint violations a request can cause, reported where the request went wrong: a foreign key naming a user
/// that does not exist is the request's `created_by`, not a database error.
public enum ConstraintPaths {
    /// Runs `body`; a constraint violation for which `field` names a request field becomes INVALID_ARGUMENT there
    /// (`field` gets the error, with its SQLSTATE and constraint); any other error passes unchanged.
    public static func translating<T>(
        _ field: (PostgresError) -> (path: String, problem: String)?, _ body: () async throws -> T
    ) async throws -> T {
        do {
            return try await body()
        } catch let error as PostgresError where error.sqlState?.hasPrefix("23") == true {
            guard let (path, problem) = field(error) else { throw error }
            throw ValidationError(path, problem)
        }
    }
}
