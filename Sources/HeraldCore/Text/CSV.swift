/// RFC 4180 fields of one line (quoted fields may hold commas and doubled quotes; not line breaks).
public enum CSV {
    public static func fields(_ line: String) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var chars = line.makeIterator()
        var atStart = true
        while let c = chars.next() {
            if quoted {
                if c == "\"" {
                    if let next = chars.next() {
                        if next == "\"" {
                            field.append("\"")
                        } else {
                            quoted = false
                            if next == "," {
                                fields.append(field)
                                field = ""
                                atStart = true
                                continue
                            }
                            field.append(next)
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" && atStart {
                quoted = true
            } else if c == "," {
                fields.append(field)
                field = ""
                atStart = true
                continue
            } else if c != "\r" {
                field.append(c)
            }
            atStart = false
        }
        fields.append(field)
        return fields
    }

    /// A field quoted when it needs to be.
    public static func quote(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
