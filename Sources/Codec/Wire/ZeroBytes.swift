/// Several bytes at a time: nonzero exactly when some byte of `word` is 0 (the high bit of each zero byte is set,
/// and possibly of a 0x01 byte above one). Strings headed for protobuf-c's C strings must not hold a NUL.
@inline(__always)
func zeroBytes<Word: FixedWidthInteger & UnsignedInteger>(_ word: Word) -> Word {
    let ones = Word.max / 0xFF  // 0x0101…01
    return (word &- ones) & ~word & (ones << 7)  // & 0x8080…80
}
