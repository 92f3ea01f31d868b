/// What a call carries into the work it starts: the server sets it around every handler, and the client (and
/// the service client library on top of it) reads it, so that a handler calling another service passes on its
/// remaining time without anyone threading it through. Cancellation needs nothing extra: a downstream call made
/// from the handler's task is cancelled with it.
public enum CallContext {
    /// The deadline of the call being handled, if it has one.
    @TaskLocal public static var deadline: ContinuousClock.Instant?

    /// Runs `body` with `deadline` as the current call's (no task-local is pushed for a call without one, the common
    /// case of benchmarks and health checks).
    static func with(
        _ deadline: ContinuousClock.Instant?, isolation: isolated (any Actor)? = #isolation, _ body: () async -> Void
    ) async {
        if let deadline {
            await $deadline.withValue(deadline) { await body() }
        } else {
            await body()
        }
    }

    /// The time left before the current call's deadline (nil without one; zero or less once it has passed).
    public static var remaining: Duration? { deadline.map { $0 - ContinuousClock.now } }
}
