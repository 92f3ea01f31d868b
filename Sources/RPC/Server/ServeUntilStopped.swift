import Dispatch
import Foundation

extension GRPCServer {
    /// Serves until SIGTERM or SIGINT (reloading the TLS certificate on SIGHUP), then drains: health goes NOT_SERVING, GOAWAY to every client, calls in
    /// flight get `grace`, `beforeExit` runs, and the process exits 0. Never returns.
    ///
    /// - Important: call from the main thread of a program whose loops have not started yet, so that every thread
    ///   inherits the unblocked signal mask (a parent, such as a test runner or a supervisor, may have blocked them).
    public static func serveUntilStopped(
        _ server: GRPCServer, health: HealthService?, grace: Duration = .seconds(5), beforeExit: @escaping @Sendable () async -> Void = {}
    ) -> Never {
        if let tls = server.configuration.tls {
            // SIGHUP: the certificate and key are read again; open connections keep theirs.
            signal(SIGHUP, SIG_IGN)
            let reload = DispatchSource.makeSignalSource(signal: SIGHUP)
            reload.setEventHandler {
                do {
                    try tls.reload()
                    FileHandle.standardError.write(Data("TLS certificate reloaded\n".utf8))
                } catch {
                    FileHandle.standardError.write(Data("TLS certificate not reloaded: \(error)\n".utf8))
                }
            }
            reload.resume()
            signalSources.append(reload)
        }
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler {
                health?.shutdown()
                Task {
                    await server.shutdown(grace: grace)
                    await beforeExit()
                    exit(0)
                }
            }
            source.resume()
            signalSources.append(source)
        }
        // The signal handlers' work lands on the main queue: serve it until exit.
        dispatchMain()
    }

    /// Unblocks SIGTERM, SIGINT and SIGHUP for this thread and every thread started after it.
    public static func unblockStopSignals() {
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGTERM)
        sigaddset(&stopSignals, SIGINT)
        sigaddset(&stopSignals, SIGHUP)
        pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
    }
}

/// Kept alive for the life of the process (a released dispatch source stops delivering).
nonisolated(unsafe) private var signalSources: [any DispatchSourceSignal] = []
