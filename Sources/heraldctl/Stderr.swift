import Foundation

/// Writes raw bytes to file descriptor 2.
func fwriteStderr(_ pointer: UnsafePointer<UInt8>, _ count: Int) -> Int {
    Foundation.write(2, pointer, count)
}
