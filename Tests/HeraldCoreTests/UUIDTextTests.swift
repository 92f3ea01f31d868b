import Foundation
import HeraldCore
import Testing

@Suite("UUID text by hand")
struct UUIDTextTests {
    @Test("lowercased and UUID(canonical:) agree with Foundation for 10,000 random ids, either case")
    func agreesWithFoundation() {
        for _ in 0..<10_000 {
            let id = UUID()
            #expect(id.lowercased == id.uuidString.lowercased())
            #expect(UUID(canonical: id.uuidString) == id)
            #expect(UUID(canonical: id.lowercased) == id)
        }
    }

    @Test(
        "anything but 8-4-4-4-12 hex digits is refused",
        arguments: [
            "", "3f0e7a2c-1111-4222-8333-94445555666", "3f0e7a2c-1111-4222-8333-9444555566667",
            "3f0e7a2c11114222833394445555666612",
            "3f0e7a2c-1111-4222-8333_944455556666", "3g0e7a2c-1111-4222-8333-944455556666",
            "{3f0e7a2c-1111-4222-8333-94445555666}",
            "3f0e7a2c-1111-4222-8333-94445555666é",
        ])
    func refusesMalformed(_ text: String) {
        #expect(UUID(canonical: text) == nil)
        #expect(UUID(uuidString: text) == nil, "Foundation refuses it too")
    }
}
