"""What the Python grpcio clients of Herald's services share: stubs generated from Protos/ at run time with
grpc_tools' protoc, checks counted, and failed calls read the way any grpcio user reads them (status code, message,
the google.rpc.BadRequest in grpc-status-details-bin)."""
import argparse
import os
import sys
import tempfile

import grpc
import grpc_tools
from grpc_tools import protoc

checks = 0


def check(condition, what):
    global checks
    if not condition:
        sys.exit(f"FAILED: {what}")
    checks += 1


def arguments():
    """--protos DIR --target HOST:PORT --user USER_ID [--campaign CAMPAIGN_ID]"""
    parser = argparse.ArgumentParser()
    parser.add_argument("--protos", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--campaign", default="")
    return parser.parse_args()


def generate(protos, files):
    """Python modules of `files` (paths under `protos`), importable from here on."""
    out = tempfile.mkdtemp()
    include = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    if protoc.main(["protoc", f"-I{protos}", f"-I{include}", f"--python_out={out}", f"--grpc_python_out={out}"] + files) != 0:
        sys.exit("protoc failed")
    sys.path.insert(0, out)


def fails(call, request, code, fragment):
    """Calls a method that must fail with `code` and a message containing `fragment`; the error."""
    try:
        call(request, timeout=10)
    except grpc.RpcError as error:
        check(error.code() == code, f"{call._method}: {error.code()} != {code}: {error.details()}")
        check(fragment in error.details(), f"{call._method}: {fragment!r} not in {error.details()!r}")
        return error
    sys.exit(f"FAILED: {call._method} succeeded, expected {code}")


def field_violations(error):
    """The google.rpc.BadRequest of an INVALID_ARGUMENT, read the way any grpcio user would."""
    from grpc_status import rpc_status
    from google.rpc import error_details_pb2
    status = rpc_status.from_call(error)  # also checks that its code and message are the call's
    check(status is not None, f"{error.details()!r} came without grpc-status-details-bin")
    bad_request = error_details_pb2.BadRequest()
    check(len(status.details) == 1 and status.details[0].Unpack(bad_request), f"a BadRequest in {status.details}")
    return {v.field: v.description for v in bad_request.field_violations}


def done():
    print(f"ok: {checks} checks")
