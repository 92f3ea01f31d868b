import API
import Codec
import Testing

@Suite("proto3 JSON mapping")
struct ProtoJSONTests {
    let json = ProtoJSON(registry: Fixture.registry)

    @Test("canonical JSON of every field kind, and back to the same message")
    func roundTrip() throws {
        let bytes = try Protoc.encode("herald.test.v1.Everything", text: ProtocInteropTests.text)
        let message = try Fixture.everything.decodeDynamic(bytes)
        let text = try json.encode(message).text()
        #expect(text.contains(#""fInt64":"-9223372036854775808""#))
        #expect(text.contains(#""fUint64":"18446744073709551615""#))
        #expect(text.contains(#""fInt32":-2147483648"#))
        #expect(text.contains(#""fBytes":"AAH/""#))
        #expect(text.contains(#""color":"COLOR_GREEN""#))
        #expect(text.contains(#""counts":{"k1":"10","k2":"-20"}"#))
        #expect(text.contains(#""maybe":0"#))
        #expect(text.contains(#""choiceInner":{"label":"picked"}"#))
        #expect(!text.contains("choiceText"))
        let back = try json.decode(text: text, as: "herald.test.v1.Everything")
        #expect(back == message)
        #expect(try Fixture.everything.encode(back).count == bytes.count)
    }

    @Test(
        "well-known types take their special JSON forms",
        arguments: [
            (#"{"at":"1972-01-01T10:00:20.021Z"}"#, #"{"at":"1972-01-01T10:00:20.021Z"}"#),
            (#"{"at":"2024-02-29T23:59:59.000000001+01:00"}"#, #"{"at":"2024-02-29T22:59:59.000000001Z"}"#),
            (#"{"took":"-1.5s"}"#, #"{"took":"-1.500s"}"#),
            (#"{"took":"3s"}"#, #"{"took":"3s"}"#),
            (
                #"{"metadata":{"a":1,"b":[true,null,"x"],"c":{"d":"e"}}}"#,
                #"{"metadata":{"a":1,"b":[true,null,"x"],"c":{"d":"e"}}}"#
            ),
            (#"{"anything":null}"#, #"{"anything":null}"#),
            (#"{"count":"12345678901234"}"#, #"{"count":"12345678901234"}"#),
            (#"{"nothing":{}}"#, #"{"nothing":{}}"#),
            (#"{"items":[1.5,"two"]}"#, #"{"items":[1.5,"two"]}"#),
        ])
    func wellKnown(input: String, canonical: String) throws {
        let message = try json.decode(text: input, as: "herald.test.v1.Wellknown")
        let bytes = try Fixture.registry.message("herald.test.v1.Wellknown")!.encode(message)
        let decoded = try Fixture.registry.message("herald.test.v1.Wellknown")!.decodeDynamic(bytes)
        #expect(try json.encode(decoded) == JSONValue.parse(canonical))
    }

    @Test(
        "google.protobuf.Any: \"@type\" and the packed message's fields, a well-known type's JSON under \"value\"",
        arguments: [
            #"{"code":3,"details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"a.b","description":"required"}]}]}"#,
            #"{"details":[{"@type":"type.googleapis.com/google.protobuf.Timestamp","value":"2026-11-29T10:00:00Z"}]}"#,
            #"{"details":[{"@type":"type.googleapis.com/google.protobuf.Struct","value":{"k":[1.5,"x",null]}},{"@type":"type.googleapis.com/google.protobuf.Empty"}]}"#,
            #"{"details":[{"@type":"type.googleapis.com/google.rpc.Status","details":[{"@type":"type.googleapis.com/google.protobuf.StringValue","value":"inner"}]}]}"#,
            #"{"details":[{}]}"#,
        ])
    func any(canonical: String) throws {
        let json = ProtoJSON(registry: HeraldAPI.registry)
        let status = try #require(HeraldAPI.registry.message("google.rpc.Status"))
        let bytes = try status.encode(try json.decode(text: canonical, as: "google.rpc.Status"))
        #expect(try json.encode(try status.decodeDynamic(bytes)).text() == canonical)
    }

    @Test(
        "an Any of a type the registry does not know, or without @type, is an error naming the field",
        arguments: [
            (
                #"{"details":[{"@type":"type.googleapis.com/x.Unknown"}]}"#,
                #"details[0].@type: "type.googleapis.com/x.Unknown" is a message type this registry does not know"#
            ),
            (#"{"details":[{"field":"a"}]}"#, "details[0].@type: required: a string naming the packed message type"),
            (
                #"{"details":[{"@type":"type.googleapis.com/google.protobuf.Timestamp","seconds":1}]}"#,
                #"details[0]: an Any holding google.protobuf.Timestamp has "@type" and "value" only"#
            ),
        ])
    func badAny(input: String, error: String) throws {
        let json = ProtoJSON(registry: HeraldAPI.registry)
        #expect(throws: CodecError.self) { try json.decode(text: input, as: "google.rpc.Status") }
        do { _ = try json.decode(text: input, as: "google.rpc.Status") } catch let codecError as CodecError {
            #expect(codecError.description == error)
        }
    }

    @Test(
        "bad JSON is an error naming the field",
        arguments: [
            (#"{"fInt32": 2147483648}"#, "f_int32", "not an integer in the range"),
            (#"{"nope": 1}"#, "nope", "unknown field"),
            (#"{"inner": {"label": 5}}"#, "inner.label", "expected a string"),
            (#"{"color": "COLOR_PURPLE"}"#, "color", "not a value of"),
            (#"{"rInt32": [1, "x"]}"#, "r_int32[1]", "not an integer"),
            (#"{"choiceText": "a", "choiceNumber": "1"}"#, "choice_number", "only one of oneof choice"),
            (#"{"fBytes": "***"}"#, "f_bytes", "base64"),
            (#"{"fBool": "true"}"#, "f_bool", "true or false"),
            (#"{"fInt32": 1, "fInt32": 2}"#, "", "duplicate member"),
        ])
    func errors(input: String, path: String, message: String) {
        do {
            _ = try json.decode(text: input, as: "herald.test.v1.Everything")
            Issue.record("accepted \(input)")
        } catch let error as CodecError {
            #expect(error.path == path, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("timestamps outside 0001..9999 and malformed durations are refused")
    func ranges() {
        #expect(throws: CodecError.self) {
            try json.decode(text: #"{"at":"10000-01-01T00:00:00Z"}"#, as: "herald.test.v1.Wellknown")
        }
        #expect(throws: CodecError.self) { try json.decode(text: #"{"took":"1.5"}"#, as: "herald.test.v1.Wellknown") }
        #expect(throws: CodecError.self) {
            try json.decode(text: #"{"at":"2024-13-01T00:00:00Z"}"#, as: "herald.test.v1.Wellknown")
        }
    }
}
