import Domain
import HeraldCore
import Postgres
import RPC

extension ServiceRegistry {
    /// A Watch method: the current state, then the state again each time it changes, until the client goes away.
    ///
    /// `read` runs at once, and again whenever `hub` reports a notification on `channel` whose payload is
    /// `key(request)`, whenever the hub listens again after losing its connection, and every `resync` in any case
    /// (NOTIFY is a wake-up, not the record: a notification lost on the way costs at most `resync` of delay). A
    /// state equal to the last one sent is not sent again, so a burst of notifications costs one read each and
    /// no duplicate lines. Subscribing comes before the first read, so no change between the two is missed. The call
    /// ends (OK) once a state sent is `final`.
    public mutating func watch<Request, Response: Equatable>(
        _ method: RPCMethod<Request, Response>, hub: NotificationHub, channel: String, resync: Duration = .seconds(10),
        validate: (@Sendable (inout Request, inout FieldIssues) -> Void)? = nil,
        key: @escaping @Sendable (Request) -> String,
        final: @escaping @Sendable (Response) -> Bool = { _ in false },
        read: @escaping @Sendable (Request) async throws -> Response
    ) {
        serverStreaming(method, validate: validate) { request, responses, _ in
            let events = hub.subscribe(channel, payload: key(request))
            let (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
            let forward = Task {
                for await _ in events { wake.yield() }
                wake.finish()
            }
            let ticks = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: resync)
                    wake.yield()
                }
            }
            defer {
                forward.cancel()
                ticks.cancel()
            }
            var last: Response?
            var iterator = wakeups.makeAsyncIterator()
            repeat {
                let state = try await read(request)
                if state != last {
                    try await responses.send(state)
                    last = state
                }
                if final(state) { return }
            } while await iterator.next() != nil && !Task.isCancelled
        }
    }
}
