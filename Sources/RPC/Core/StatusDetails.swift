import Codec
import HeraldCore

// gRPC's rich error model for INVALID_ARGUMENT: with the status message goes a `google.rpc.Status` holding a
// `google.rpc.BadRequest`, one field violation per invalid field, so that a client in any language reads the
// paths without parsing the message (grpcio: `grpc_status.rpc_status.from_call`). Written at the server boundary
// for any error that names field violations (`StatusConvertibleError.fieldViolations`), read by Herald's clients
// and heraldctl.

/// How large a status may be on the wire. gRPC core refuses response metadata over 8 KiB by default (its caller
/// then sees RESOURCE_EXHAUSTED from its own library instead of the real error), and nghttp2 cannot send a header
/// block over 64 KiB at all; every status Herald sends stays well under the first, in this one place.
public enum StatusLimits {
    /// `grpc-message`, percent-encoded.
    public static let messageBytes = 1536
    /// The `google.rpc.Status` of `grpc-status-details-bin`, before base64 (which adds a third).
    public static let detailsBytes = 3072
    /// One violation's field path, and its description, in bytes (longer ones are cut, marked with "…").
    public static let violationTextBytes = 300
}

extension RPCError {
    /// A status naming invalid fields (INVALID_ARGUMENT): the message lists them as `field: description; …` and the
    /// details carry them as a `google.rpc.BadRequest`, as many as fit in `StatusLimits`, then one saying how many
    /// more there are (`total` counts the ones a collector stopped keeping too).
    public init(_ code: StatusCode, violations: [FieldViolation], total: Int) {
        let total = max(total, violations.count)
        let violationBudget = StatusLimits.detailsBytes - StatusLimits.messageBytes - 64
        // Room kept for the closing "; and N more" line, in the message and in the details.
        let reserve = 64
        var message = ""
        var messageBytes = 0
        var shown: [FieldViolation] = []
        var violationBytes = 0
        for violation in violations {
            let cut = FieldViolation(
                field: violation.field.truncatedUTF8(StatusLimits.violationTextBytes),
                description: violation.description.truncatedUTF8(StatusLimits.violationTextBytes))
            let line =
                (message.isEmpty ? "" : "; ")
                + (cut.field.isEmpty ? cut.description : cut.field + ": " + cut.description)
            let lineBytes = StatusMessage.encodedCount(line)
            let size = Self.encodedSize(cut)
            let more = shown.count + 1 < total ? reserve : 0
            guard messageBytes + lineBytes + more <= StatusLimits.messageBytes,
                violationBytes + size + more <= violationBudget
            else {
                break
            }
            message += line
            messageBytes += lineBytes
            violationBytes += size
            shown.append(cut)
        }
        if shown.count < total {
            let rest = total - shown.count
            message += (message.isEmpty ? "" : "; ") + "and \(rest) more"
            shown.append(
                FieldViolation(
                    field: "", description: "\(rest) more invalid \(rest == 1 ? "field" : "fields") not listed"))
        }
        self.init(code, message, details: Self.badRequestDetails(code: code, message: message, violations: shown))
    }

    /// A `google.rpc.Status` of `code` and `message` holding a `google.rpc.BadRequest` with `violations`: the
    /// status details (`grpc-status-details-bin`) of an INVALID_ARGUMENT.
    public static func badRequestDetails(code: StatusCode, message: String, violations: [FieldViolation]) -> [UInt8]? {
        guard
            let badRequest = try? StatusTypes.badRequest.encode({ b in
                b.messages(1, count: violations.count) { i, violation in
                    violation.set(1, violations[i].field)
                    violation.set(2, violations[i].description)
                }
            })
        else { return nil }
        return try? StatusTypes.status.encode { s in
            s.set(1, Int32(code.rawValue))
            s.set(2, message)
            s.messages(3, count: 1) { _, any in
                any.set(1, WellKnownTypes.typeURL(GoogleRPCTypes.badRequest))
                any.set(2, bytes: badRequest)
            }
        }
    }

    /// The field violations of the `google.rpc.BadRequest` among the status details (`grpc-status-details-bin`);
    /// empty when the status has none.
    public var fieldViolations: [FieldViolation] {
        guard let details else { return [] }
        let badRequestURL = WellKnownTypes.typeURL(GoogleRPCTypes.badRequest)
        let packed =
            (try? StatusTypes.status.decode(details) {
                $0.map(3) { any in any.string(1) == badRequestURL ? any.bytes(2) : nil }
            }) ?? []
        return packed.compactMap { $0 }.flatMap { bytes in
            (try? StatusTypes.badRequest.decode(bytes) {
                $0.map(1) { FieldViolation(field: $0.string(1), description: $0.string(2)) }
            }) ?? []
        }
    }

    /// The status for a person: the code and message, or the code and one line per field violation.
    public var report: String {
        let violations = fieldViolations
        guard !violations.isEmpty else { return "\(code): \(message)" }
        return "\(code):"
            + violations.map { "\n  \($0.field.isEmpty ? "" : $0.field + ": ")\($0.description)" }.joined()
    }

    /// Bytes of one `FieldViolation` inside a `BadRequest` (tag, length, and its two strings with theirs).
    static func encodedSize(_ violation: FieldViolation) -> Int {
        func string(_ text: String) -> Int { text.isEmpty ? 0 : 1 + varintSize(text.utf8.count) + text.utf8.count }
        let body = string(violation.field) + string(violation.description)
        return 1 + varintSize(body) + body
    }

    static func varintSize(_ value: Int) -> Int {
        var size = 1
        var rest = value >> 7
        while rest > 0 {
            size += 1
            rest >>= 7
        }
        return size
    }
}

/// google.rpc's types, as the server writes and the client reads them.
enum StatusTypes {
    static let registry: SchemaRegistry = {
        do {
            return try SchemaRegistry(
                messages: WellKnownTypes.messages + GoogleRPCSchemas.messages, enums: WellKnownTypes.enums)
        } catch {
            fatalError("google.rpc schemas are inconsistent: \(error)")
        }
    }()
    static let status = registry.message(GoogleRPCTypes.status)!
    static let badRequest = registry.message(GoogleRPCTypes.badRequest)!
}

extension String {
    /// At most `limit` bytes of UTF-8, cut at a character boundary and ending in "…" when cut.
    func truncatedUTF8(_ limit: Int) -> String {
        guard utf8.count > limit else { return self }
        var end = index(startIndex, offsetBy: 0)
        var bytes = 0
        for character in self {
            let size = character.utf8.count
            if bytes + size > limit - 3 { break }
            bytes += size
            end = index(after: end)
        }
        return String(self[..<end]) + "…"
    }
}
