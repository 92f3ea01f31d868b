import Foundation
import Logging
import Testing

@testable import HeraldCore

@Suite("Structured logs")
struct LoggingTests {
    @Test(
        "LOG_LEVEL names map to swift-log levels",
        arguments: [
            ("trace", Logger.Level.trace), ("DEBUG", .debug), ("info", .info), ("warn", .warning),
            ("warning", .warning),
            ("error", .error), ("critical", .critical),
        ])
    func levels(name: String, level: Logger.Level) {
        #expect(HeraldLogging.level(named: name) == level)
    }

    @Test("strings are escaped so every log line is one valid JSON object")
    func escaping() throws {
        let nasty = "quote \" backslash \\ newline \n tab \t bell \u{7} emoji 😈"
        let quoted = JSONText.quote(nasty)
        let decoded = try JSONDecoder().decode(String.self, from: Data(quoted.utf8))
        #expect(decoded == nasty)
        #expect(!quoted.contains("\n"))
        let nested = JSONText.value(.dictionary(["b": .array([.string("x"), .stringConvertible(42)]), "a": "1"]))
        #expect(nested == #"{"a":"1","b":["x","42"]}"#)
    }
}
