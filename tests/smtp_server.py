#!/usr/bin/env python3
"""The SMTP server the e-mail tests send to: aiosmtpd (a real SMTP implementation) on a free
port of 127.0.0.1, AUTH PLAIN/LOGIN without TLS for one user and password.

Prints `READY <port>` on its first line, then one JSON line per message accepted:
{"from", "to", "subject", "text", "user"} — the subject and the text decoded from MIME.

Behaves like a real provider when told to by the recipient's address:
- `reject…@…`: 550 for that recipient (a permanent refusal);
- `later…@…`: 451 (a temporary one, worth another try).

Usage: smtp_server.py <user> <password>
"""

import email
import email.policy
import json
import socket
import sys
import warnings

# Requiring AUTH without TLS is what this test server is for: no warning about it.
warnings.simplefilter("ignore")

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def login(session):
    data = getattr(session, "auth_data", None)
    return data.login.decode() if isinstance(data, LoginPassword) else None


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        name = address.split("@", 1)[0].lower()
        if name.startswith("reject"):
            return "550 5.1.1 <%s>: Recipient address rejected: user unknown" % address
        if name.startswith("later"):
            return "451 4.7.1 <%s>: greylisted, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",))
        record = {
            "from": str(msg["From"]),
            "envelope_from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "subject": str(msg["Subject"]),
            "text": (body.get_content() if body is not None else "").replace("\r\n", "\n").rstrip("\n"),
            "user": login(session),
        }
        print(json.dumps(record, ensure_ascii=False), flush=True)
        return "250 2.0.0 Ok: queued as SARAFAN%d" % (hash(envelope.original_content) & 0xFFFFFF)


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == user
            and auth_data.password.decode() == password
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    return check


def main():
    user, password = sys.argv[1], sys.argv[2]
    port = free_port()
    controller = Controller(
        Handler(),
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator(user, password),
        auth_required=True,
        auth_require_tls=False,
        server_hostname="smtp.test",
    )
    controller.start()
    print("READY %d" % port, flush=True)
    try:
        # Runs until the test closes our stdin (or kills us).
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
