"""An SMTP server nobody at Herald wrote (aiosmtpd) for the gateway's email tests and the local demo.

Prints "listening on 127.0.0.1:PORT" once it accepts connections, then appends one JSON line per message it takes
to --record: the envelope, and what Python's email package reads from the message (Message-ID, From, To, the decoded
Subject, the text and HTML parts, List-Unsubscribe), and with --dkim-record whether dkimpy verifies its DKIM signature
against that public key.

Recipients steer its replies, so tests can make failures happen: a local part starting with
  "transientN"  is refused with 451 the first N times it is given (then taken),
  "reject"      is refused with 550,
  "slow"        is taken after half a second.
"""

import argparse
import asyncio
import collections
import email
import email.policy
import json
import re
import sys
import threading

import dkim
from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, path, dkim_record=None):
        self.path = path
        self.refusals = collections.Counter()
        self.dkim_record = dkim_record

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0]
        match = re.match(r"transient(\d+)", local)
        if match and self.refusals[address] < int(match.group(1)):
            self.refusals[address] += 1
            return "451 4.3.0 try again later"
        if local.startswith("reject"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if any(r.split("@", 1)[0].startswith("slow") for r in envelope.rcpt_tos):
            await asyncio.sleep(0.5)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        parts = {}
        for part in message.walk():
            if part.get_content_maintype() == "text":
                parts[part.get_content_subtype()] = part.get_content()
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "message_id": message["Message-ID"],
            "from": message["From"],
            "to": message["To"],
            "subject": message["Subject"],
            "text": parts.get("plain", ""),
            "html": parts.get("html", ""),
            "list_unsubscribe": message["List-Unsubscribe"],
            "defects": [str(d) for p in message.walk() for d in p.defects],
            "dkim_signed": message["DKIM-Signature"] is not None,
        }
        if self.dkim_record is not None:
            # dkimpy verifies the signature against the public key the test published (no DNS involved).
            published = self.dkim_record
            record["dkim_verified"] = dkim.verify(
                envelope.content, dnsfunc=lambda name, timeout=5: published.encode())
        with open(self.path, "a") as out:
            out.write(json.dumps(record) + "\n")
        return "250 2.0.0 queued"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--record", required=True)
    parser.add_argument("--dkim-record", help="the TXT record of the signing key, e.g. v=DKIM1; k=rsa; p=...")
    args = parser.parse_args()
    port = args.port
    if port == 0:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    controller = Controller(Recorder(args.record, args.dkim_record), hostname="127.0.0.1", port=port, enable_SMTPUTF8=True)
    controller.start()
    print(f"listening on 127.0.0.1:{port}", flush=True)
    try:
        threading.Event().wait()  # until the process is stopped
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
