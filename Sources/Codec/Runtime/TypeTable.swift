import CProtobufC

/// The hot-path form of a message type: field layouts, the number-to-index map and the tables of child message
/// types, in memory allocated once and never freed (types live as long as the process). Encoding, decoding and
/// field access go through it, so they touch no reference count and no exclusivity check.
@usableFromInline
struct TypeTable {
    let fields: UnsafeMutablePointer<FieldInfo>
    let fieldCount: Int
    /// Field index by number for numbers below 256 (-1: no such field).
    let dense: UnsafeMutablePointer<Int16>
    /// The tables of message fields' types, by field index (nil for other fields), set once the registry has
    /// resolved every type.
    let children: UnsafeMutablePointer<UnsafePointer<TypeTable>?>
    /// A counter slot per repeated field, by field index (-1 for other fields), so that validating a message
    /// counts the elements of its repeated fields only.
    let repeatedSlots: UnsafeMutablePointer<Int16>
    let repeatedCount: Int
    /// `sizeof` of the C structure.
    let size: Int
    /// google.protobuf.Timestamp, Duration or Value, whose values the validator checks against their ranges.
    let ranged: RangedKind
    let descriptor: UnsafePointer<ProtobufCMessageDescriptor>
    /// The type this table belongs to (unowned: the registry keeps every type alive).
    let owner: Unmanaged<MessageType>

    var type: MessageType { owner.takeUnretainedValue() }

    /// The index of field `number`, or nil.
    @inline(__always)
    func index(of number: Int32) -> Int? {
        if number >= 0 && number < 256 {
            let index = dense[Int(number)]
            return index < 0 ? nil : Int(index)
        }
        return type.sparseIndex[number]
    }

    /// The layout of field `number` and its index; a number the schema lacks is a programming error.
    @inline(__always)
    func field(_ number: Int32) -> (FieldInfo, Int) {
        guard let index = index(of: number) else { preconditionFailure("\(type.fullName) has no field \(number)") }
        return (fields[index], index)
    }

    /// The table of the message field at `index`.
    @inline(__always)
    func child(_ index: Int) -> UnsafePointer<TypeTable> { children[index]! }
}

/// The well-known types whose values have a range of their own: Timestamp's and Duration's documented ranges,
/// and Value's number, which must be finite because a Value is JSON (the proto3 JSON mapping has no NaN or
/// infinity for it, and every service stores Struct fields as JSON).
enum RangedKind: UInt8 {
    case none, timestamp, duration, value

    init(_ fullName: String) {
        switch fullName {
        case "google.protobuf.Timestamp": self = .timestamp
        case "google.protobuf.Duration": self = .duration
        case "google.protobuf.Value": self = .value
        default: self = .none
        }
    }
}

/// One step of the path from the outermost message to the field being encoded or validated, kept on the stack
/// and chained to its parent, so that nothing is built unless an error has to name the field.
struct PathFrame {
    let parent: UnsafePointer<PathFrame>?
    let table: UnsafePointer<TypeTable>
    let field: Int
    /// Element of a repeated field, or -1.
    var element: Int

    /// `workflow.nodes[3].config` for the chain ending at `frame`, plus a last step if given.
    static func describe(
        _ frame: UnsafePointer<PathFrame>?,
        then last: (table: UnsafePointer<TypeTable>, field: Int, element: Int)? = nil
    ) -> String {
        var steps: [String] = []
        func name(_ table: UnsafePointer<TypeTable>, _ field: Int, _ element: Int) -> String {
            let name = table.pointee.type.fields[field].schema.name
            return element >= 0 ? "\(name)[\(element)]" : name
        }
        if let last { steps.append(name(last.table, last.field, last.element)) }
        var current = frame
        while let step = current {
            steps.append(name(step.pointee.table, step.pointee.field, step.pointee.element))
            current = step.pointee.parent
        }
        return steps.reversed().joined(separator: ".")
    }
}
