import API
import Codec
import Foundation
import TestSupport
import Testing

/// Random messages made by Python's protobuf (a real implementation) must decode in Herald to exactly the JSON
/// Python's `json_format` prints, and Herald's encoding of that JSON must parse in Python to the same message.
@Suite("Conformance with Python protobuf")
struct PythonConformanceTests {
    static let script = Fixture.directory + "/conformance.py"

    func python(_ arguments: [String], input: String? = nil) throws -> String {
        guard let interpreter = TestEnvironment.python() else { return "" }
        let result = try runProcess(interpreter, [Self.script] + arguments, input: Array((input ?? "").utf8))
        #expect(result.status == 0, "conformance.py \(arguments) failed: \(result.stderr.suffix(2000))")
        return result.stdoutText
    }

    enum Corpus: String, CaseIterable, CustomStringConvertible {
        /// Tests/CodecTests/Fixtures/codec_test.proto: every field kind.
        case fixture
        /// Every message type of Protos/, against the schemas the services run with.
        case protos
        /// googleapis' google.rpc.Status and BadRequest (error details), with random google.protobuf.Any details.
        case status

        var description: String { rawValue }
        var registry: SchemaRegistry { self == .fixture ? Fixture.registry : HeraldAPI.registry }
        var arguments: [String] {
            switch self {
            case .fixture: []
            case .protos:
                [
                    "--protos",
                    URL(fileURLWithPath: Fixture.directory).appendingPathComponent("../../../Protos").standardized.path,
                ]
            case .status: ["--status"]
            }
        }
    }

    /// A line of `conformance.py generate`: the type, the base64 of the bytes Python encoded, those bytes, and the
    /// JSON Python printed; nil (and an issue) for a line that is none.
    static func sample(_ line: Substring, in registry: SchemaRegistry) throws
        -> (typeName: String, type: MessageType, encoded: String, bytes: [UInt8], json: String)?
    {
        guard case .object(let item) = try JSONValue.parse(String(line)),
            case .string(let typeName)? = item.first(where: { $0.0 == "type" })?.1,
            case .string(let encoded)? = item.first(where: { $0.0 == "bytes" })?.1,
            case .string(let json)? = item.first(where: { $0.0 == "json" })?.1,
            let type = registry.message(typeName), let bytes = Data(base64Encoded: encoded)
        else {
            Issue.record("bad line from conformance.py: \(line.prefix(200))")
            return nil
        }
        return (typeName, type, encoded, Array(bytes), json)
    }

    @Test("2,000 random messages both ways", arguments: Corpus.allCases)
    func bothWays(corpus: Corpus) throws {
        let json = ProtoJSON(registry: corpus.registry)
        let lines = try python(corpus.arguments + ["generate", "2000", "20261129"]).split(separator: "\n")
        #expect(lines.count == 2000)
        var replies: [String] = []
        var mismatches = 0
        for line in lines {
            guard let (typeName, type, encoded, bytes, expectedText) = try Self.sample(line, in: corpus.registry) else {
                continue
            }
            let message = try type.decodeDynamic(bytes)
            let ours = try json.encode(message)
            let expected = try JSONValue.parse(expectedText)
            if ours != expected {
                mismatches += 1
                if mismatches <= 3 {
                    Issue.record("JSON differs for \(typeName):\n ours:   \(ours.text())\n python: \(expectedText)")
                }
            }
            let reencoded = try type.encode(json.decode(expected, as: typeName))
            replies.append(
                JSONValue.object([
                    ("type", .string(typeName)), ("original", .string(encoded)),
                    ("ours", .string(Data(reencoded).base64EncodedString())),
                ]).text())
        }
        #expect(mismatches == 0)
        let verdict = try python(corpus.arguments + ["check"], input: replies.joined(separator: "\n") + "\n")
        #expect(verdict.hasPrefix("ok 2000"), "\(verdict.prefix(2000))")
    }

    @Test(
        "1,000 pairs of random messages, encoded one after the other, decode as protobuf merges them",
        arguments: Corpus.allCases)
    func merged(corpus: Corpus) throws {
        let json = ProtoJSON(registry: corpus.registry)
        let lines = try python(corpus.arguments + ["generate-merged", "1000", "20261130"]).split(separator: "\n")
        #expect(lines.count == 1000)
        var mismatches = 0
        for line in lines {
            guard let (typeName, type, _, bytes, expectedText) = try Self.sample(line, in: corpus.registry) else {
                continue
            }
            let ours = try json.encode(try type.decodeDynamic(bytes))
            if ours != (try JSONValue.parse(expectedText)) {
                mismatches += 1
                if mismatches <= 3 {
                    Issue.record(
                        "merged JSON differs for \(typeName):\n ours:   \(ours.text())\n python: \(expectedText)")
                }
            }
        }
        #expect(mismatches == 0)
    }
}
