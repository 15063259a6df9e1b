"""An SMTP server that wants the shop's EMAIL_HOST_USER / EMAIL_HOST_PASSWORD (AUTH PLAIN or
LOGIN) and prints every accepted message's envelope and headers."""

import os
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER = os.environ["EMAIL_HOST_USER"].encode()
PASSWORD = os.environ["EMAIL_HOST_PASSWORD"].encode()


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER,
        PASSWORD,
    )
    print(f"AUTH {mechanism} {'accepted' if ok else 'refused'}", flush=True)
    return AuthResult(success=ok)


class Printer:
    async def handle_DATA(self, server, session, envelope):
        headers = envelope.content.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
        print(f"MESSAGE from={envelope.mail_from} to={','.join(envelope.rcpt_tos)}", flush=True)
        print(headers, flush=True)
        return "250 Message accepted"


controller = Controller(
    Printer(),
    hostname="0.0.0.0",  # noqa: S104 (inside its container)
    port=1025,
    authenticator=authenticate,
    auth_required=True,
    auth_require_tls=False,
)
controller.start()
print("SMTP stand-in listening on 1025", flush=True)
while True:
    time.sleep(3600)
