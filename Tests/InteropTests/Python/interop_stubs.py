"""Python stubs for gRPC's interop TestService, generated from Herald's Protos/ with grpcio-tools at run time.

  import interop_stubs; interop_stubs.generate(protos_dir)
  from interop_pb import empty_pb2, messages_pb2, test_pb2_grpc
"""
import os
import sys
import tempfile

import grpc_tools
from grpc_tools import protoc

FILES = ["grpc/testing/empty.proto", "grpc/testing/messages.proto", "grpc/testing/test.proto"]


def generate(protos):
    """Generates the interop protos of `protos` into a temporary package "interop_pb" (a package of their own, so
    they cannot collide with the grpc package) and puts it on sys.path."""
    out = tempfile.mkdtemp()
    include = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    work = os.path.join(out, "src", "interop_pb")
    os.makedirs(work)
    for name in FILES:
        with open(os.path.join(protos, name)) as f:
            text = f.read().replace('import "grpc/testing/', 'import "interop_pb/')
        with open(os.path.join(work, os.path.basename(name)), "w") as f:
            f.write(text)
    if protoc.main(["protoc", f"-I{os.path.join(out, 'src')}", f"-I{include}", f"--python_out={out}", f"--grpc_python_out={out}"]
                   + [f"interop_pb/{os.path.basename(n)}" for n in FILES]) != 0:
        sys.exit("protoc failed")
    open(os.path.join(out, "interop_pb", "__init__.py"), "w").close()
    sys.path.insert(0, out)
