import HeraldCore
import Testing

@Suite("Status codes")
struct StatusCodeTests {
    @Test("codes carry gRPC's numbers and names; unknown numbers survive")
    func names() {
        #expect(StatusCode.alreadyExists.rawValue == 6)
        #expect(StatusCode.unauthenticated.description == "UNAUTHENTICATED")
        #expect(StatusCode(rawValue: 42).description == "CODE_42")
    }
}
