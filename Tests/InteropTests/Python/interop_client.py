"""gRPC's interop test cases (doc/interop-test-descriptions.md) run by Python grpcio against a server.

  interop_client.py --protos DIR --server_port PORT --test_case NAME[,NAME...]

Prints "PASS name" or "FAIL name: reason" per case; exits non-zero if any failed.
"""
import argparse
import os
import sys
import time

import grpc

import interop_stubs

parser = argparse.ArgumentParser()
parser.add_argument("--protos", required=True)
parser.add_argument("--server_host", default="127.0.0.1")
parser.add_argument("--server_port", type=int, required=True)
parser.add_argument("--test_case", required=True)
parser.add_argument("--server_pid", type=int, default=0)
parser.add_argument("--unix_socket", default="")
args = parser.parse_args()

interop_stubs.generate(args.protos)
from interop_pb import empty_pb2, messages_pb2, test_pb2_grpc  # noqa: E402

channel = grpc.insecure_channel(f"{args.server_host}:{args.server_port}")
stub = test_pb2_grpc.TestServiceStub(channel)


class Pipe:
    """A request iterator the test feeds by hand; it stays open until closed."""

    def __init__(self):
        import queue
        self.queue = queue.Queue()

    def add(self, item):
        self.queue.put(item)

    def close(self):
        self.queue.put(None)

    def __iter__(self):
        return self

    def __next__(self):
        item = self.queue.get()
        if item is None:
            raise StopIteration
        return item


def payload(size):
    return messages_pb2.Payload(body=b"\0" * size)


def empty_unary():
    assert stub.EmptyCall(empty_pb2.Empty(), timeout=10) == empty_pb2.Empty()


def large_unary():
    response = stub.UnaryCall(messages_pb2.SimpleRequest(response_size=314159, payload=payload(271828)), timeout=10)
    assert len(response.payload.body) == 314159, len(response.payload.body)


def client_streaming():
    sizes = [27182, 8, 1828, 45904]
    response = stub.StreamingInputCall(iter(messages_pb2.StreamingInputCallRequest(payload=payload(s)) for s in sizes), timeout=10)
    assert response.aggregated_payload_size == 74922, response.aggregated_payload_size


def server_streaming():
    sizes = [31415, 9, 2653, 58979]
    request = messages_pb2.StreamingOutputCallRequest(response_parameters=[messages_pb2.ResponseParameters(size=s) for s in sizes])
    got = [len(r.payload.body) for r in stub.StreamingOutputCall(request, timeout=10)]
    assert got == sizes, got


def ping_pong():
    pipe = Pipe()
    call = stub.FullDuplexCall(pipe, timeout=10)
    for response_size, request_size in [(31415, 27182), (9, 8), (2653, 1828), (58979, 45904)]:
        pipe.add(messages_pb2.StreamingOutputCallRequest(
            response_parameters=[messages_pb2.ResponseParameters(size=response_size)], payload=payload(request_size)))
        response = next(call)
        assert len(response.payload.body) == response_size
    pipe.close()
    assert list(call) == []


def empty_stream():
    assert list(stub.FullDuplexCall(iter([]), timeout=10)) == []


def custom_metadata():
    metadata = (("x-grpc-test-echo-initial", "test_initial_metadata_value"), ("x-grpc-test-echo-trailing-bin", b"\xab\xab\xab"))
    response, call = stub.UnaryCall.with_call(
        messages_pb2.SimpleRequest(response_size=314159, payload=payload(271828)), metadata=metadata, timeout=10)
    initial = dict(call.initial_metadata())
    trailing = dict(call.trailing_metadata())
    assert initial.get("x-grpc-test-echo-initial") == "test_initial_metadata_value", initial
    assert trailing.get("x-grpc-test-echo-trailing-bin") == b"\xab\xab\xab", trailing
    call = stub.FullDuplexCall(iter([messages_pb2.StreamingOutputCallRequest(
        response_parameters=[messages_pb2.ResponseParameters(size=314159)], payload=payload(271828))]), metadata=metadata, timeout=10)
    list(call)
    assert dict(call.initial_metadata()).get("x-grpc-test-echo-initial") == "test_initial_metadata_value"
    assert dict(call.trailing_metadata()).get("x-grpc-test-echo-trailing-bin") == b"\xab\xab\xab"


def expect_status(code, message, function):
    try:
        function()
    except grpc.RpcError as error:
        assert error.code() == code, (error.code(), error.details())
        if message is not None:
            assert error.details() == message, repr(error.details())
        return
    raise AssertionError("call succeeded")


def status_code_and_message():
    status = messages_pb2.EchoStatus(code=2, message="test status message")
    expect_status(grpc.StatusCode.UNKNOWN, "test status message",
                  lambda: stub.UnaryCall(messages_pb2.SimpleRequest(response_status=status), timeout=10))
    expect_status(grpc.StatusCode.UNKNOWN, "test status message",
                  lambda: list(stub.FullDuplexCall(iter([messages_pb2.StreamingOutputCallRequest(response_status=status)]), timeout=10)))


def special_status_message():
    text = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n"
    status = messages_pb2.EchoStatus(code=2, message=text)
    expect_status(grpc.StatusCode.UNKNOWN, text, lambda: stub.UnaryCall(messages_pb2.SimpleRequest(response_status=status), timeout=10))


def unimplemented_method():
    expect_status(grpc.StatusCode.UNIMPLEMENTED, None, lambda: stub.UnimplementedCall(empty_pb2.Empty(), timeout=10))


def unimplemented_service():
    other = test_pb2_grpc.UnimplementedServiceStub(channel)
    expect_status(grpc.StatusCode.UNIMPLEMENTED, None, lambda: other.UnimplementedCall(empty_pb2.Empty(), timeout=10))


def cancel_after_begin():
    pipe = Pipe()
    future = stub.StreamingInputCall.future(pipe, timeout=10)
    future.cancel()
    assert future.cancelled()
    assert future.code() == grpc.StatusCode.CANCELLED, future.code()
    pipe.close()


def cancel_after_first_response():
    pipe = Pipe()
    call = stub.FullDuplexCall(pipe, timeout=10)
    pipe.add(messages_pb2.StreamingOutputCallRequest(
        response_parameters=[messages_pb2.ResponseParameters(size=31415)], payload=payload(27182)))
    next(call)
    call.cancel()
    pipe.close()
    assert call.code() == grpc.StatusCode.CANCELLED, call.code()


def timeout_on_sleeping_server():
    pipe = Pipe()
    call = stub.FullDuplexCall(pipe, timeout=0.001)
    pipe.add(messages_pb2.StreamingOutputCallRequest(payload=payload(27182)))
    try:
        next(call)
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.DEADLINE_EXCEEDED, error.code()
        return
    finally:
        pipe.close()
    raise AssertionError("expected the call to exceed its 1 ms deadline")


def client_compressed_unary():
    bool_value = messages_pb2.BoolValue
    probe = messages_pb2.SimpleRequest(expect_compressed=bool_value(value=True), response_size=314159, payload=payload(271828))
    expect_status(grpc.StatusCode.INVALID_ARGUMENT, None, lambda: stub.UnaryCall(probe, timeout=10))
    response = stub.UnaryCall(probe, timeout=10, compression=grpc.Compression.Gzip)
    assert len(response.payload.body) == 314159
    plain = messages_pb2.SimpleRequest(expect_compressed=bool_value(value=False), response_size=314159, payload=payload(271828))
    assert len(stub.UnaryCall(plain, timeout=10).payload.body) == 314159


def server_compressed_unary():
    for compressed in (True, False):
        request = messages_pb2.SimpleRequest(
            response_compressed=messages_pb2.BoolValue(value=compressed), response_size=314159, payload=payload(271828))
        assert len(stub.UnaryCall(request, timeout=10).payload.body) == 314159


def client_compressed_streaming():
    bool_value = messages_pb2.BoolValue
    probe = messages_pb2.StreamingInputCallRequest(expect_compressed=bool_value(value=True), payload=payload(27182))
    expect_status(grpc.StatusCode.INVALID_ARGUMENT, None, lambda: stub.StreamingInputCall(iter([probe]), timeout=10))
    requests = [probe, messages_pb2.StreamingInputCallRequest(expect_compressed=bool_value(value=True), payload=payload(45904))]
    response = stub.StreamingInputCall(iter(requests), timeout=10, compression=grpc.Compression.Gzip)
    assert response.aggregated_payload_size == 73086, response.aggregated_payload_size


def server_compressed_streaming():
    parameters = [messages_pb2.ResponseParameters(size=31415, compressed=messages_pb2.BoolValue(value=True)),
                  messages_pb2.ResponseParameters(size=92653, compressed=messages_pb2.BoolValue(value=False))]
    got = [len(r.payload.body) for r in stub.StreamingOutputCall(
        messages_pb2.StreamingOutputCallRequest(response_parameters=parameters), timeout=10)]
    assert got == [31415, 92653], got


def health_check():
    from grpc_health.v1 import health_pb2, health_pb2_grpc
    health = health_pb2_grpc.HealthStub(channel)
    for service in ("", "grpc.testing.TestService"):
        assert health.Check(health_pb2.HealthCheckRequest(service=service), timeout=10).status == health_pb2.HealthCheckResponse.SERVING
    expect_status(grpc.StatusCode.NOT_FOUND, None, lambda: health.Check(health_pb2.HealthCheckRequest(service="no.Such"), timeout=10))


def health_watch():
    from grpc_health.v1 import health_pb2, health_pb2_grpc
    health = health_pb2_grpc.HealthStub(channel)
    call = health.Watch(health_pb2.HealthCheckRequest(service=""), timeout=10)
    assert next(call).status == health_pb2.HealthCheckResponse.SERVING
    call.cancel()
    unknown = health.Watch(health_pb2.HealthCheckRequest(service="no.Such"), timeout=10)
    assert next(unknown).status == health_pb2.HealthCheckResponse.SERVICE_UNKNOWN
    unknown.cancel()


def reflection():
    from google.protobuf import descriptor_pool, message_factory
    from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase
    database = ProtoReflectionDescriptorDatabase(channel)
    services = set(database.get_services())
    assert {"grpc.testing.TestService", "herald.bench.v1.Bench", "grpc.health.v1.Health"} <= services, services
    pool = descriptor_pool.DescriptorPool(database)
    method = pool.FindServiceByName("herald.bench.v1.Bench").FindMethodByName("Echo")
    request_class = message_factory.GetMessageClass(method.input_type)
    response_class = message_factory.GetMessageClass(method.output_type)
    echo = channel.unary_unary("/herald.bench.v1.Bench/Echo", request_serializer=request_class.SerializeToString,
                               response_deserializer=response_class.FromString)
    assert echo(request_class(message="via reflection ☺"), timeout=10).message == "via reflection ☺"
    unary = pool.FindServiceByName("grpc.testing.TestService").FindMethodByName("UnaryCall")
    assert unary.input_type.fields_by_name["payload"].message_type.full_name == "grpc.testing.Payload"
    # v1 answers the same way (raw bytes: list_services = "*").
    raw = channel.stream_stream("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo")
    answer = next(raw(iter([b"\x3a\x01*"]), timeout=10))
    assert b"herald.bench.v1.Bench" in answer, answer


def resident_bytes(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def slow_reader():
    """64 MiB of responses to a client that reads nothing for two seconds: the server must not queue them all."""
    assert args.server_pid, "--server_pid is needed"
    request = messages_pb2.StreamingOutputCallRequest(response_parameters=[messages_pb2.ResponseParameters(size=65536)] * 1024)
    before = resident_bytes(args.server_pid)
    call = stub.StreamingOutputCall(request, timeout=60)
    time.sleep(2)
    grown = resident_bytes(args.server_pid) - before
    count = sum(1 for _ in call)
    assert count == 1024, count
    assert grown < 24 * 1024 * 1024, f"server memory grew by {grown >> 20} MiB while the client did not read"


def unix_socket():
    assert args.unix_socket, "--unix_socket is needed"
    over_unix = grpc.insecure_channel(f"unix:{args.unix_socket}")
    echo = over_unix.unary_unary("/herald.bench.v1.Bench/Echo")
    assert echo(b"\n\x04unix", timeout=10) == b"\n\x04unix"
    streamed = test_pb2_grpc.TestServiceStub(over_unix).StreamingOutputCall(messages_pb2.StreamingOutputCallRequest(
        response_parameters=[messages_pb2.ResponseParameters(size=s) for s in (31415, 9)]), timeout=10)
    assert [len(r.payload.body) for r in streamed] == [31415, 9]


def raw_h2_call(path, body, headers=()):
    """Sends one request with hand-made bytes over a fresh h2 connection; returns (response headers, data, trailers)."""
    import socket
    import h2.config
    import h2.connection
    import h2.events
    sock = socket.create_connection((args.server_host, args.server_port), timeout=10)
    connection = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    connection.initiate_connection()
    stream = connection.get_next_available_stream_id()
    connection.send_headers(stream, [(":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "x"),
                                     ("content-type", "application/grpc"), ("te", "trailers")] + list(headers))
    connection.send_data(stream, body, end_stream=True)
    sock.sendall(connection.data_to_send())
    response, data, trailers = None, b"", None
    while trailers is None:
        chunk = sock.recv(65536)
        if not chunk:
            break
        for event in connection.receive_data(chunk):
            if isinstance(event, h2.events.ResponseReceived):
                response = dict(event.headers)
                if event.stream_ended:
                    trailers = response
            elif isinstance(event, h2.events.DataReceived):
                data += event.data
                connection.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, h2.events.TrailersReceived):
                trailers = dict(event.headers)
            elif isinstance(event, h2.events.StreamReset):
                trailers = {"reset": str(event.error_code)}
        sock.sendall(connection.data_to_send())
    sock.close()
    return response, data, trailers


def hostile_inputs():
    import socket
    # Not HTTP/2 at all: the server closes the connection and keeps serving others.
    sock = socket.create_connection((args.server_host, args.server_port), timeout=10)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    sock.settimeout(5)
    try:
        while sock.recv(65536):
            pass
    except (ConnectionResetError, socket.timeout):
        pass
    sock.close()
    # A 1 GiB length prefix: refused from the prefix, without buffering anything.
    _, _, trailers = raw_h2_call("/herald.bench.v1.Bench/Echo", b"\x00\x40\x00\x00\x00abc")
    assert trailers.get("grpc-status") == "8", trailers
    # A message cut short by END_STREAM.
    _, _, trailers = raw_h2_call("/herald.bench.v1.Bench/Echo", b"\x00\x00\x00\x00\x09abc")
    assert trailers.get("grpc-status") == "13", trailers
    # Invalid protobuf in a well-framed message: INVALID_ARGUMENT naming the field.
    _, _, trailers = raw_h2_call("/herald.bench.v1.Bench/Echo", b"\x00\x00\x00\x00\x03\x0a\x05a")
    assert trailers.get("grpc-status") == "3", trailers
    assert "message" in trailers.get("grpc-message", ""), trailers
    # An unknown method: Trailers-Only UNIMPLEMENTED.
    response, _, trailers = raw_h2_call("/no.Such/Method", b"")
    assert trailers.get("grpc-status") == "12", (response, trailers)
    # An unsupported encoding: UNIMPLEMENTED.
    _, _, trailers = raw_h2_call("/herald.bench.v1.Bench/Echo", b"\x01\x00\x00\x00\x01x", headers=[("grpc-encoding", "br")])
    assert trailers.get("grpc-status") == "12", trailers
    # The server is still serving.
    assert stub.EmptyCall(empty_pb2.Empty(), timeout=10) == empty_pb2.Empty()


def graceful_shutdown():
    """Run last: SIGTERM while a call is in flight; the call completes, health turns NOT_SERVING, the server exits 0."""
    import os
    import signal
    import threading
    from grpc_health.v1 import health_pb2, health_pb2_grpc
    assert args.server_pid, "--server_pid is needed"
    watch = health_pb2_grpc.HealthStub(channel).Watch(health_pb2.HealthCheckRequest(service=""), timeout=10)
    assert next(watch).status == health_pb2.HealthCheckResponse.SERVING
    request = messages_pb2.StreamingOutputCallRequest(
        response_parameters=[messages_pb2.ResponseParameters(size=10, interval_us=150_000)] * 8)
    call = stub.StreamingOutputCall(request, timeout=20)
    first = next(call)
    threading.Timer(0.1, lambda: os.kill(args.server_pid, signal.SIGTERM)).start()
    statuses = []
    try:
        for update in watch:
            statuses.append(update.status)
    except grpc.RpcError:
        pass
    rest = list(call)  # the call in flight finishes despite the shutdown
    assert len(rest) + 1 == 8, len(rest)
    assert health_pb2.HealthCheckResponse.NOT_SERVING in statuses, statuses


failed = 0
for name in args.test_case.split(","):
    try:
        globals()[name]()
        print(f"PASS {name}", flush=True)
    except Exception as error:  # noqa: BLE001
        failed += 1
        print(f"FAIL {name}: {type(error).__name__}: {error}", flush=True)
sys.exit(1 if failed else 0)
