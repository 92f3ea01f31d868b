import API
import ArgumentParser
import Codec
import Foundation
import HeraldCore
import RPC
import TypedClients

/// One platform service's API called with proto3 JSON from a heraldctl command (`campaign`, `users`): the endpoint
/// given with `--server`, else 127.0.0.1 at the service's port in the configuration.
struct ServiceCommandClient {
    let client: GRPCClient
    /// The service's full name, `herald.users.v1.UserDirectory`.
    let service: String
    /// The command, for error messages: `heraldctl users: ...`.
    let command: String

    /// `process`: the service's process name (`user-directory`; its configured port is the default).
    init(process: String, command: String, server: Endpoint?, config: String?) {
        service = HeraldAPI.platformServices[process] ?? process
        self.command = command
        if let server {
            client = GRPCClient(host: server.host, port: server.port)
        } else {
            let loaded = try? HeraldConfig.load(path: config)
            let port =
                loaded?.services[process]?.port
                ?? HeraldConfig.knownServices.first { $0.name == process }?.port ?? 0
            client = GRPCClient(host: "127.0.0.1", port: port)
        }
    }

    func close() { client.close() }

    func method(_ name: String) throws -> JSONMethod { try APIMethod.named("\(service)/\(name)", command: command) }

    func call(_ name: String, _ request: JSONValue) async throws -> JSONValue {
        try await method(name).call(client, request, timeout: .seconds(30))
    }

    /// A server-streaming method: each response as JSON.
    func watch(_ name: String, _ request: JSONValue, timeout: Duration?) -> AsyncThrowingStream<JSONValue, any Error> {
        do {
            return try method(name).watch(client, request, timeout: timeout)
        } catch {
            return AsyncThrowingStream { $0.finish(throwing: error) }
        }
    }

    /// Calls `name`, then prints the response with `present` (or as JSON with `json`); a failed call is reported
    /// (status, message, field violations) and ends the command with a failure.
    func run(_ name: String, _ request: JSONValue, json: Bool, present: (JSONValue) -> Void) async throws {
        do {
            let response = try await call(name, request)
            if json { print(response.text(indent: 2)) } else { present(response) }
        } catch let error as RPCError {
            throw failure(error)
        }
    }

    /// Reports a failed call; the error that ends the command.
    func failure(_ error: RPCError) -> ExitCode {
        printError("heraldctl \(command): \(error.report)")
        return ExitCode.failure
    }
}
