import Codec
import HeraldCore
import TestSupport
import Testing

@Suite("Malformed and hostile input")
struct MalformedInputTests {
    func decodeError(_ bytes: [UInt8], limits: CodecLimits = .default, type: MessageType = Fixture.everything)
        -> CodecError?
    {
        do {
            try type.decode(bytes, limits: limits) { _ in }
            return nil
        } catch let error as CodecError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test(
        "each malformation is an error naming the field",
        arguments: [
            ([0x28, 0xFF], "f_int32", "truncated varint"),  // field 5 varint cut short
            ([0x28] + [UInt8](repeating: 0xFF, count: 10) + [0x01], "f_int32", "varint longer"),
            ([0x4A, 0x05, 0x61], "f_string", "runs past the end"),  // field 9 length 5, 1 byte
            ([0x4A, 0x02, 0xC3, 0x28], "f_string", "not valid UTF-8"),
            ([0x4A, 0x03, 0xED, 0xA0, 0x80], "f_string", "not valid UTF-8"),  // surrogate
            ([0x4A, 0x02, 0xC0, 0x80], "f_string", "not valid UTF-8"),  // overlong NUL
            ([0x4A, 0x01, 0x00], "f_string", "NUL"),
            ([0x29, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08], "f_int32", "wire type 1"),  // fixed64 for int32
            ([0x8A, 0x01, 0x03, 0x0A, 0x01, 0xFF], "inner.label", "not valid UTF-8"),  // inner { label: bad }
            ([0xB2, 0x01, 0x00, 0xB2, 0x01, 0x03, 0x0A, 0x01, 0x80], "r_inner[1].label", "not valid UTF-8"),
            ([0xBA, 0x01, 0x03, 0x01, 0x02, 0x03], "r_double[0]", "not a multiple of 8"),  // packed doubles, bad length
            ([0xBB, 0x3E], "", "groups"),  // start-group wire type on unknown field 999
            ([0x0B], "f_double", "wire type 3"),  // start-group wire type on a known field
            ([0x00, 0x01], "", "invalid field number 0"),
        ] as [([UInt8], String, String)])
    func malformed(bytes: [UInt8], path: String, message: String) {
        let error = decodeError(bytes)
        #expect(error?.path == path, "\(String(describing: error))")
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test("a 1 GiB length prefix is refused without allocating")
    func hugeLength() {
        let error = decodeError([0x4A, 0x80, 0x80, 0x80, 0x80, 0x04, 0x61])
        #expect(error?.message.contains("runs past the end") == true)
    }

    @Test("nesting past the depth limit is refused, at any depth up to it accepted")
    func depthBomb() {
        func nested(_ depth: Int) -> [UInt8] {
            var bytes: [UInt8] = [0x12, 0x01, 0x78]  // name: "x"
            for _ in 0..<depth {
                var prefix: [UInt8] = [0x0A]
                var length = bytes.count
                while length >= 0x80 {
                    prefix.append(UInt8(length & 0x7F) | 0x80)
                    length >>= 7
                }
                prefix.append(UInt8(length))
                bytes = prefix + bytes
            }
            return bytes
        }
        var limits = CodecLimits()
        limits.maxDepth = 100
        #expect(decodeError(nested(99), limits: limits, type: Fixture.node) == nil)
        let error = decodeError(nested(100_000), limits: limits, type: Fixture.node)
        #expect(error?.message.contains("nested deeper than 100") == true)
    }

    @Test(
        "repeats of a message field at every level of a deep message: merged while the copies stay small, refused beyond"
    )
    func repeatsAtEveryLevel() throws {
        /// A chain of `depth` nodes whose `child` occurs twice at every level (the second time empty), the last
        /// node named `name`.
        func chain(_ depth: Int, name: [UInt8]) -> [UInt8] {
            var bytes: [UInt8] = [0x12] + varint(name.count) + name
            for _ in 0..<depth { bytes = [0x0A] + varint(bytes.count) + bytes + [0x0A, 0x00] }
            return bytes
        }
        func varint(_ value: Int) -> [UInt8] {
            var value = value
            var out: [UInt8] = []
            while value >= 0x80 {
                out.append(UInt8(value & 0x7F) | 0x80)
                value >>= 7
            }
            return out + [UInt8(value)]
        }
        let small = chain(5, name: Array("leaf".utf8))
        let leaf = try Fixture.node.decode(small) { m -> String in
            var node = m
            for _ in 0..<5 { node = try #require(node.message(1)) }
            return node.string(2)
        }
        #expect(leaf == "leaf")
        // Sixty levels above a 1 MiB name: rebuilding every level would copy it sixty times.
        let hostile = chain(60, name: [UInt8](repeating: 0x61, count: 1 << 20))
        let error = decodeError(hostile, type: Fixture.node)
        #expect(
            error?.message.hasPrefix("merging the repeated occurrences of message fields would copy more than") == true,
            "\(String(describing: error))")
    }

    @Test("message size and repeated count limits")
    func limits() {
        var limits = CodecLimits()
        limits.maxMessageBytes = 10
        #expect(
            decodeError(
                [UInt8](repeating: 0x08, count: 11).enumerated().map { $0.offset % 2 == 0 ? 0x28 : 0x01 },
                limits: limits)?
                .message.contains("exceeds the limit") == true)
        limits = CodecLimits()
        limits.maxRepeated = 3
        let packed: [UInt8] = [0xA2, 0x01, 0x04, 0x01, 0x02, 0x03, 0x04]  // r_int32 packed, 4 elements
        #expect(decodeError(packed, limits: limits)?.path == "r_int32[3]")  // the first element past the limit
    }

    @Test(
        "input whose decoded form would take far more memory than its size (empty submessages, unknown fields) is refused"
    )
    func decodedSizeBomb() {
        func repeated(_ element: [UInt8], _ count: Int) -> [UInt8] {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(element.count * count)
            for _ in 0..<count { bytes.append(contentsOf: element) }
            return bytes
        }
        var limits = CodecLimits()
        limits.maxDecodedBytes = 1 << 20
        // Empty r_inner elements (field 22, length 0): each three bytes of input would become a C structure and a pointer.
        let error = decodeError(repeated([0xB2, 0x01, 0x00], 100_000), limits: limits)
        #expect(
            error?.message == "decoding would take more than 1048576 bytes of memory", "\(String(describing: error))")
        // protobuf-c keeps unknown fields too (field 2000, varint 1): each costs a record as well as its bytes.
        #expect(
            decodeError(repeated([0x80, 0x7D, 0x01], 100_000), limits: limits)?.message.contains("bytes of memory")
                == true)
        // Under the default bound (64 MiB) such input of a reasonable size decodes.
        #expect(decodeError(repeated([0xB2, 0x01, 0x00], 20_000)) == nil)
        #expect(decodeError(repeated([0x80, 0x7D, 0x01], 20_000)) == nil)
    }

    @Test("Timestamps and Durations outside protobuf's ranges are refused at their path; the extremes are accepted")
    func timeRanges() throws {
        let wellknown = try #require(Fixture.registry.message("herald.test.v1.Wellknown"))
        func encoded(_ field: Int32, seconds: Int64, nanos: Int32) throws -> [UInt8] {
            try wellknown.encode {
                $0.message(field) {
                    $0.set(1, seconds)
                    $0.set(2, nanos)
                }
            }
        }
        for (seconds, nanos) in [
            (Int64.max, Int32(0)), (253_402_300_800, 0), (-62_135_596_801, 0), (0, -1), (0, 1_000_000_000),
        ] {
            let error = decodeError(try encoded(1, seconds: seconds, nanos: nanos), type: wellknown)
            #expect(
                error?.path == "at" && error?.message.contains("out of range") == true,
                "\(seconds) \(nanos): \(String(describing: error))")
        }
        for (seconds, nanos) in [
            (Int64(315_576_000_001), Int32(0)), (-315_576_000_001, 0), (1, -1), (-1, 1), (0, 1_000_000_000),
        ] {
            let error = decodeError(try encoded(2, seconds: seconds, nanos: nanos), type: wellknown)
            #expect(
                error?.path == "took" && error?.message.contains("out of range") == true,
                "\(seconds) \(nanos): \(String(describing: error))")
        }
        #expect(decodeError(try encoded(1, seconds: 253_402_300_799, nanos: 999_999_999), type: wellknown) == nil)
        #expect(decodeError(try encoded(1, seconds: -62_135_596_800, nanos: 0), type: wellknown) == nil)
        #expect(decodeError(try encoded(2, seconds: -315_576_000_000, nanos: -999_999_999), type: wellknown) == nil)
    }

    @Test("a Value holding NaN or infinity is refused at its path, in a Struct or a list; finite extremes are accepted")
    func valueNumbers() throws {
        let wellknown = try #require(Fixture.registry.message("herald.test.v1.Wellknown"))
        func structHolding(_ number: Double) throws -> [UInt8] {
            try wellknown.encode { b in
                b.message(3) { s in
                    s.messages(1, count: 1) { _, entry in
                        entry.set(1, "weights")
                        entry.message(2) { v in
                            v.message(6) { list in list.messages(1, count: 1) { $1.set(2, number) } }
                        }
                    }
                }
            }
        }
        for number in [Double.nan, .infinity, -.infinity] {
            let error = decodeError(try structHolding(number), type: wellknown)
            #expect(error?.message.contains("cannot hold") == true, "\(number): \(String(describing: error))")
            #expect(error?.path.hasPrefix("metadata") == true, "\(number): \(String(describing: error))")
            let single = decodeError(try wellknown.encode { $0.message(4) { $0.set(2, number) } }, type: wellknown)
            #expect(single?.path == "anything", "\(number): \(String(describing: single))")
        }
        for number: Double in [.greatestFiniteMagnitude, -Double.greatestFiniteMagnitude, 0, -0.0] {
            #expect(decodeError(try structHolding(number), type: wellknown) == nil)
        }
    }

    @Test("unknown fields are skipped; packed and unpacked repeated fields are both accepted; unknown enum values kept")
    func tolerance() throws {
        let bytes: [UInt8] = [
            0xF8, 0x3E, 0x05,  // unknown field 999 varint
            0xA0, 0x01, 0x07, 0xA0, 0x01, 0x08,  // r_int32 unpacked: 7, 8
            0xA2, 0x01, 0x02, 0x09, 0x0A,  // r_int32 packed: 9, 10
            0x80, 0x01, 0x63,  // color = 99 (unknown)
            0xBA, 0x3E, 0x02, 0x68, 0x69,  // unknown field 999 length-delimited
        ]
        try Fixture.everything.decode(bytes) { m in
            #expect(m.int32s(20) == [7, 8, 9, 10])
            #expect(m.enumValue(16) == 99)
        }
    }

    @Test("an encoded string with a NUL character is an error naming the field")
    func encodeNul() throws {
        #expect(
            throws: CodecError(
                path: "r_inner[1].label", "string contains a NUL character, which Herald does not accept")
        ) {
            try Fixture.everything.encode { m in
                m.messages(22, count: 2) { index, inner in inner.set(1, index == 1 ? "a\u{0}b" : "fine") }
            }
        }
        // Past the first eight bytes (the copy checks a word at a time), among non-ASCII text.
        #expect(
            throws: CodecError(
                path: "r_inner[0].label", "string contains a NUL character, which Herald does not accept")
        ) {
            try Fixture.everything.encode { m in
                m.messages(22, count: 1) { _, inner in inner.set(1, "déjà vu, déjà\u{0} vu, encore et encore") }
            }
        }
        // Every length up to 24 (whole words, then four, two and one byte) and every position of the NUL.
        for length in 1...24 {
            let plain = String((0..<length).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
            let bytes = try Fixture.everything.encode { m in
                m.messages(22, count: 1) { _, inner in inner.set(1, plain) }
            }
            #expect(try Fixture.everything.decode(bytes) { $0.messages(22).first?.string(1) } == plain)
            for position in 0..<length {
                var scalars = Array(plain.unicodeScalars)
                scalars[position] = "\u{0}"
                let withNul = String(String.UnicodeScalarView(scalars))
                #expect(throws: CodecError.self, "NUL at \(position) of \(length)") {
                    try Fixture.everything.encode { m in m.messages(22, count: 1) { _, inner in inner.set(1, withNul) }
                    }
                }
            }
        }
        let text = "déjà vu ☺ — long enough for several words, and no NUL in it"
        let bytes = try Fixture.everything.encode { m in m.messages(22, count: 1) { _, inner in inner.set(1, text) } }
        #expect(try Fixture.everything.decode(bytes) { $0.messages(22).first?.string(1) } == text)
    }

    @Test("100,000 mutated inputs never crash the decoder")
    func fuzz() throws {
        let seed = try Protoc.encode("herald.test.v1.Everything", text: ProtocInteropTests.text)
        var generator = SeededRandom(seed: 0x4845_5241_4C44)
        var accepted = 0
        for round in 0..<100_000 {
            var bytes = seed
            for _ in 0..<(1 + Int(generator.next() % 4)) {
                let position = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 4 {
                case 0: bytes[position] = UInt8(truncatingIfNeeded: generator.next())
                case 1: bytes.remove(at: position)
                case 2: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: position)
                default: bytes = Array(bytes[..<position])
                }
                if bytes.isEmpty { bytes = [UInt8(truncatingIfNeeded: round)] }
            }
            if (try? Fixture.everything.decode(bytes, { m in m.count(22) + m.string(9).utf8.count })) != nil {
                accepted += 1
            }
        }
        // Most mutations still decode (protobuf is forgiving); some must have been refused.
        #expect(accepted > 1000 && accepted < 100_000)
    }
}
