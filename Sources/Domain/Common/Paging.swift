import Codec
import Foundation
import HeraldCore

/// A page a List call asks for: its size (default 50, at most 500) and where the previous page ended.
public struct PageRequest: Sendable, Equatable {
    public static let defaultSize = 50
    public static let maxSize = 500

    public let size: Int
    /// Where the previous page ended (a service reads it from `token`).
    public let cursor: PageCursor?
    /// The previous page's `next_page_token`, as the service returned it (a client passes it on unread).
    public let token: String

    public init(size: Int = PageRequest.defaultSize, cursor: PageCursor? = nil) {
        self.size = size
        self.cursor = cursor
        token = cursor?.token ?? ""
    }

    /// The page after the one whose `next_page_token` was `token` (the first page when empty).
    public init(size: Int = PageRequest.defaultSize, token: String) {
        self.size = size
        self.token = token
        cursor = token.isEmpty ? nil : PageCursor(token: token)
    }

    /// Reads a `herald.common.v1.PageRequest` (absent: the first page of the default size).
    public init(wire m: MessageView?, at path: String, _ issues: inout FieldIssues) {
        let requested = Int(m?.int32(1) ?? 0)
        var size = requested == 0 ? Self.defaultSize : requested
        if requested < 0 || requested > Self.maxSize {
            issues.add(path.field("page_size"), "must be between 1 and \(Self.maxSize), got \(requested)")
            size = Self.defaultSize
        }
        let token = m?.string(2) ?? ""
        self.init(size: size, token: token)
        if !token.isEmpty, cursor == nil { issues.add(path.field("page_token"), "not a token this service returned") }
    }
}

extension PageRequest: WireMapped {
    public init(wire m: MessageView, at path: String, _ issues: inout FieldIssues) {
        self.init(wire: Optional(m), at: path, &issues)
    }

    /// Writes a `herald.common.v1.PageRequest`.
    public func write(to b: MessageBuilder) {
        b.set(1, Int32(size))
        b.set(2, token)
    }
}

/// Where a page ended, opaque to clients: a (created_at, id) key for lists newest first, or a version number.
public struct PageCursor: Sendable, Equatable, Codable {
    public var createdAt: Date?
    public var id: UUID?
    public var version: Int64?

    public init(createdAt: Date? = nil, id: UUID? = nil, version: Int64? = nil) {
        self.createdAt = createdAt
        self.id = id
        self.version = version
    }

    /// URL-safe base64 of the cursor's JSON; dates as integral microseconds so the cursor is exact.
    public var token: String {
        var members: [(String, JSONValue)] = []
        if let createdAt {
            members.append(("t", .number(String(Int64((createdAt.timeIntervalSince1970 * 1e6).rounded())))))
        }
        if let id { members.append(("i", .string(id.lowercased))) }
        if let version { members.append(("v", .number(String(version)))) }
        return Data(JSONValue.object(members).text().utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
                of: "=", with: "")
    }

    public init?(token: String) {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64),
            let json = try? JSONValue.parse(String(decoding: data, as: UTF8.self)),
            case .object(let members) = json, !members.isEmpty
        else { return nil }
        for (key, value) in members {
            switch (key, value) {
            case ("t", .number(let micros)):
                guard let m = Int64(micros) else { return nil }
                createdAt = Date(timeIntervalSince1970: Double(m) / 1e6)
            case ("i", .string(let text)):
                guard let u = UUID(canonical: text) else { return nil }
                id = u
            case ("v", .number(let text)):
                guard let v = Int64(text) else { return nil }
                version = v
            default: return nil
            }
        }
    }
}

/// One page of a list and the token of the next one ("" on the last page).
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let nextToken: String

    /// The same page of other items (each item's transform), with the same token.
    public func map<T>(_ transform: (Item) throws -> T) rethrows -> Page<T> {
        Page<T>(items: try items.map(transform), nextToken: nextToken)
    }

    /// A page as a client receives it.
    public init(items: [Item], nextToken: String) {
        self.items = items
        self.nextToken = nextToken
    }

    /// From up to `size + 1` items fetched: the extra one only says that another page exists.
    public init(items fetched: [Item], size: Int, cursor: (Item) -> PageCursor) {
        if fetched.count > size {
            items = Array(fetched.prefix(size))
            nextToken = cursor(items[items.count - 1]).token
        } else {
            items = fetched
            nextToken = ""
        }
    }
}

extension Page {
    /// Writes a List response: the items as repeated field `items`, the `PageResponse` as field `page`.
    public func write(to b: MessageBuilder, items: Int32 = 1, page: Int32 = 2, _ item: (Item, MessageBuilder) -> Void) {
        b.messages(items, count: self.items.count) { item(self.items[$0], $1) }
        b.set(page, nextPageToken: nextToken)
    }
}

extension MessageView {
    /// The `next_page_token` of a `herald.common.v1.PageResponse` field ("" on the last page).
    public func nextPageToken(_ number: Int32) -> String { message(number)?.string(1) ?? "" }
}

extension MessageBuilder {
    /// Sets a `herald.common.v1.PageRequest` field: `size` items (the service's default when 0) after the page
    /// whose `next_page_token` was `token` (the first page when empty).
    public func set(_ number: Int32, pageSize size: Int, token: String) {
        guard size != 0 || !token.isEmpty else { return }
        message(number) {
            $0.set(1, Int32(clamping: size))
            $0.set(2, token)
        }
    }

    /// Sets a `herald.common.v1.PageResponse` field.
    public func set(_ number: Int32, nextPageToken: String) {
        message(number) { $0.set(1, nextPageToken) }
    }
}

extension Page: Equatable where Item: Equatable {}
