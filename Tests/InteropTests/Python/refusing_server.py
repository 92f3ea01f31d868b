"""A real HTTP/2 server (python-h2) that refuses streams the ways a draining or overloaded gRPC server does, for
Herald's client tests. It speaks just enough gRPC to echo unary calls.

  refusing_server.py   prints "listening on 127.0.0.1:PORT", then serves each connection:
  - the first waits for three complete requests, answers the lowest stream, then sends GOAWAY naming that stream
    as the last processed (refusing the other two) and waits for the client to close;
  - every later one answers each request, except that a request whose message is "refuse-once" is refused with
    RST_STREAM(REFUSED_STREAM) the first time it comes (any body starting with it, each body once), and
    "refuse-always" every time.
Each request it answers is logged on stdout as "answered <message>", so a test can check none was served twice.
"""
import signal
import socket
import sys
import threading

import h2.config
import h2.connection
import h2.errors
import h2.events

lock = threading.Lock()
refused_once = set()


def answer(connection, stream_id, framed):
    connection.send_headers(stream_id, [(":status", "200"), ("content-type", "application/grpc")])
    connection.send_data(stream_id, framed)
    connection.send_headers(stream_id, [("grpc-status", "0")], end_stream=True)
    print("answered", framed[5:].decode(), flush=True)


def refuses(message):
    with lock:
        if message == b"refuse-always":
            return True
        if message.startswith(b"refuse-once") and message not in refused_once:
            refused_once.add(message)
            return True
        return False


def serve(sock, first):
    connection = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False, header_encoding="utf-8"))
    connection.initiate_connection()
    sock.sendall(connection.data_to_send())
    bodies, complete, going_away = {}, [], False
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return
            for event in connection.receive_data(data):
                if isinstance(event, h2.events.DataReceived):
                    bodies[event.stream_id] = bodies.get(event.stream_id, b"") + event.data
                    connection.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                elif isinstance(event, h2.events.StreamEnded):
                    complete.append(event.stream_id)
            if first and not going_away and len(complete) >= 3:
                lowest = min(complete)
                answer(connection, lowest, bodies[lowest])
                connection.close_connection(error_code=0, last_stream_id=lowest)
                going_away = True
            elif not first:
                for stream_id in complete:
                    if refuses(bodies[stream_id][5:]):
                        connection.reset_stream(stream_id, error_code=h2.errors.ErrorCodes.REFUSED_STREAM)
                    else:
                        answer(connection, stream_id, bodies[stream_id])
                complete = []
            sock.sendall(connection.data_to_send())
    finally:
        sock.close()


# The test stops this server with SIGTERM; the signal may arrive blocked from the parent, which would leave the
# test waiting for the SIGKILL fallback while holding one of the few threads of Swift's cooperative pool.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(16)
print(f"listening on 127.0.0.1:{listener.getsockname()[1]}", flush=True)
number = 0
while True:
    client, _ = listener.accept()
    threading.Thread(target=serve, args=(client, number == 0), daemon=True).start()
    number += 1
