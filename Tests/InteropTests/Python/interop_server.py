"""gRPC's interop TestService implemented with Python grpcio, for Herald's rpc-testclient to run against.

  interop_server.py --protos DIR   prints "listening on 127.0.0.1:PORT" once serving.
"""
import argparse
import time
from concurrent import futures

import grpc

import interop_stubs

parser = argparse.ArgumentParser()
parser.add_argument("--protos", required=True)
args = parser.parse_args()

interop_stubs.generate(args.protos)
from interop_pb import empty_pb2, messages_pb2, test_pb2_grpc  # noqa: E402


def echo_metadata(context):
    metadata = dict(context.invocation_metadata())
    if "x-grpc-test-echo-initial" in metadata:
        context.send_initial_metadata((("x-grpc-test-echo-initial", metadata["x-grpc-test-echo-initial"]),))
    if "x-grpc-test-echo-trailing-bin" in metadata:
        context.set_trailing_metadata((("x-grpc-test-echo-trailing-bin", metadata["x-grpc-test-echo-trailing-bin"]),))


def maybe_abort(status, context):
    if status.code != 0:
        context.abort(grpc.StatusCode(next(c for c in grpc.StatusCode if c.value[0] == status.code)), status.message)


def payload(size):
    return messages_pb2.Payload(body=b"\0" * size)


class TestService(test_pb2_grpc.TestServiceServicer):
    def EmptyCall(self, request, context):
        return empty_pb2.Empty()

    def UnaryCall(self, request, context):
        echo_metadata(context)
        maybe_abort(request.response_status, context)
        return messages_pb2.SimpleResponse(payload=payload(request.response_size))

    def StreamingOutputCall(self, request, context):
        for parameters in request.response_parameters:
            if parameters.interval_us:
                time.sleep(parameters.interval_us / 1e6)
            yield messages_pb2.StreamingOutputCallResponse(payload=payload(parameters.size))
        maybe_abort(request.response_status, context)

    def StreamingInputCall(self, request_iterator, context):
        return messages_pb2.StreamingInputCallResponse(aggregated_payload_size=sum(len(r.payload.body) for r in request_iterator))

    def FullDuplexCall(self, request_iterator, context):
        echo_metadata(context)
        for request in request_iterator:
            maybe_abort(request.response_status, context)
            for parameters in request.response_parameters:
                yield messages_pb2.StreamingOutputCallResponse(payload=payload(parameters.size))


server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
test_pb2_grpc.add_TestServiceServicer_to_server(TestService(), server)
port = server.add_insecure_port("127.0.0.1:0")
server.start()
print(f"listening on 127.0.0.1:{port}", flush=True)
server.wait_for_termination()
