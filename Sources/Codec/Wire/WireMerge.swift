/// Protobuf's rule for a singular message field that occurs more than once in an encoding: the occurrences merge,
/// as if their payloads were one (set fields of the later win, repeated fields append). This is how a message is
/// built from stored parts (`WireConcatenation`), and any peer may send it. protobuf-c merges such occurrences
/// itself, but loses proto3 scalars in doing so: a later occurrence's absent field, zero in C, overwrites the
/// earlier's value (its merge tests a presence flag these fields do not have). So before protobuf-c sees input
/// the validator found repeats in, the occurrences of each singular message field are joined into one, whose
/// payload is their concatenation, normalised the same way at every level. Input without repeats skips this.
enum WireMerge {
    /// `bytes`, a validated message of type `table`, with every singular message field occurring at most once.
    static func normalize(_ bytes: UnsafeRawBufferPointer, table: UnsafePointer<TypeTable>) -> [UInt8] {
        let layouts = table.pointee.type.fields
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        /// Payloads of singular message fields by field index, in the order they first occurred.
        var joined: [(index: Int, number: UInt64, payload: [UInt8])] = []
        var position = 0
        while position < bytes.count {
            let start = position
            let tag = varint(bytes, &position)
            let number = tag >> 3
            let wireType = Int(tag & 7)
            let index = number <= UInt64(Int32.max) ? table.pointee.index(of: Int32(number)) : nil
            if let index, let group = layouts[index].oneofIndex {
                // A member of a oneof replaces what another member held before it (a scalar member left in `out`
                // is replaced by protobuf-c too, the last one set winning).
                joined.removeAll { layouts[$0.index].oneofIndex == group && $0.index != index }
            }
            switch wireType {
            case 0: _ = varint(bytes, &position)
            case 1: position += 8
            case 5: position += 4
            default:
                let length = Int(varint(bytes, &position))
                let payload = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + length)])
                position += length
                if let index, table.pointee.fields[index].kind == .message {
                    if table.pointee.fields[index].isRepeated {
                        WireConcatenation.append(field: number, payload: normalize(payload, table: table.pointee.child(index)), to: &out)
                    } else if let at = joined.firstIndex(where: { $0.index == index }) {
                        joined[at].payload += payload
                    } else {
                        joined.append((index, number, Array(payload)))
                    }
                    continue
                }
            }
            out += bytes[start..<position]
        }
        for field in joined {
            let payload = field.payload.withUnsafeBytes { normalize($0, table: table.pointee.child(field.index)) }
            WireConcatenation.append(field: field.number, payload: payload, to: &out)
        }
        return out
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
