"""A Python grpcio client over TLS for Herald's TLS tests: one Bench/Echo call.

  tls_client.py --port P --ca FILE --name NAME [--cert FILE --key FILE]
Prints "ok" when the call answers, else "error STATUS_CODE".
"""
import argparse

import grpc

parser = argparse.ArgumentParser()
parser.add_argument("--port", required=True)
parser.add_argument("--ca", required=True)
parser.add_argument("--name", required=True)
parser.add_argument("--cert")
parser.add_argument("--key")
args = parser.parse_args()
credentials = grpc.ssl_channel_credentials(
    root_certificates=open(args.ca, "rb").read(),
    private_key=open(args.key, "rb").read() if args.key else None,
    certificate_chain=open(args.cert, "rb").read() if args.cert else None)
channel = grpc.secure_channel(f"127.0.0.1:{args.port}", credentials, options=[("grpc.ssl_target_name_override", args.name)])
try:
    answer = channel.unary_unary("/herald.bench.v1.Bench/Echo")(b"\n\x03tls", timeout=5)
    print("ok" if answer == b"\n\x03tls" else f"wrong answer {answer!r}")
except grpc.RpcError as error:
    print(f"error {error.code().name}")
