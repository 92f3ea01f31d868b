import API
import ArgumentParser
import Codec
import Foundation

/// `heraldctl proto`: the message types Herald knows, and conversion between binary protobuf and JSON.
struct Proto: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List message types, and convert messages between binary protobuf and canonical JSON.",
        subcommands: [List.self, Decode.self, Encode.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every message type known to Herald.")
        func run() {
            for name in HeraldAPI.registry.messageNames { print(name) }
        }
    }

    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Binary protobuf on stdin, canonical proto3 JSON on stdout.")
        @Argument(help: "Full message type name, e.g. herald.bench.v1.EchoRequest.") var type: String
        @Flag(name: .long, help: "Indent the JSON.") var pretty = false

        func run() throws {
            let messageType = try lookUp(type)
            let input = Array(FileHandle.standardInput.readDataToEndOfFile())
            do {
                let json = try ProtoJSON(registry: HeraldAPI.registry).encode(messageType.decodeDynamic(input))
                print(json.text(indent: pretty ? 2 : nil))
            } catch {
                printError("heraldctl proto decode \(type): \(error)")
                throw ExitCode.failure
            }
        }
    }

    struct Encode: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Proto3 JSON on stdin, binary protobuf on stdout.")
        @Argument(help: "Full message type name.") var type: String

        func run() throws {
            let messageType = try lookUp(type)
            let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            do {
                let message = try ProtoJSON(registry: HeraldAPI.registry).decode(text: input, as: type)
                FileHandle.standardOutput.write(Data(try messageType.encode(message)))
            } catch {
                printError("heraldctl proto encode \(type): \(error)")
                throw ExitCode.failure
            }
        }
    }
}

private func lookUp(_ name: String) throws -> MessageType {
    guard let type = HeraldAPI.registry.message(name) else {
        printError("unknown message type \(name); `heraldctl proto list` prints the known ones")
        throw ExitCode.failure
    }
    return type
}
