import EventLoop
import Foundation

/// Reports on stderr any stall of the shared event loops while the tests run: a blocking call on a loop makes
/// unrelated tests on that loop time out, and the line says which loop stopped and for how long.
public enum LoopStalls {
    private static let watchdog = LoopWatchdog(loops: EventLoopGroup.shared.loops) { loop, stalled, resumed in
        let what = resumed ? "turned again after a stall of" : "has not turned for"
        FileHandle.standardError.write(Data("warning: event loop \(loop.name) \(what) \(stalled)\n".utf8))
    }

    /// Starts watching (once per process).
    public static func watch() { _ = watchdog }
}
