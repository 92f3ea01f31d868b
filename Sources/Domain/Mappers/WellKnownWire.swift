import Codec
import Foundation

/// google.protobuf.Timestamp, Duration, Struct and Value to and from the domain's Date, TimeSpan and JSONValue.
public enum WellKnownWire {
    /// A Timestamp as a Date, kept to microseconds (what PostgreSQL stores).
    public static func date(_ m: MessageView) -> Date {
        Date(timeIntervalSince1970: Double(m.int64(1)) + Double(m.int32(2) / 1000) / 1e6)
    }

    public static func write(_ date: Date, to b: MessageBuilder) {
        let micros = (date.timeIntervalSince1970 * 1e6).rounded()
        let seconds = (micros / 1e6).rounded(.down)
        b.set(1, Int64(seconds))
        b.set(2, Int32((micros - seconds * 1e6) * 1000))
    }

    public static func timeSpan(_ m: MessageView) -> TimeSpan { TimeSpan(seconds: m.int64(1), nanos: m.int32(2)) }

    public static func write(_ span: TimeSpan, to b: MessageBuilder) {
        b.set(1, span.seconds)
        b.set(2, span.nanos)
    }

    /// A Struct as a JSON object, members in key order (a key that occurs again replaces its value, as in any map).
    public static func object(_ m: MessageView) -> JSONValue {
        .object(
            JSONValue.uniqueMembers(m.map(1) { ($0.string(1), $0.message(2).map(value) ?? .null) }).sorted {
                $0.0 < $1.0
            })
    }

    /// A Value as JSON.
    public static func value(_ m: MessageView) -> JSONValue {
        switch m.oneofCase("kind") {
        case 2: return .number(JSONValue.numberText(m.double(2)))
        case 3: return .string(m.string(3))
        case 4: return .bool(m.bool(4))
        case 5: return m.message(5).map(object) ?? .object([])
        case 6: return .array(m.message(6)?.map(1, value) ?? [])
        default: return .null
        }
    }

    /// Writes a JSON object as a Struct (anything else as an empty Struct: callers validate objects first).
    public static func writeObject(_ json: JSONValue, to b: MessageBuilder) {
        let members = json.members
        b.messages(1, count: members.count) { i, entry in
            entry.set(1, members[i].0)
            entry.message(2) { writeValue(members[i].1, to: $0) }
        }
    }

    public static func writeValue(_ json: JSONValue, to b: MessageBuilder) {
        switch json {
        case .null: b.set(1, Int32(0))
        case .number(let text): b.set(2, Double(text) ?? 0)
        case .string(let text): b.set(3, text)
        case .bool(let flag): b.set(4, flag)
        case .object: b.message(5) { writeObject(json, to: $0) }
        case .array(let items):
            b.message(6) { list in list.messages(1, count: items.count) { writeValue(items[$0], to: $1) } }
        }
    }
}

extension MessageView {
    /// A Timestamp field as a Date, nil when absent.
    public func date(_ number: Int32) -> Date? { message(number).map(WellKnownWire.date) }
    /// A Duration field, nil when absent.
    public func timeSpan(_ number: Int32) -> TimeSpan? { message(number).map(WellKnownWire.timeSpan) }
    /// A Struct field as a JSON object, nil when absent.
    public func object(_ number: Int32) -> JSONValue? { message(number).map(WellKnownWire.object) }
    /// A map<string, V> field.
    public func dictionary<V>(_ number: Int32, _ value: (MessageView) -> V) -> [String: V] {
        Dictionary(map(number) { ($0.string(1), value($0)) }, uniquingKeysWith: { _, last in last })
    }
}

extension MessageBuilder {
    public func set(_ number: Int32, date: Date?) {
        if let date { message(number) { WellKnownWire.write(date, to: $0) } }
    }
    public func set(_ number: Int32, timeSpan: TimeSpan?) {
        if let timeSpan { message(number) { WellKnownWire.write(timeSpan, to: $0) } }
    }
    public func set(_ number: Int32, object: JSONValue?) {
        if let object { message(number) { WellKnownWire.writeObject(object, to: $0) } }
    }
    public func set(_ number: Int32, value: JSONValue?) {
        if let value { message(number) { WellKnownWire.writeValue(value, to: $0) } }
    }
    /// Sets a map<string, V> field from a dictionary, in key order (so equal maps encode equally).
    public func set<V>(_ number: Int32, dictionary: [String: V], _ value: (V, MessageBuilder) -> Void) {
        let entries = dictionary.sorted { $0.key < $1.key }
        messages(number, count: entries.count) { i, entry in
            entry.set(1, entries[i].key)
            value(entries[i].value, entry)
        }
    }
    /// Sets a repeated enum field from domain values.
    public func set<E: WireEnum>(_ number: Int32, enums: [E]) { set(number, repeated: enums.map(\.wire)) }
    /// Sets an enum field; nil leaves it unspecified.
    public func set<E: WireEnum>(_ number: Int32, enum value: E?) { if let value { set(number, value.wire) } }
}
