/// Proleptic Gregorian day arithmetic (Howard Hinnant's civil-from-days), so timestamps convert without
/// Foundation's Calendar on the hot path.
enum Civil {
    /// Days since 1970-01-01 for a year, month (1-12) and day (1-31).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Year, month and day for days since 1970-01-01.
    static func date(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

/// A small cursor over ASCII text for the date, time and interval parsers.
struct TextScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    var atEnd: Bool { index >= bytes.count }
    var peek: UInt8? { atEnd ? nil : bytes[index] }

    mutating func take(_ c: Character) -> Bool {
        if peek == c.asciiValue {
            index += 1
            return true
        }
        return false
    }

    /// Reads one or more digits.
    mutating func number() -> Int? {
        var value = 0
        let start = index
        while let c = peek, c >= 48, c <= 57, index - start < 18 {
            value = value * 10 + Int(c - 48)
            index += 1
        }
        return index > start ? value : nil
    }

    /// Reads digits after a decimal point as microseconds (up to 6 digits kept, the rest must be digits too).
    mutating func fractionMicros() -> Int {
        var value = 0
        var digits = 0
        while let c = peek, c >= 48, c <= 57 {
            if digits < 6 {
                value = value * 10 + Int(c - 48)
                digits += 1
            }
            index += 1
        }
        while digits < 6 {
            value *= 10
            digits += 1
        }
        return value
    }
}
