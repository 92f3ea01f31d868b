import Codec
import HeraldCore
import Synchronization

/// `grpc.health.v1.Health`: Check answers the current status of a service ("" is the whole server), Watch sends it
/// and then every change until the client cancels. Every Herald server registers it.
public final class HealthService: Sendable {
    public enum Status: Int32, Sendable {
        case unknown = 0
        case serving = 1
        case notServing = 2
        case serviceUnknown = 3
    }

    private struct State {
        var statuses: [String: Status]
        var watchers: [Int: (service: String, continuation: AsyncStream<Status>.Continuation)] = [:]
        var nextWatcher = 0
    }

    private let state: Mutex<State>
    private let registry: SchemaRegistry

    /// Starts with `services` (and "") serving.
    public init(services: [String]) {
        var statuses: [String: Status] = ["": .serving]
        for service in services { statuses[service] = .serving }
        state = Mutex(State(statuses: statuses))
        do {
            registry = try SchemaRegistry(messages: HealthSchemas.messages, enums: HealthSchemas.enums)
        } catch {
            fatalError("health schemas: \(error)")
        }
    }

    /// Changes a service's status; watchers are told at once.
    public func setStatus(_ status: Status, for service: String = "") {
        let watchers = state.withLock { state -> [AsyncStream<Status>.Continuation] in
            state.statuses[service] = status
            return state.watchers.values.filter { $0.service == service }.map(\.continuation)
        }
        for watcher in watchers { watcher.yield(status) }
    }

    /// Marks every service NOT_SERVING (graceful shutdown).
    public func shutdown() {
        for service in state.withLock({ Array($0.statuses.keys) }) { setStatus(.notServing, for: service) }
    }

    public func status(of service: String) -> Status? { state.withLock { $0.statuses[service] } }

    private func encode(_ status: Status) throws -> [UInt8] {
        try registry.message("grpc.health.v1.HealthCheckResponse")!.encode { $0.set(1, status.rawValue) }
    }

    private func service(in request: [UInt8]) throws -> String {
        try registry.message("grpc.health.v1.HealthCheckRequest")!.decode(request) { $0.string(1) }
    }

    /// Adds Check and Watch to `services`.
    public func register(in services: inout ServiceRegistry) {
        services.unary("/grpc.health.v1.Health/Check") { [self] request, _ in
            let name = try service(in: request)
            guard let status = status(of: name) else { throw RPCError(.notFound, "unknown service \(name)") }
            return try encode(status)
        }
        services.serverStreaming("/grpc.health.v1.Health/Watch") { [self] request, writer, _ in
            let name = try service(in: request)
            let (updates, continuation) = AsyncStream<Status>.makeStream()
            let id = state.withLock { state -> Int in
                state.nextWatcher += 1
                state.watchers[state.nextWatcher] = (name, continuation)
                return state.nextWatcher
            }
            defer { _ = state.withLock { $0.watchers.removeValue(forKey: id) } }
            await writer.send(try encode(status(of: name) ?? .serviceUnknown))
            for await status in updates {
                try Task.checkCancellation()
                await writer.send(try encode(status))
            }
        }
    }
}
