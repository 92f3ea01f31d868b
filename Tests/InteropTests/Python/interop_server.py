"""gRPC's interop TestService implemented with Python grpcio, for Herald's rpc-testclient to run against.

  interop_server.py --protos DIR   prints "listening on 127.0.0.1:PORT" once serving.
"""
import argparse
import os
import sys
import tempfile
import time
from concurrent import futures

import grpc
import grpc_tools
from grpc_tools import protoc

parser = argparse.ArgumentParser()
parser.add_argument("--protos", required=True)
args = parser.parse_args()

out = tempfile.mkdtemp()
include = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
work = os.path.join(out, "src", "interop_pb")
os.makedirs(work)
files = ["grpc/testing/empty.proto", "grpc/testing/messages.proto", "grpc/testing/test.proto"]
for name in files:
    with open(os.path.join(args.protos, name)) as f:
        text = f.read().replace('import "grpc/testing/', 'import "interop_pb/')
    with open(os.path.join(work, os.path.basename(name)), "w") as f:
        f.write(text)
if protoc.main(["protoc", f"-I{os.path.join(out, 'src')}", f"-I{include}", f"--python_out={out}", f"--grpc_python_out={out}"]
               + [f"interop_pb/{os.path.basename(n)}" for n in files]) != 0:
    sys.exit("protoc failed")
open(os.path.join(out, "interop_pb", "__init__.py"), "w").close()
sys.path.insert(0, out)
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
