import Foundation
import Testing

@testable import Postgres

/// `PostgresJSON(encoding:)` writes its own JSON; it must say what Foundation's JSONEncoder says (with Herald's
/// date strategy), value for value, and read back through JSONDecoder to the same thing.
@Suite("JSON text encoder")
struct JSONTextEncoderTests {
    enum Shape: Codable, Equatable {
        case circle(radius: Double)
        case labelled(String, Int)
        case none
    }

    struct Leaf: Codable, Equatable {
        var name: String
        var when: Date?
        var weights: [Double]
        var flags: [String: Bool]
    }

    struct Tree: Codable, Equatable {
        var id: UUID
        var title: String
        var count: Int
        var big: Int64
        var small: UInt8
        var ratio: Double
        var single: Float
        var on: Bool
        var missing: String?
        var present: String?
        var blob: Data
        var link: URL
        var amount: Decimal
        var shapes: [Shape]
        var leaves: [Leaf]
        var byNumber: [Int: String]
        var nested: [[String]]
        var empty: [String: Int]
        var scalars: Scalars
    }

    /// Every scalar type in arrays and as single values (each has its own container method; a missing one recursed).
    struct Scalars: Codable, Equatable {
        var int8: [Int8] = [-8], int16: [Int16] = [16], int32: [Int32] = [-32], int64: [Int64] = [.min],
            int: [Int] = [1]
        var uint8: [UInt8] = [8], uint16: [UInt16] = [16], uint32: [UInt32] = [32], uint64: [UInt64] = [.max],
            uint: [UInt] = [2]
        var float: [Float] = [0.5, 3], double: [Double] = [0.25], bool: [Bool] = [true], string: [String] = ["s"]
        var wrapped: [Wrapped] = [Wrapped(value: 7)], optionals: [Int32?] = [nil, 3]
    }

    struct Wrapped: Codable, Equatable {
        var value: Int32
        init(value: Int32) { self.value = value }
        init(from decoder: any Decoder) throws { value = try decoder.singleValueContainer().decode(Int32.self) }
        func encode(to encoder: any Encoder) throws {
            var single = encoder.singleValueContainer()
            try single.encode(value)
        }
    }

    static func sample(_ random: inout SystemRandomNumberGenerator) -> Tree {
        let texts = [
            "", "plain", "quote \" backslash \\ slash /", "tab\tnew\nline\r", "\u{01}\u{1F} control", "ünïcødé ✓ 🎉",
            "\u{2028}",
        ]
        func text() -> String { texts.randomElement(using: &random)! }
        return Tree(
            id: UUID(), title: text(), count: Int.random(in: -1_000_000...1_000_000, using: &random),
            big: Int64.max - 1, small: 255,
            ratio: [0, 1, -2.5, 0.1, 1e-7, 123456.789, 3e20].randomElement(using: &random)!, single: 0.1,
            on: Bool.random(using: &random),
            missing: nil, present: text(), blob: Data((0..<Int.random(in: 0...20, using: &random)).map { UInt8($0) }),
            link: URL(string: "https://example.com/a?b=c")!, amount: Decimal(string: "12345.6789")!,
            shapes: [.circle(radius: 2), .labelled(text(), 7), .none],
            leaves: (0..<Int.random(in: 0...3, using: &random)).map { _ in
                Leaf(
                    name: text(),
                    when: Bool.random(using: &random) ? Date(timeIntervalSince1970: 1_700_000_000.123456) : nil,
                    weights: [1, 2.5], flags: ["a": true, text(): false])
            },
            byNumber: [1: "one", -2: text()], nested: [[], [text(), text()]], empty: [:], scalars: Scalars())
    }

    static func foundation(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var single = encoder.singleValueContainer()
            try single.encode(date.postgresText)
        }
        return try encoder.encode(value)
    }

    @Test(
        "200 random values: the same JSON as JSONEncoder's (compared as parsed values), and JSONDecoder reads them back"
    )
    func matchesJSONEncoder() throws {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let value = Self.sample(&random)
            let ours = try PostgresJSON(encoding: value)
            let theirs = try Self.foundation(value)
            let parsedOurs =
                try JSONSerialization.jsonObject(with: Data(ours.text.utf8), options: [.fragmentsAllowed]) as! NSObject
            let parsedTheirs = try JSONSerialization.jsonObject(with: theirs, options: [.fragmentsAllowed]) as! NSObject
            #expect(parsedOurs.isEqual(parsedTheirs), "\(ours.text)\nvs\n\(String(decoding: theirs, as: UTF8.self))")
            #expect(try ours.decode(Tree.self) == value)
        }
    }

    @Test("top-level scalars and arrays, and a non-finite number is an error as in JSONEncoder")
    func scalarsAndErrors() throws {
        #expect(try PostgresJSON(encoding: "x").text == #""x""#)
        #expect(try PostgresJSON(encoding: 42).text == "42")
        #expect(try PostgresJSON(encoding: [1.5, 2]).text == "[1.5,2]")
        #expect(try PostgresJSON(encoding: [[Int]]()).text == "[]")
        #expect(try PostgresJSON(encoding: Optional<Int>.none).text == "null")
        #expect(try PostgresJSON(encoding: Int32(-5)).text == "-5")
        #expect(try PostgresJSON(encoding: [UInt16(1), 2]).text == "[1,2]")
        #expect(try PostgresJSON(encoding: Float(0.5)).text == "0.5")
        #expect(throws: EncodingError.self) { try PostgresJSON(encoding: ["x": Double.nan]) }
    }
}
