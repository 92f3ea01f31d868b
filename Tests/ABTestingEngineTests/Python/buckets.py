"""The assignment hash as the proto documents it, written from that sentence alone: FNV-1a (64-bit) over the
UTF-8 of seed + "." + user id, modulo 10,000. Reads JSON {"seed": ..., "users": [...]} on stdin, prints the
buckets. A client in any language can predict a user's bucket; this is one such client."""
import json
import sys

request = json.load(sys.stdin)
buckets = []
for user in request["users"]:
    h = 0xCBF29CE484222325
    for byte in (request["seed"] + "." + user).encode():
        h = ((h ^ byte) * 0x100000001B3) % 2**64
    buckets.append(h % 10000)
json.dump(buckets, sys.stdout)
