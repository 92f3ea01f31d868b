"""A Python grpcio server for Herald's client tests: herald.bench.v1.Bench/Echo (bytes echoed) and grpc.health.v1.
Prints "listening on 127.0.0.1:PORT" once serving."""
import sys
from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc


def echo(request, context):
    for key, value in context.invocation_metadata():
        if key == "x-fail":
            context.abort(grpc.StatusCode.ABORTED, f"asked to fail: {value}")
    return request


server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(
    "herald.bench.v1.Bench", {"Echo": grpc.unary_unary_rpc_method_handler(echo)}),))
health_servicer = health.HealthServicer()
health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
health_servicer.set("herald.bench.v1.Bench", health_pb2.HealthCheckResponse.NOT_SERVING)
health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
port = server.add_insecure_port("127.0.0.1:0")
server.start()
print(f"listening on 127.0.0.1:{port}", flush=True)
server.wait_for_termination()
