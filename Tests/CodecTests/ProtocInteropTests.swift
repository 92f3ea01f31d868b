import Codec
import Foundation
import Testing

@Suite("Codec against protoc")
struct ProtocInteropTests {
    static let text = """
        f_double: -1.5e300 f_float: 3.25 f_int64: -9223372036854775808 f_uint64: 18446744073709551615
        f_int32: -2147483648 f_fixed64: 18446744073709551615 f_fixed32: 4294967295 f_bool: true
        f_string: "héllo ☺ 😈" f_bytes: "\\000\\001\\377" f_uint32: 4294967295 f_sfixed32: -7 f_sfixed64: -8
        f_sint32: -2147483648 f_sint64: -9223372036854775808 color: COLOR_GREEN
        inner { label: "in" weight: 42 }
        r_int32: [1, -1, 300] r_string: ["a", "", "ç"] r_inner { label: "x" } r_inner { weight: 7 }
        r_double: [0.5, -0.0] r_bool: [true, false, true] r_bytes: ["\\x01", ""] r_color: [COLOR_RED, COLOR_GREEN]
        r_sint64: [-1, 1]
        counts { key: "k1" value: 10 } counts { key: "k2" value: -20 }
        maybe: 0 maybe_text: ""
        choice_inner { label: "picked" }
        big_number_field: 99
        """

    @Test("bytes protoc encodes decode to every value")
    func decodeProtocOutput() throws {
        let bytes = try Protoc.encode("herald.test.v1.Everything", text: Self.text)
        try Fixture.everything.decode(bytes) { m in
            #expect(m.double(1) == -1.5e300)
            #expect(m.float(2) == 3.25)
            #expect(m.int64(3) == Int64.min)
            #expect(m.uint64(4) == UInt64.max)
            #expect(m.int32(5) == Int32.min)
            #expect(m.uint64(6) == UInt64.max)
            #expect(m.uint32(7) == UInt32.max)
            #expect(m.bool(8))
            #expect(m.string(9) == "héllo ☺ 😈")
            #expect(m.bytes(10) == [0, 1, 255])
            #expect(m.uint32(11) == UInt32.max)
            #expect(m.int32(12) == -7)
            #expect(m.int64(13) == -8)
            #expect(m.int32(14) == Int32.min)
            #expect(m.int64(15) == Int64.min)
            #expect(m.enumValue(16) == 2)
            #expect(m.message(17)?.string(1) == "in")
            #expect(m.message(17)?.int64(2) == 42)
            #expect(m.int32s(20) == [1, -1, 300])
            #expect(m.strings(21) == ["a", "", "ç"])
            #expect(m.messages(22).map { $0.string(1) } == ["x", ""])
            #expect(m.messages(22).map { $0.int64(2) } == [0, 7])
            #expect(m.doubles(23) == [0.5, -0.0])
            #expect(m.bools(24) == [true, false, true])
            #expect(m.bytesList(25) == [[1], []])
            #expect(m.enumValues(26) == [1, 2])
            #expect(m.int64s(27) == [-1, 1])
            #expect(m.messages(30).map { "\($0.string(1))=\($0.int64(2))" } == ["k1=10", "k2=-20"])
            #expect(m.has(31) && m.int32(31) == 0)
            #expect(m.has(32) && m.string(32) == "")
            #expect(m.oneofCase("choice") == 41)
            #expect(m.message(41)?.string(1) == "picked")
            #expect(!m.has(40) && m.string(40) == "")
            #expect(m.int32(1000) == 99)
        }
    }

    @Test("bytes Herald encodes are read by protoc as the same message")
    func encodeForProtoc() throws {
        let expected = try Protoc.decode(
            "herald.test.v1.Everything", Protoc.encode("herald.test.v1.Everything", text: Self.text))
        let ours = try Fixture.everything.encode { m in
            m.set(1, -1.5e300)
            m.set(2, Float(3.25))
            m.set(3, Int64.min)
            m.set(4, UInt64.max)
            m.set(5, Int32.min)
            m.set(6, UInt64.max)
            m.set(7, UInt32.max)
            m.set(8, true)
            m.set(9, "héllo ☺ 😈")
            m.set(10, bytes: [0, 1, 255])
            m.set(11, UInt32.max)
            m.set(12, Int32(-7))
            m.set(13, Int64(-8))
            m.set(14, Int32.min)
            m.set(15, Int64.min)
            m.set(16, Int32(2))
            m.message(17) { inner in
                inner.set(1, "in")
                inner.set(2, Int64(42))
            }
            m.set(20, repeated: [Int32(1), -1, 300])
            m.set(21, repeated: ["a", "", "ç"])
            m.messages(22, count: 2) { index, inner in
                if index == 0 { inner.set(1, "x") } else { inner.set(2, Int64(7)) }
            }
            m.set(23, repeated: [0.5, -0.0])
            m.set(24, repeated: [true, false, true])
            m.set(25, repeatedBytes: [[1], []])
            m.set(26, repeated: [Int32(1), 2])
            m.set(27, repeated: [Int64(-1), 1])
            let counts: [(String, Int64)] = [("k1", 10), ("k2", -20)]
            m.messages(30, count: counts.count) { index, entry in
                entry.set(1, counts[index].0)
                entry.set(2, counts[index].1)
            }
            m.set(31, Int32(0))
            m.set(32, "")
            m.message(41) { $0.set(1, "picked") }
            m.set(1000, Int32(99))
        }
        #expect(try Protoc.decode("herald.test.v1.Everything", ours) == expected)
    }

    @Test("a message field set twice is one message, written by both (as protobuf's mutable accessors)")
    func messageSetTwice() throws {
        let bytes = try Fixture.everything.encode { b in
            b.message(17) { $0.set(1, "label") }
            b.message(17) { $0.set(2, Int64(7)) }
            b.message(41) { $0.set(1, "first") }
            b.message(41) { $0.set(2, Int64(9)) }
        }
        let text = try Protoc.decode("herald.test.v1.Everything", bytes)
        #expect(text.contains("inner {\n  label: \"label\"\n  weight: 7\n}"), "\(text)")
        #expect(text.contains("choice_inner {\n  label: \"first\"\n  weight: 9\n}"), "\(text)")
        // A oneof member set after another replaces it.
        let replaced = try Fixture.everything.encode { b in
            b.message(41) { $0.set(1, "gone") }
            b.set(40, "text wins")
        }
        #expect(
            try Fixture.everything.decode(replaced) { ($0.oneofCase("choice"), $0.string(40)) } == (40, "text wins"))
    }

    @Test("an empty message is zero bytes both ways, and unset fields read as zero")
    func empty() throws {
        #expect(try Fixture.everything.encode { _ in } == [])
        try Fixture.everything.decode([]) { m in
            #expect(m.int64(3) == 0)
            #expect(m.string(9) == "")
            #expect(m.message(17) == nil)
            #expect(m.count(21) == 0)
            #expect(!m.has(31))
            #expect(m.oneofCase("choice") == nil)
        }
    }
}
