import API
import ArgumentParser
import Codec
import Foundation
import RPC
import TypedClients

/// `host:port` as the commands that call a server take it.
struct Endpoint: ExpressibleByArgument {
    let host: String
    let port: Int

    init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":"), let port = Int(argument[argument.index(after: colon)...]),
            (1...65535).contains(port)
        else { return nil }
        host = String(argument[..<colon])
        self.port = port
    }
}

/// `heraldctl health HOST:PORT [SERVICE]`: asks grpc.health.v1.Health/Check.
struct Health: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask a server's grpc.health.v1 service; exits 0 only when SERVING.")

    @Argument(help: "The server, HOST:PORT.") var endpoint: Endpoint
    @Argument(help: "A full service name; empty for the whole server.") var service = ""
    @Option(help: "Seconds to wait.") var timeout = 5.0

    func run() async throws {
        do {
            let status = try await checkHealth(
                host: endpoint.host, port: endpoint.port, service: service, timeout: timeout)
            print(status)
            if status != "SERVING" { throw ExitCode.failure }
        } catch let error as RPCError {
            printError("heraldctl health: \(error)")
            throw ExitCode.failure
        }
    }
}

/// A method named `pkg.Service/Method` on the command line, with JSON in and out (`JSONMethod`); an unknown name
/// is a usage error naming the command.
enum APIMethod {
    static func named(_ name: String, command: String) throws -> JSONMethod {
        do {
            return try JSONMethod(name)
        } catch let error as JSONMethod.UnknownMethod {
            printError("heraldctl \(command): \(error)")
            throw ExitCode.failure
        }
    }
}

/// grpc.health.v1.Health/Check: the serving status's name (SERVING, NOT_SERVING, ...), or the call's error.
func checkHealth(host: String, port: Int, service: String = "", timeout: Double = 5) async throws -> String {
    let client = GRPCClient(host: host, port: port)
    defer { client.close() }
    let registry = HeraldAPI.registry
    let request = try registry.message("grpc.health.v1.HealthCheckRequest")!.encode { $0.set(1, service) }
    let response = try await client.unary(
        "/grpc.health.v1.Health/Check", request, timeout: .milliseconds(Int(timeout * 1000)))
    let status = try registry.message("grpc.health.v1.HealthCheckResponse")!.decode(response.message) {
        $0.enumValue(1)
    }
    return registry.enumeration("grpc.health.v1.HealthCheckResponse.ServingStatus")!.schema.name(of: status)
        ?? "\(status)"
}

/// `heraldctl call HOST:PORT pkg.Service/Method --data JSON`: one unary call with JSON in and out.
struct Call: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Call a unary method with a JSON request; prints the JSON response, or the status and exits non-zero.",
        discussion:
            "Message types come from the server's reflection service, or from Herald's own Protos/ when it has none.")

    @Argument(help: "The server, HOST:PORT.") var endpoint: Endpoint
    @Argument(help: "pkg.Service/Method") var method: String
    @Option(help: "The request as proto3 JSON.") var data = "{}"
    @Option(help: "Seconds to wait.") var timeout = 10.0

    func run() async throws {
        let client = GRPCClient(host: endpoint.host, port: endpoint.port)
        defer { client.close() }
        do {
            let wait = Duration.milliseconds(Int(timeout * 1000))
            let target =
                try await JSONMethod.reflected(method, using: client, timeout: wait)
                ?? APIMethod.named(method, command: "call")
            let request = try target.request(json: data)
            let response = try await client.unary(target.path, request, timeout: wait)
            print(try target.json.encode(target.output.decodeDynamic(response.message)).text(indent: 2))
        } catch let error as CodecError {
            printError("heraldctl call: bad request JSON: \(error)")
            throw ExitCode.failure
        } catch let error as RPCError {
            printError("heraldctl call: \(error.report)")
            throw ExitCode.failure
        }
    }
}
