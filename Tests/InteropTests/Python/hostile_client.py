"""A hostile HTTP/2 client for Herald's abuse-resistance tests, over a raw socket (hyperframe and hpack, the
frame and header codecs of python-h2), so that it can send what a well-behaved library never would.

  hostile_client.py ATTACK --port P [--count N]
ATTACK: rapid_reset, continuation, header_bomb, settings_flood, ping_flood, slowloris, connections, ping_abuse,
no_ping_ack, big_prefix, never_read, invalid_frames, silent, half_hello, stalled_headers, churn.
Prints one line: "closed after N" when the server ended the connection (GOAWAY or close) before the attack was
done (N frames or bytes, or seconds for the stalling attacks), "done N" when it never did, "open" when a stalling
attack's connection outlived --count seconds, "reset" when the server reset the attacking stream (header_bomb).
Every loop is bounded by --count and by a 20 s socket timeout.
"""
import argparse
import socket
import sys
import time

import hpack
from hyperframe.frame import (ContinuationFrame, DataFrame, Frame, GoAwayFrame, HeadersFrame, PingFrame,
                              RstStreamFrame, SettingsFrame)

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
REQUEST = [(":method", "POST"), (":scheme", "http"), (":path", "/herald.bench.v1.Bench/Echo"), (":authority", "x"),
           ("content-type", "application/grpc"), ("te", "trailers")]


def connect(port):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.settimeout(20)
    sock.sendall(PREFACE + SettingsFrame(0).serialize())
    return sock


def server_ended(sock):
    """True when the server sent GOAWAY or closed; reads what is waiting without blocking long."""
    sock.settimeout(0.001)
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return True
            if find_frame(data, GoAwayFrame):
                return True
    except (BlockingIOError, socket.timeout):
        return False
    except (ConnectionResetError, BrokenPipeError):
        return True
    finally:
        sock.settimeout(20)


def find_frame(data, kind):
    offset = 0
    while offset + 9 <= len(data):
        frame, length = Frame.parse_frame_header(memoryview(data[offset:offset + 9]))
        if isinstance(frame, kind):
            return True
        offset += 9 + length
    return False


def peer_closed(sock):
    """Waits up to the socket's timeout for the server: True when it closed or reset the connection."""
    try:
        return sock.recv(65536) == b""
    except socket.timeout:
        return False
    except (ConnectionResetError, BrokenPipeError):
        return True


def send(sock, payload):
    try:
        sock.sendall(payload)
        return True
    except (ConnectionResetError, BrokenPipeError):
        return False


def barrage(sock, count, frames, every):
    """Sends frames(i) for i in range(count), checking every `every` sends whether the server ended the connection."""
    for i in range(count):
        if not send(sock, frames(i)) or (i % every == 0 and server_ended(sock)):
            return f"closed after {i}"
    return f"done {count}"


def rapid_reset(port, count, rounds=5):
    """`rounds` connections one after another, each flooding HEADERS+RST_STREAM until cut off (or `count` streams);
    reports the last round, or the first that was not cut off."""
    for _ in range(rounds):
        sock, encoder = connect(port), hpack.Encoder()
        result = barrage(sock, count, lambda i: HeadersFrame(1 + 2 * i, encoder.encode(REQUEST), flags=["END_HEADERS"]).serialize()
                         + RstStreamFrame(1 + 2 * i, error_code=8).serialize(), 200)
        sock.close()
        if not result.startswith("closed"):
            return result
    return result


def continuation(port, count):
    sock, encoder = connect(port), hpack.Encoder()
    if not send(sock, HeadersFrame(1, encoder.encode(REQUEST)).serialize()):  # no END_HEADERS
        return "closed after 0"
    return barrage(sock, count, lambda i: ContinuationFrame(1, encoder.encode([(f"x-junk-{i}", "y" * 100)])).serialize(), 50)


def header_bomb(port, count):
    sock, encoder = connect(port), hpack.Encoder()
    block = encoder.encode(REQUEST + [(f"x-bomb-{i}", "z" * 8000) for i in range(count)])
    chunks = [block[i:i + 16000] for i in range(0, len(block), 16000)]
    frames = HeadersFrame(1, chunks[0], flags=["END_HEADERS"] if len(chunks) == 1 else []).serialize()
    for index, chunk in enumerate(chunks[1:], 1):
        frames += ContinuationFrame(1, chunk, flags=["END_HEADERS"] if index == len(chunks) - 1 else []).serialize()
    frames += DataFrame(1, b"\x00\x00\x00\x00\x00", flags=["END_STREAM"]).serialize()
    if not send(sock, frames):
        return "closed after 0"
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            data = sock.recv(65536)
        except socket.timeout:
            break
        if not data:
            return "closed after 0"
        if find_frame(data, RstStreamFrame):
            return "reset"
        if find_frame(data, GoAwayFrame):
            return "closed after 0"
    return f"done {count}"


def flood(port, count, frame):
    """Frames that each ask for an acknowledgement, without ever reading the acknowledgements."""
    sock = connect(port)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    payload = frame.serialize() * 100
    for i in range(0, count, 100):
        if not send(sock, payload):
            return f"closed after {i}"
    # The server stops reading a peer that does not read its acks; give it a moment, then check.
    time.sleep(1)
    return f"closed after {count}" if server_ended(sock) else f"done {count}"


def slowloris(port, count):
    """A connection dribbled one byte every 100 ms (preface, SETTINGS, then a HEADERS frame never finished)."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.settimeout(0.1)
    dribble = PREFACE + SettingsFrame(0).serialize() + HeadersFrame(1, hpack.Encoder().encode(REQUEST) * 20).serialize()
    for i in range(min(count, len(dribble))):
        if not send(sock, dribble[i:i + 1]) or peer_closed(sock):
            return f"closed after {i}"
    return f"done {count}"


def wait_closed(sock, seconds):
    """Waits up to `seconds` for the server to close; "closed after T" (seconds since now) or "open"."""
    started = time.time()
    sock.settimeout(0.1)
    while time.time() - started < seconds:
        try:
            data = sock.recv(65536)
            if data == b"":
                return f"closed after {time.time() - started:.1f}"
        except socket.timeout:
            pass
        except (ConnectionResetError, BrokenPipeError):
            return f"closed after {time.time() - started:.1f}"
    return "open"


def silent(port, count):
    """Connects and sends nothing: no TLS handshake, no HTTP/2 preface. Waits up to `count` seconds."""
    return wait_closed(socket.create_connection(("127.0.0.1", port)), count)


def half_hello(port, count):
    """Starts a TLS ClientHello (a record header announcing 512 bytes, then 10 of them) and stalls."""
    sock = socket.create_connection(("127.0.0.1", port))
    send(sock, b"\x16\x03\x01\x02\x00" + b"\x01\x00\x01\xfc\x03\x03" + b"\x00" * 4)
    return wait_closed(sock, count)


def stalled_headers(port, count):
    """A proper preface and one finished call, then a HEADERS frame without END_HEADERS and no CONTINUATION: every
    call on the connection is blocked behind it. Waits up to `count` seconds for the server to close."""
    sock, encoder = connect(port), hpack.Encoder()
    frames = HeadersFrame(1, encoder.encode(REQUEST), flags=["END_HEADERS"]).serialize()
    frames += DataFrame(1, b"\x00\x00\x00\x00\x00", flags=["END_STREAM"]).serialize()
    send(sock, frames)
    time.sleep(0.2)
    sock.settimeout(0.5)
    try:
        sock.recv(65536)  # the answer to the finished call
    except socket.timeout:
        pass
    send(sock, HeadersFrame(3, encoder.encode(REQUEST)).serialize())
    return wait_closed(sock, count)


def churn(port, count):
    """`count` connections one after another, each sending its preface, waiting for the server's SETTINGS (so the
    server has taken it up) and closing."""
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(PREFACE + SettingsFrame(0).serialize())
        sock.recv(65536)
        sock.close()
    return f"done {count}"


def connections(port, count):
    """`count` connections at once from 127.0.0.3, each with a proper preface; how many the server closed at once."""
    socks = []
    for _ in range(count):
        try:
            sock = socket.create_connection(("127.0.0.1", port), source_address=("127.0.0.3", 0))
            sock.sendall(PREFACE + SettingsFrame(0).serialize())
            socks.append(sock)
        except OSError:
            socks.append(None)
    time.sleep(0.5)
    refused = 0
    for sock in socks:
        if sock is None:
            refused += 1
            continue
        sock.settimeout(0.01)
        try:
            while True:
                data = sock.recv(65536)
                if data == b"":
                    refused += 1
                    break
        except socket.timeout:
            pass
        except (ConnectionResetError, BrokenPipeError):
            refused += 1
        sock.close()
    return f"refused {refused} of {count}"


def ping_abuse(port, count):
    """A well-formed PING every 50 ms, acknowledgements read: gRFC A8 policing should answer too_many_pings."""
    sock = connect(port)
    for i in range(count):
        if not send(sock, PingFrame(0, opaque_data=b"abcdefgh").serialize()):
            return f"closed after {i}"
        time.sleep(0.05)
        sock.settimeout(0.01)
        try:
            data = sock.recv(65536)
            if data == b"":
                return f"closed after {i}"
            if b"too_many_pings" in data and find_frame(data, GoAwayFrame):
                return f"too_many_pings after {i}"
        except socket.timeout:
            pass
        except (ConnectionResetError, BrokenPipeError):
            return f"closed after {i}"
    return f"done {count}"


def no_ping_ack(port, count):
    """Opens a call and then never answers the server's keepalive PINGs (a raw socket acknowledges nothing)."""
    sock, encoder = connect(port), hpack.Encoder()
    request = [(name, value) for name, value in REQUEST if name != ":path"] + [(":path", "/grpc.testing.TestService/FullDuplexCall")]
    send(sock, HeadersFrame(1, encoder.encode(request), flags=["END_HEADERS"]).serialize())
    started = time.time()
    sock.settimeout(1)
    while time.time() - started < count:
        if peer_closed(sock):
            return f"closed after {time.time() - started:.1f}"
    return f"done {count}"


def big_prefix(port, count):
    """A message whose length prefix says 1 GiB: the server must refuse it from the prefix (RESOURCE_EXHAUSTED)."""
    sock, encoder = connect(port), hpack.Encoder()
    frames = HeadersFrame(1, encoder.encode(REQUEST), flags=["END_HEADERS"]).serialize()
    frames += DataFrame(1, b"\x00\x40\x00\x00\x00" + b"x" * 1000).serialize()
    if not send(sock, frames):
        return "closed after 0"
    decoder = hpack.Decoder()
    deadline = time.time() + 10
    buffered = b""
    while time.time() < deadline:
        try:
            data = sock.recv(65536)
        except socket.timeout:
            break
        if not data:
            return "closed after 0"
        buffered += data
        offset = 0
        while offset + 9 <= len(buffered):
            frame, length = Frame.parse_frame_header(memoryview(buffered[offset:offset + 9]))
            if offset + 9 + length > len(buffered):
                break
            frame.parse_body(memoryview(buffered[offset + 9:offset + 9 + length]))
            if isinstance(frame, HeadersFrame):
                for name, value in decoder.decode(frame.data):
                    if name in ("grpc-status", b"grpc-status"):
                        return f"status {value if isinstance(value, str) else value.decode()}"
            if isinstance(frame, RstStreamFrame):
                return "reset"
            offset += 9 + length
        buffered = buffered[offset:]
    return "no answer"


def never_read(port, count):
    """Asks for `count` MiB of streamed responses and reads none of them for 3 s."""
    sock, encoder = connect(port), hpack.Encoder()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    path = [(":path", "/grpc.testing.TestService/StreamingOutputCall")]
    request = [(name, value) for name, value in REQUEST if name != ":path"] + path
    # StreamingOutputCallRequest{response_parameters: [{size: 1 MiB}] * count}
    parameter = b"\x12\x05\x08\x80\x80\x40"
    body = b"".join(b"\x12" + bytes([len(parameter) - 2]) + parameter[2:] for _ in range(count))
    frames = HeadersFrame(1, encoder.encode(request), flags=["END_HEADERS"]).serialize()
    frames += DataFrame(1, b"\x00" + len(body).to_bytes(4, "big") + body, flags=["END_STREAM"]).serialize()
    send(sock, frames)
    time.sleep(3)
    return f"held {count}"


def invalid_frames(port, count):
    """Streams whose headers break HTTP/2's rules (an upper-case field name: a stream error the server resets)."""
    sock, encoder = connect(port), hpack.Encoder()
    request = REQUEST + [("X-Upper-Case", "1")]
    for i in range(count):
        stream = 1 + 2 * i
        frames = HeadersFrame(stream, encoder.encode(request), flags=["END_HEADERS"]).serialize()
        if not send(sock, frames):
            return f"closed after {i}"
        if i % 20 == 0:
            sock.settimeout(0.05)
            try:
                data = sock.recv(65536)
                if data == b"":
                    return f"closed after {i}"
                if b"too many protocol errors" in data:
                    return f"calm after {i}"
            except socket.timeout:
                pass
            except (ConnectionResetError, BrokenPipeError):
                return f"closed after {i}"
    return f"done {count}"


ATTACKS = {
    "rapid_reset": rapid_reset,
    "continuation": continuation,
    "header_bomb": header_bomb,
    "settings_flood": lambda port, count: flood(port, count, SettingsFrame(0, settings={SettingsFrame.ENABLE_PUSH: 0})),
    "ping_flood": lambda port, count: flood(port, count, PingFrame(0, opaque_data=b"12345678")),
    "slowloris": slowloris,
    "connections": connections,
    "ping_abuse": ping_abuse,
    "no_ping_ack": no_ping_ack,
    "big_prefix": big_prefix,
    "never_read": never_read,
    "invalid_frames": invalid_frames,
    "silent": silent,
    "churn": churn,
    "half_hello": half_hello,
    "stalled_headers": stalled_headers,
}

parser = argparse.ArgumentParser()
parser.add_argument("attack", choices=sorted(ATTACKS))
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--count", type=int, default=100000)
args = parser.parse_args()
try:
    print(ATTACKS[args.attack](args.port, args.count), flush=True)
except socket.timeout:
    print("timeout", flush=True)
    sys.exit(1)
