/// Protobuf's rule for a singular message field that occurs more than once in an encoding: the occurrences merge,
/// as if their payloads were one (set fields of the later win, repeated fields append). This is how a message is
/// built from stored parts (`WireConcatenation`), and any peer may send it. protobuf-c merges such occurrences
/// itself, but loses proto3 scalars in doing so: a later occurrence's absent field, zero in C, overwrites the
/// earlier's value (its merge tests a presence flag these fields do not have). So before protobuf-c sees input
/// the validator found repeats in, the occurrences of each singular message field are joined into one, whose
/// payload is their concatenation, normalised the same way at every level. Input without repeats skips this, and
/// a part of the input without repeats below it is copied as it is.
///
/// Joining copies what it rebuilds, once per level of nesting above a repeat; hostile input repeating fields at
/// every level of a deep message could make that many times its size, so the copies are bounded
/// (`budgetFactor` times the input) and input beyond is refused with a `CodecError`.
enum WireMerge {
    /// What the copies may add up to, as a multiple of the input's size (at least 64 KiB).
    static let budgetFactor = 4

    /// `bytes`, a validated message of type `table`, with every singular message field occurring at most once.
    static func normalize(_ bytes: UnsafeRawBufferPointer, table: UnsafePointer<TypeTable>) throws -> [UInt8] {
        var budget = max(bytes.count * budgetFactor, 1 << 16)
        let limit = budget
        do {
            return try rebuild(bytes, table: table, budget: &budget) ?? Array(bytes)
        } catch is OverBudget {
            throw CodecError(
                path: "", "merging the repeated occurrences of message fields would copy more than \(limit) bytes")
        }
    }

    private struct OverBudget: Error {}

    /// A message field as it occurs in the encoding (other fields are copied as the gaps between these).
    private struct Occurrence {
        /// Where the field (tag, length, payload) starts, its payload starts, and it ends.
        let start: Int32, payload: Int32, end: Int32
        let index: Int32
        let number: UInt32
        var payloadRange: Range<Int> { Int(payload)..<Int(end) }
        /// What a record costs, with its entry in a field's list: counted against the budget.
        static let cost = 32
    }

    /// `bytes` rebuilt with singular message fields joined, or nil when nothing in it needs that.
    private static func rebuild(_ bytes: UnsafeRawBufferPointer, table: UnsafePointer<TypeTable>, budget: inout Int)
        throws -> [UInt8]?
    {
        let layouts = table.pointee.type.fields
        var occurrences: [Occurrence] = []
        /// Occurrences of each singular message field still in force, by field index.
        var singular: [Int: [Int]] = [:]
        var dropped = false
        var position = 0
        while position < bytes.count {
            let start = position
            let tag = varint(bytes, &position)
            let number = tag >> 3
            let index = number <= UInt64(Int32.max) ? table.pointee.index(of: Int32(number)) : nil
            if let index, let group = layouts[index].oneofIndex {
                // A member of a oneof replaces what another member held before it (a scalar member kept is
                // replaced by protobuf-c too, the last one set winning).
                for (other, _) in singular where other != index && layouts[other].oneofIndex == group {
                    singular[other] = nil
                    dropped = true
                }
            }
            switch tag & 7 {
            case 0: _ = varint(bytes, &position)
            case 1: position += 8
            case 5: position += 4
            default:
                let length = Int(varint(bytes, &position))
                if let index, table.pointee.fields[index].kind == .message {
                    try spend(Occurrence.cost, &budget)
                    if !table.pointee.fields[index].isRepeated {
                        singular[index, default: []].append(occurrences.count)
                    }
                    occurrences.append(
                        Occurrence(
                            start: Int32(start), payload: Int32(position), end: Int32(position + length),
                            index: Int32(index), number: UInt32(number)))
                }
                position += length
            }
        }

        // The new payload of each message field's occurrence that changes, and the occurrences left out: the
        // earlier ones of a joined field, and oneof members another replaced.
        var rebuilt: [Int: [UInt8]] = [:]
        var omitted = Set<Int>()
        if dropped {
            let inForce = Set(singular.values.joined())
            for (i, occurrence) in occurrences.enumerated()
            where !table.pointee.fields[Int(occurrence.index)].isRepeated && !inForce.contains(i) {
                omitted.insert(i)
            }
        }
        for (i, occurrence) in occurrences.enumerated() where !omitted.contains(i) {
            let index = Int(occurrence.index)
            let child = table.pointee.child(index)
            if let joined = singular[index], joined.count > 1 {
                // Emitted once, where the last occurrence was, holding every occurrence's payload.
                guard i == joined.last! else {
                    omitted.insert(i)
                    continue
                }
                var concatenated: [UInt8] = []
                for part in joined { concatenated += bytes[occurrences[part].payloadRange] }
                try spend(concatenated.count, &budget)
                rebuilt[i] =
                    try concatenated.withUnsafeBytes { try rebuild($0, table: child, budget: &budget) } ?? concatenated
            } else if let inner = try rebuild(
                UnsafeRawBufferPointer(rebasing: bytes[occurrence.payloadRange]), table: child, budget: &budget)
            {
                rebuilt[i] = inner
            }
        }
        if rebuilt.isEmpty && omitted.isEmpty { return nil }

        try spend(bytes.count + 16 * rebuilt.count, &budget)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16 * rebuilt.count)
        var copied = 0
        for (i, occurrence) in occurrences.enumerated() {
            out += bytes[copied..<Int(occurrence.start)]  // the fields between message fields, as they are
            copied = Int(occurrence.end)
            if omitted.contains(i) { continue }
            if let payload = rebuilt[i] {
                WireConcatenation.append(field: UInt64(occurrence.number), payload: payload, to: &out)
            } else {
                out += bytes[Int(occurrence.start)..<Int(occurrence.end)]
            }
        }
        out += bytes[copied..<bytes.count]
        return out
    }

    private static func spend(_ count: Int, _ budget: inout Int) throws {
        budget -= count
        if budget < 0 { throw OverBudget() }
    }

    /// A varint of input the validator has accepted.
    private static func varint(_ bytes: UnsafeRawBufferPointer, _ position: inout Int) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }
}
