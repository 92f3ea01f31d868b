/// A gRPC service: its full name and methods, with the message types they exchange.
public struct ServiceSchema: Hashable, Sendable {
    public struct Method: Hashable, Sendable {
        public let name: String
        public let input: String
        public let output: String
        public let clientStreaming: Bool
        public let serverStreaming: Bool

        public init(
            _ name: String, _ input: String, _ output: String, clientStreaming: Bool = false,
            serverStreaming: Bool = false
        ) {
            self.name = name
            self.input = input
            self.output = output
            self.clientStreaming = clientStreaming
            self.serverStreaming = serverStreaming
        }
    }

    /// The full name, e.g. `herald.campaigns.v1.CampaignManager`.
    public let fullName: String
    public let methods: [Method]

    public init(_ fullName: String, _ methods: [Method]) {
        self.fullName = fullName
        self.methods = methods
    }

    /// The `:path` of a method: `/pkg.Service/Method`.
    public func path(_ method: Method) -> String { "/\(fullName)/\(method.name)" }
}
