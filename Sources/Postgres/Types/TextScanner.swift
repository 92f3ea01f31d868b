import HeraldCore

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
