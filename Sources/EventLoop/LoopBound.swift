/// A value that belongs to one event loop, carried through a `@Sendable` closure that runs on that loop.
/// Reading it anywhere else is a programming error (checked).
public struct LoopBound<Value>: @unchecked Sendable {  // unchecked: `value` is only read on `loop`, which owns it
    public let loop: EventLoop
    private let stored: Value

    public init(_ value: Value, on loop: EventLoop) {
        precondition(loop.inEventLoop, "LoopBound must be created on its loop")
        self.loop = loop
        stored = value
    }

    /// The value; only on its loop.
    public var value: Value {
        precondition(loop.inEventLoop, "LoopBound read off its loop")
        return stored
    }
}
