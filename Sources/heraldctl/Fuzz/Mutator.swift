import HeraldCore

/// Mutations of an encoded protobuf message, the way a hostile or broken client would send it: byte-level damage
/// (bit flips, insertions, deletions, truncation) and structural edits that keep the rest of the message
/// well-formed (a field repeated hundreds of times, a tag changed, a varint or a length made wrong, a payload
/// spliced from another request), nested fields included: enclosing lengths are recomputed after a structural
/// edit, so the damage lands deep inside a request that still parses.
///
/// Deterministic: the same generator state gives the same mutant, so a failure is replayed from its seed.
struct Mutator {
    var random: SeededRandom
    static let maxBytes = 1 << 20

    /// A message as a tree of fields; bytes that do not parse as fields stay raw.
    indirect enum Node {
        case raw([UInt8])
        case field(tag: [UInt8], wireType: Int, value: Value, declaredLength: UInt64?)
    }

    enum Value {
        /// A varint or fixed-size value, as encoded.
        case scalar([UInt8])
        /// A length-delimited value that is not a message (a string, bytes, packed scalars).
        case bytes([UInt8])
        /// A length-delimited value that parses as a message.
        case message([Node])
    }

    /// `input` damaged by one to four mutations, and what each was (for the reproducer).
    mutating func mutate(_ input: [UInt8], donors: [[UInt8]]) -> (bytes: [UInt8], steps: [String]) {
        var bytes = input
        var steps: [String] = []
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let (mutated, step) = mutateOnce(bytes, donors: donors)
            // Past the server's 4 MiB limit a request only tests its size check (MalformedInputTests does): keep
            // mutants under a mebibyte, so the fuzzer spends its time on what a server parses.
            guard mutated.count <= Self.maxBytes else { continue }
            bytes = mutated
            steps.append(step)
        }
        return (bytes, steps)
    }

    private mutating func mutateOnce(_ bytes: [UInt8], donors: [[UInt8]]) -> ([UInt8], String) {
        var tree = Self.parse(bytes[...], depth: 0)
        let paths = Self.fieldPaths(tree)
        // Structural edits most of the time, when there is structure to edit.
        if !paths.isEmpty && Int.random(in: 0..<10, using: &random) < 6 {
            let path = paths[Int.random(in: 0..<paths.count, using: &random)]
            let step = structural(&tree, at: path, donors: donors, size: bytes.count)
            return (Self.serialize(tree), step)
        }
        return byteLevel(bytes)
    }

    // MARK: Byte-level damage

    private mutating func byteLevel(_ input: [UInt8]) -> ([UInt8], String) {
        var bytes = input
        let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<5, using: &random) {
        case 0 where !bytes.isEmpty:
            let bit = Int.random(in: 0..<8, using: &random)
            bytes[position] ^= 1 << bit
            return (bytes, "flip bit \(bit) of byte \(position)")
        case 1 where !bytes.isEmpty:
            let value = [0x00, 0xFF, 0x7F, 0x80, 0x01].randomElement(using: &random)!
            bytes[position] = UInt8(value)
            return (bytes, "set byte \(position) to 0x\(String(value, radix: 16))")
        case 2:
            let inserted = (0..<Int.random(in: 1...8, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }
            bytes.insert(contentsOf: inserted, at: position)
            return (bytes, "insert \(inserted.count) bytes at \(position)")
        case 3 where !bytes.isEmpty:
            let count = min(Int.random(in: 1...8, using: &random), bytes.count - position)
            bytes.removeSubrange(position..<(position + count))
            return (bytes, "delete \(count) bytes at \(position)")
        default:
            bytes.removeSubrange(position...)
            return (bytes, "truncate to \(position) bytes")
        }
    }

    // MARK: Structural edits

    /// One structural edit of the field at `path` of a message of `size` bytes; growth is bounded up front, so that no
    /// mutant past `maxBytes` is ever built (16 workers building 200 MB ones ran the fuzzer out of memory).
    private mutating func structural(_ tree: inout [Node], at path: [Int], donors: [[UInt8]], size: Int) -> String {
        let fieldSize = max(1, Self.node(at: path, in: tree).map { Self.serialize([$0]).count } ?? 1)
        let room = max(0, Self.maxBytes - size)
        let location = "field at \(path.map(String.init).joined(separator: "."))"
        switch Int.random(in: 0..<8, using: &random) {
        case 0:
            // A field repeated: a few times, or hundreds (a packed enum of many bad values, a list at its limit).
            // Now and then a hundred thousand: work that grows with the square of a list shows as a stall.
            let wanted =
                switch Int.random(in: 0..<20, using: &random) {
                case 0: Int.random(in: 20_000...200_000, using: &random)
                case 1...4: Int.random(in: 100...2000, using: &random)
                default: Int.random(in: 1...3, using: &random)
                }
            let copies = max(1, min(wanted, room / fieldSize))
            Self.edit(&tree, path) { nodes, index in
                nodes.insert(contentsOf: repeatElement(nodes[index], count: copies), at: index + 1)
            }
            return "repeat \(location) \(copies) more times"
        case 1:
            Self.edit(&tree, path) { nodes, index in nodes.remove(at: index) }
            return "drop \(location)"
        case 2:
            let (number, wireType) = nextTag()
            Self.edit(&tree, path) { nodes, index in
                if case .field(_, _, let value, let declared) = nodes[index] {
                    nodes[index] = .field(
                        tag: Self.varint(UInt64(number) << 3 | UInt64(wireType)), wireType: wireType, value: value,
                        declaredLength: declared)
                }
            }
            return "change the tag of \(location) to field \(number), wire type \(wireType)"
        case 3:
            let value = interestingVarint()
            Self.edit(&tree, path) { nodes, index in
                nodes[index] = .field(
                    tag: Self.tag(of: nodes[index], wireType: 0), wireType: 0, value: .scalar(value),
                    declaredLength: nil)
            }
            return
                "replace the value of \(location) with varint \(value.map { String($0, radix: 16) }.joined(separator: " "))"
        case 4:
            let delta = [-1, 1, -2, 7, 1 << 20, Int(UInt32.max)].randomElement(using: &random)!
            Self.edit(&tree, path) { nodes, index in
                if case .field(let tag, 2, let value, _) = nodes[index] {
                    let length = UInt64(Self.serializedValue(value).count)
                    nodes[index] = .field(
                        tag: tag, wireType: 2, value: value, declaredLength: UInt64(max(0, Int(length) + delta)))
                }
            }
            return "make the length of \(location) wrong by \(delta)"
        case 5:
            let donor = donors.isEmpty ? [] : donors[Int.random(in: 0..<donors.count, using: &random)]
            let start = donor.isEmpty ? 0 : Int.random(in: 0..<donor.count, using: &random)
            let end = donor.isEmpty ? 0 : Int.random(in: start...donor.count, using: &random)
            Self.edit(&tree, path) { nodes, index in
                nodes[index] = .field(
                    tag: Self.tag(of: nodes[index], wireType: 2), wireType: 2, value: .bytes(Array(donor[start..<end])),
                    declaredLength: nil)
            }
            return "replace the value of \(location) with \(end - start) bytes of another request"
        case 6:
            let times = max(2, min(Int.random(in: 2...200, using: &random), room / fieldSize + 1))
            Self.edit(&tree, path) { nodes, index in
                if case .field(let tag, 2, let value, _) = nodes[index] {
                    let payload = Self.serializedValue(value)
                    nodes[index] = .field(
                        tag: tag, wireType: 2, value: .bytes(Array(repeatElement(payload, count: times).joined())),
                        declaredLength: nil)
                }
            }
            return "repeat the payload of \(location) \(times) times"
        default:
            let text = [
                "", "\u{0}", String(repeating: "A", count: 70_000), "é\u{FFFF}😈", "not-a-uuid", "-1",
                "99999999999999999999",
            ]
            .randomElement(using: &random)!
            Self.edit(&tree, path) { nodes, index in
                nodes[index] = .field(
                    tag: Self.tag(of: nodes[index], wireType: 2), wireType: 2, value: .bytes(Array(text.utf8)),
                    declaredLength: nil)
            }
            return "replace the value of \(location) with a \(text.utf8.count)-byte string"
        }
    }

    private mutating func nextTag() -> (Int, Int) {
        let number =
            Int.random(in: 0..<4, using: &random) == 0
            ? Int.random(in: 1...536_870_911, using: &random) : Int.random(in: 1...40, using: &random)
        return (number, [0, 1, 2, 5, 3].randomElement(using: &random)!)
    }

    private mutating func interestingVarint() -> [UInt8] {
        switch Int.random(in: 0..<6, using: &random) {
        case 0: return [0]
        case 1: return Self.varint(UInt64(bitPattern: -1))
        case 2: return Self.varint(1 << 31)
        case 3: return Self.varint(UInt64(Int32.max) + 1)
        case 4: return [UInt8](repeating: 0xFF, count: 10) + [0x01]  // longer than 64 bits
        default: return Self.varint(UInt64.random(in: 0...UInt64.max, using: &random))
        }
    }

    // MARK: Tree

    /// Parses fields until the bytes stop making sense; the rest stays raw.
    static func parse(_ bytes: ArraySlice<UInt8>, depth: Int) -> [Node] {
        var nodes: [Node] = []
        var position = bytes.startIndex
        while position < bytes.endIndex {
            let start = position
            guard let tag = readVarint(bytes, &position), tag >> 3 > 0 else { break }
            let wireType = Int(tag & 7)
            let tagBytes = Array(bytes[start..<position])
            switch wireType {
            case 0:
                let valueStart = position
                guard readVarint(bytes, &position) != nil else {
                    position = start
                    break
                }
                nodes.append(
                    .field(
                        tag: tagBytes, wireType: 0, value: .scalar(Array(bytes[valueStart..<position])),
                        declaredLength: nil))
                continue
            case 1, 5:
                let size = wireType == 1 ? 8 : 4
                guard bytes.endIndex - position >= size else {
                    position = start
                    break
                }
                nodes.append(
                    .field(
                        tag: tagBytes, wireType: wireType, value: .scalar(Array(bytes[position..<(position + size)])),
                        declaredLength: nil))
                position += size
                continue
            case 2:
                guard let length = readVarint(bytes, &position), length <= UInt64(bytes.endIndex - position) else {
                    position = start
                    break
                }
                let payload = bytes[position..<(position + Int(length))]
                position += Int(length)
                let children = depth < 20 && !payload.isEmpty ? parse(payload, depth: depth + 1) : []
                let isMessage = !children.isEmpty && children.allSatisfy { if case .field = $0 { true } else { false } }
                nodes.append(
                    .field(
                        tag: tagBytes, wireType: 2, value: isMessage ? .message(children) : .bytes(Array(payload)),
                        declaredLength: nil))
                continue
            default:
                position = start
            }
            break
        }
        if position < bytes.endIndex { nodes.append(.raw(Array(bytes[position...]))) }
        return nodes
    }

    static func serialize(_ nodes: [Node]) -> [UInt8] {
        var out: [UInt8] = []
        for node in nodes {
            switch node {
            case .raw(let bytes): out += bytes
            case .field(let tag, let wireType, let value, let declared):
                out += tag
                let payload = serializedValue(value)
                if wireType == 2 || declared != nil { out += varint(declared ?? UInt64(payload.count)) }
                out += payload
            }
        }
        return out
    }

    static func serializedValue(_ value: Value) -> [UInt8] {
        switch value {
        case .scalar(let bytes), .bytes(let bytes): bytes
        case .message(let children): serialize(children)
        }
    }

    /// Every field's path: indexes from the top message down.
    static func fieldPaths(_ nodes: [Node], prefix: [Int] = []) -> [[Int]] {
        var paths: [[Int]] = []
        for (index, node) in nodes.enumerated() {
            guard case .field(_, _, let value, _) = node else { continue }
            paths.append(prefix + [index])
            if case .message(let children) = value { paths += fieldPaths(children, prefix: prefix + [index]) }
        }
        return paths
    }

    /// The field at `path`, or nil.
    static func node(at path: [Int], in nodes: [Node]) -> Node? {
        guard let first = path.first, nodes.indices.contains(first) else { return nil }
        if path.count == 1 { return nodes[first] }
        guard case .field(_, _, .message(let children), _) = nodes[first] else { return nil }
        return node(at: Array(path.dropFirst()), in: children)
    }

    /// Applies `change` to the list holding the field at `path`, with the field's index in it.
    static func edit(_ nodes: inout [Node], _ path: [Int], _ change: (inout [Node], Int) -> Void) {
        guard let first = path.first, nodes.indices.contains(first) else { return }
        if path.count == 1 { return change(&nodes, first) }
        guard case .field(let tag, let wireType, .message(var children), let declared) = nodes[first] else { return }
        edit(&children, Array(path.dropFirst()), change)
        nodes[first] = .field(tag: tag, wireType: wireType, value: .message(children), declaredLength: declared)
    }

    /// The tag of `node`'s field number with `wireType`.
    static func tag(of node: Node, wireType: Int) -> [UInt8] {
        guard case .field(let tag, _, _, _) = node else { return varint(UInt64(1 << 3 | wireType)) }
        var position = 0
        let number = readVarint(tag[...], &position).map { $0 >> 3 } ?? 1
        return varint(number << 3 | UInt64(wireType))
    }

    static func readVarint(_ bytes: ArraySlice<UInt8>, _ position: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.endIndex, shift < 64 {
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }

    static func varint(_ value: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        var rest = value
        while rest >= 0x80 {
            out.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
        return out
    }
}
