import Codec
import Foundation
import HeraldCore

/// A domain value read from one wire message, problems collected at field paths (proto field names) rather than
/// thrown one at a time. A reader that finds a problem records it and fills the field with a placeholder (the
/// nil UUID, the first enum case, the epoch): a value read with issues is never used, `init(wire:at:)` throws.
public protocol WireReadable {
    init(wire m: MessageView, at path: String, _ issues: inout FieldIssues)
}

/// A domain value written as one wire message.
public protocol WireWritable {
    func write(to b: MessageBuilder)
}

public typealias WireMapped = WireReadable & WireWritable

extension WireReadable {
    /// Reads the value, throwing INVALID_ARGUMENT with every problem's field path.
    public init(wire m: MessageView, at path: String) throws {
        var issues = FieldIssues()
        self.init(wire: m, at: path, &issues)
        try issues.throwIfAny()
    }
}

extension FieldIssues {
    /// The UUID of a required id field; the nil UUID, with an issue, when it is empty or malformed.
    public mutating func requiredUUID(_ text: String, at path: String) -> UUID {
        uuid(text, at: path) ?? .placeholder
    }

    /// The UUID of an optional id field: nil when empty, an issue when malformed.
    public mutating func optionalUUID(_ text: String, at path: String) -> UUID? {
        text.isEmpty ? nil : uuid(text, at: path)
    }

    /// The UUIDs of a repeated id field, each problem at its index.
    public mutating func uuids(_ texts: [String], at path: String) -> [UUID] {
        texts.enumerated().map { requiredUUID($1, at: path.index($0)) }
    }
}

extension WireEnum {
    /// Reads a required enum field; the first case, with an issue, when it is unspecified or unknown.
    public static func required(_ wire: Int32, _ path: String, _ issues: inout FieldIssues) -> Self {
        read(wire, path, &issues) ?? allCases[0]
    }

    /// Reads a repeated enum field, each unknown or unspecified value an issue at its index.
    public static func list(_ wires: [Int32], _ path: String, _ issues: inout FieldIssues) -> [Self] {
        wires.enumerated().compactMap { read($1, path.index($0), &issues) }
    }
}

extension MessageView {
    /// A message field read by `T`, nil when absent.
    public func read<T: WireReadable>(_ number: Int32, at path: String, _ issues: inout FieldIssues) -> T? {
        message(number).map { T(wire: $0, at: path, &issues) }
    }

    /// A required message field read by `T`. When it is absent: "required" at `path`, and `T` read from an empty
    /// message as a placeholder (its own issues dropped: the value is never used, see `WireReadable`).
    public func requiredMessage<T: WireReadable>(_ number: Int32, at path: String, _ issues: inout FieldIssues) -> T {
        if let field = message(number) { return T(wire: field, at: path, &issues) }
        issues.add(path, "required")
        var ignored = FieldIssues()
        do {
            return try messageType(of: number).decode([]) { T(wire: $0, at: path, &ignored) }
        } catch {
            preconditionFailure("an empty message always decodes: \(error)")
        }
    }

    /// A repeated message field read by `T`, each element at its index below `path`.
    public func readAll<T: WireReadable>(_ number: Int32, at path: String, _ issues: inout FieldIssues) -> [T] {
        var values: [T] = []
        values.reserveCapacity(count(number))
        for (i, element) in messages(number).enumerated() {
            values.append(T(wire: element, at: path.index(i), &issues))
        }
        return values
    }

    /// A required Timestamp field; the epoch when absent (servers always set the ones read this way).
    public func requiredDate(_ number: Int32) -> Date { date(number) ?? Date(timeIntervalSince1970: 0) }
}

extension MessageBuilder {
    /// Sets a message field from a domain value; nil leaves it absent.
    public func set(_ number: Int32, _ value: (some WireWritable)?) {
        if let value { message(number) { value.write(to: $0) } }
    }

    /// Sets a repeated message field from domain values.
    public func set(_ number: Int32, each values: [some WireWritable]) {
        messages(number, count: values.count) { values[$0].write(to: $1) }
    }

    /// Sets a string id field from a UUID; nil leaves it empty.
    public func set(_ number: Int32, id: UUID?) {
        if let id { set(number, id.lowercased) }
    }

    /// Sets a repeated string id field from UUIDs.
    public func set(_ number: Int32, ids: [UUID]) { set(number, repeated: ids.map(\.lowercased)) }
}

extension UUID {
    /// The nil UUID, standing in for an id that could not be read (see `WireReadable`).
    static let placeholder = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
}
