"""A Python grpcio server of a service Herald has no schema for (demo.greeter.v1.Greeter, compiled here from an
inline .proto with grpcio-tools), with grpcio-reflection on: what `heraldctl call` must discover by reflection.
Prints "listening on 127.0.0.1:PORT" once serving."""
import os
import sys
import tempfile
from concurrent import futures

import grpc
import grpc_tools
from grpc_tools import protoc
from grpc_reflection.v1alpha import reflection

PROTO = '''
syntax = "proto3";
package demo.greeter.v1;
import "google/protobuf/timestamp.proto";
enum Mood { MOOD_UNSPECIFIED = 0; MOOD_CHEERFUL = 1; MOOD_GRUMPY = 2; }
message HelloRequest {
  string name = 1;
  Mood mood = 2;
  map<string, int32> counts = 3;
  oneof channel { string email = 4; string phone = 5; }
  google.protobuf.Timestamp at = 6;
  repeated int64 ids = 7;
}
message HelloReply { string greeting = 1; int64 total = 2; google.protobuf.Timestamp at = 3; }
service Greeter { rpc SayHello(HelloRequest) returns (HelloReply); }
'''

out = tempfile.mkdtemp()
with open(os.path.join(out, "greeter.proto"), "w") as f:
    f.write(PROTO)
include = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
if protoc.main(["protoc", f"-I{out}", f"-I{include}", f"--python_out={out}", f"--grpc_python_out={out}", "greeter.proto"]) != 0:
    sys.exit("protoc failed")
sys.path.insert(0, out)
import greeter_pb2, greeter_pb2_grpc  # noqa: E402


class Greeter(greeter_pb2_grpc.GreeterServicer):
    def SayHello(self, request, context):
        mood = greeter_pb2.Mood.Name(request.mood)
        via = request.WhichOneof("channel") or "nowhere"
        reply = greeter_pb2.HelloReply(greeting=f"hello {request.name}, {mood}, via {via}",
                                       total=sum(request.counts.values()) + sum(request.ids))
        reply.at.CopyFrom(request.at)
        return reply


server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
greeter_pb2_grpc.add_GreeterServicer_to_server(Greeter(), server)
reflection.enable_server_reflection((greeter_pb2.DESCRIPTOR.services_by_name["Greeter"].full_name, reflection.SERVICE_NAME), server)
port = server.add_insecure_port("127.0.0.1:0")
server.start()
print(f"listening on 127.0.0.1:{port}", flush=True)
server.wait_for_termination()
