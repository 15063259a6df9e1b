"""A local stand-in for the Bakong Open API, speaking its real endpoints and envelopes.

It lets developers and tests "pay" a KHQR without a bank: ``POST /sandbox/pay/`` with
``{"qr": "<the KHQR string>"}`` pays it as a wallet would (amount, currency and receiving
account read from the QR), and ``POST /sandbox/mode/`` makes it answer slowly, with 429,
500 or 401. ``GET /sandbox/`` is a page listing recent QRs with a "Pay" button.

Run it with ``python manage.py bakong_sandbox`` under the dev or test settings (bin/dev does),
or, where the ``devtools`` app is not installed (a production image, a process with
production settings), with ``python -m devtools.bakong_sandbox``: it needs no Django settings.
"""

import argparse
import hashlib
import html
import json
import os
import secrets
import threading
import time
from collections import OrderedDict
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from checkout.khqr.builder import KHQRError, qr_md5, read_khqr

MODES = ("normal", "slow", "429", "500", "401", "garbage", "nulldata")

# The e-mail the sandbox treats as registered with Bakong, unless it is given another.
DEFAULT_REGISTERED_EMAIL = "owner@example.com"

# Bakong's error codes (reference/khqr.md) that the sandbox answers itself.
ERROR_MISSING_FIELDS = 5
ERROR_UNAUTHORIZED = 6
ERROR_NOT_REGISTERED = 10


def envelope(data=None, code=0, message="Success", error=None):
    return {"responseCode": code, "responseMessage": message, "errorCode": error, "data": data}


class SandboxState:
    def __init__(self, token, emails=(DEFAULT_REGISTERED_EMAIL,)):
        self.lock = threading.Lock()
        self.token = token
        # Registered e-mails, compared as Bakong would: case-insensitively, whole address.
        self.emails = {email.strip().lower() for email in emails}
        self.mode = "normal"
        self.delay = 10.0
        self.qrs = OrderedDict()  # md5 -> {"qr", "info", "seen"}
        self.transactions = {}  # md5 -> transaction data
        self.calls = []  # (endpoint, time) for tests to inspect
        self.accounts = set()
        self.failed = set()  # md5s whose transfer failed

    def remember(self, qr):
        md5 = qr_md5(qr)
        try:
            info = read_khqr(qr)
        except (KHQRError, KeyError, ValueError):
            info = {}
        with self.lock:
            self.qrs[md5] = {"qr": qr, "info": info, "seen": time.time()}
            self.qrs.move_to_end(md5)
            while len(self.qrs) > 200:
                self.qrs.popitem(last=False)
        return md5, info

    def pay(self, qr, amount=None, currency=None, payer=None, to_account=None, created_ms=None):
        md5, info = self.remember(qr)
        if not info.get("account_id"):
            raise ValueError("That is not a KHQR string the sandbox can read.")
        now_ms = int(time.time() * 1000)
        transaction = {
            "hash": hashlib.sha256(f"{md5}{secrets.token_hex(8)}".encode()).hexdigest(),
            "fromAccountId": payer or "sandbox_payer@abaa",
            "toAccountId": to_account or info["account_id"],
            "currency": currency or info["currency"],
            "amount": float(amount if amount is not None else info["amount"]),
            "description": None,
            "createdDateMs": created_ms if created_ms is not None else now_ms,
            "acknowledgedDateMs": (created_ms if created_ms is not None else now_ms) + 1000,
            "trackingStatus": None,
            "receiverBank": None,
            "receiverBankAccount": None,
            "instructionRef": None,
            "externalRef": f"100FT{secrets.randbelow(10**11):011d}",
        }
        # JSON numbers as Bakong sends them (amount 1.0, whole-number milliseconds).
        if amount is not None:
            transaction["amount"] = Decimal(str(amount))
        with self.lock:
            self.transactions[md5] = transaction
        return md5, transaction


class SandboxHandler(BaseHTTPRequestHandler):
    server_version = "BakongSandbox/1.0"
    state: SandboxState = None  # set by make_server

    def log_message(self, format, *args):  # keep test output quiet
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)

    # --- plumbing ----------------------------------------------------------------------

    def _send(self, status, body, content_type="application/json"):
        if not isinstance(body, bytes | str):
            body = json.dumps(body, default=_json_default)
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if (self.headers.get("Content-Type") or "").startswith("application/x-www-form-urlencoded"):
            return {key: values[0] for key, values in parse_qs(raw.decode()).items()}
        try:
            return json.loads(raw or b"null")
        except ValueError:
            return None

    # --- routes --------------------------------------------------------------------------

    def do_GET(self):
        path = urlsplit(self.path).path
        if path in ("/sandbox", "/sandbox/"):
            return self._send(200, self._page(), "text/html; charset=utf-8")
        if path == "/sandbox/state/":
            with self.state.lock:
                return self._send(
                    200,
                    {
                        "mode": self.state.mode,
                        "qrs": list(self.state.qrs),
                        "paid": list(self.state.transactions),
                        "calls": [name for name, _ in self.state.calls],
                    },
                )
        return self._send(404, envelope(code=1, message="Not found", error=None))

    def do_POST(self):
        path = urlsplit(self.path).path
        if path.startswith("/sandbox/"):
            return self._control(path)
        if not path.startswith("/v1/"):
            return self._send(404, envelope(code=1, message="Not found"))
        name = path[len("/v1/") :].strip("/")
        with self.state.lock:
            self.state.calls.append((name, time.time()))
            mode, delay = self.state.mode, self.state.delay
        if mode == "slow":
            time.sleep(delay)
        elif mode == "429":
            return self._send(429, {"message": "Too Many Requests"})
        elif mode == "500":
            return self._send(500, "<html><body>Internal Server Error</body></html>", "text/html")
        elif mode == "garbage":
            return self._send(200, "<html>maintenance</html>", "text/html")
        body = self._body()
        if name == "renew_token":
            return self._renew_token(body)
        if mode == "401" or self.headers.get("Authorization") != f"Bearer {self.state.token}":
            return self._send(
                401, envelope(code=1, message="Unauthorized", error=ERROR_UNAUTHORIZED)
            )
        handler = {
            "check_transaction_by_md5": self._check_md5,
            "check_transaction_by_md5_list": self._check_md5_list,
            "check_bakong_account": self._check_account,
            "generate_deeplink_by_qr": self._deeplink,
        }.get(name)
        if handler is None:
            return self._send(404, envelope(code=1, message="Unknown endpoint", error=None))
        return handler(body)

    def _renew_token(self, body):
        """Bakong's ``/v1/renew_token``: the only call without a bearer token, so it gives a
        token only for the e-mail registered with Bakong (errorCode 10 for any other)."""
        email = body.get("email") if isinstance(body, dict) else None
        if not isinstance(email, str) or not email.strip():
            return self._send(
                400,
                envelope(
                    code=1, message="Missing required fields: email", error=ERROR_MISSING_FIELDS
                ),
            )
        if email.strip().lower() not in self.state.emails:
            return self._send(
                400, envelope(code=1, message="Email is not registered", error=ERROR_NOT_REGISTERED)
            )
        return self._send(200, envelope({"token": self.state.token}, 0, "Token has been issued"))

    def _check_md5(self, body):
        if not isinstance(body, dict) or not isinstance(body.get("md5"), str):
            return self._send(400, envelope(code=1, message="Missing md5", error=5))
        with self.state.lock:
            transaction = self.state.transactions.get(body["md5"])
            failed = body["md5"] in self.state.failed
            mode = self.state.mode
        if mode == "nulldata":
            return self._send(200, envelope(None, 0, "Getting transaction successfully."))
        if failed:
            return self._send(200, envelope(None, 1, "Transaction failed.", 3))
        if transaction is None:
            return self._send(200, envelope(None, 1, "Transaction could not be found.", 1))
        return self._send(200, envelope(transaction, 0, "Getting transaction successfully."))

    def _check_md5_list(self, body):
        if not isinstance(body, list) or len(body) > 50:
            return self._send(400, envelope(code=1, message="Send at most 50 md5 values", error=5))
        items = []
        with self.state.lock:
            for md5 in body:
                transaction = self.state.transactions.get(md5)
                if md5 in self.state.failed:
                    items.append(
                        {"md5": md5, "status": "FAILED", "message": "Failed", "data": None}
                    )
                elif transaction:
                    items.append(
                        {"md5": md5, "status": "SUCCESS", "message": None, "data": transaction}
                    )
                else:
                    items.append(
                        {
                            "md5": md5,
                            "status": "NOT_FOUND",
                            "message": "Transaction not found",
                            "data": None,
                        }
                    )
        return self._send(200, envelope(items, 0, "Getting transactions successfully."))

    def _check_account(self, body):
        account = body.get("accountId") if isinstance(body, dict) else None
        if not account or "@" not in account:
            return self._send(200, envelope(None, 1, "Account ID is invalid", 12))
        known = account in self.state.accounts or not self.state.accounts
        if known:
            return self._send(200, envelope({"bakongAccountExists": True}, 0, "Account exists"))
        return self._send(200, envelope(None, 1, "Account could not be found", 11))

    def _deeplink(self, body):
        qr = body.get("qr") if isinstance(body, dict) else None
        if not isinstance(qr, str) or not qr:
            return self._send(400, envelope(code=1, message="Missing qr", error=5))
        md5, _ = self.state.remember(qr)
        host = self.headers.get("Host", "127.0.0.1")
        return self._send(200, envelope({"shortLink": f"http://{host}/sandbox/?md5={md5}"}))

    def _control(self, path):
        body = self._body()
        if path == "/sandbox/mode/":
            mode = body.get("mode") if isinstance(body, dict) else None
            if mode not in MODES:
                return self._send(400, {"error": f"mode must be one of {', '.join(MODES)}"})
            with self.state.lock:
                self.state.mode = mode
                self.state.delay = float(body.get("delay", self.state.delay))
            return self._send(200, {"mode": mode, "delay": self.state.delay})
        if path == "/sandbox/fail/":
            md5 = body.get("md5") if isinstance(body, dict) else None
            if not isinstance(md5, str):
                return self._send(400, {"error": "Give the md5 of the QR whose transfer failed."})
            with self.state.lock:
                self.state.failed.add(md5)
            return self._send(200, {"failed": md5})
        if path == "/sandbox/reset/":
            with self.state.lock:
                self.state.mode = "normal"
                self.state.qrs.clear()
                self.state.transactions.clear()
                self.state.calls.clear()
                self.state.failed.clear()
            return self._send(200, {"reset": True})
        if path in ("/sandbox/pay/", "/sandbox/pay-form/"):
            form = path == "/sandbox/pay-form/"
            if not isinstance(body, dict):
                return self._send(400, {"error": "Send a JSON object with the QR."})
            qr = body.get("qr")
            if not qr and body.get("md5"):
                qr = (self.state.qrs.get(body["md5"]) or {}).get("qr")
            if not isinstance(qr, str) or not qr:
                return self._send(400, {"error": "Give the KHQR string as qr."})
            try:
                md5, transaction = self.state.pay(
                    qr.strip(),
                    amount=body.get("amount"),
                    currency=body.get("currency"),
                    payer=body.get("payer"),
                    to_account=body.get("to_account"),
                    created_ms=body.get("created_ms"),
                )
            except (ValueError, KHQRError) as error:
                return self._send(400, {"error": str(error)})
            if form:
                self.send_response(303)
                self.send_header("Location", "/sandbox/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            return self._send(200, {"md5": md5, "transaction": transaction})
        return self._send(404, {"error": "Unknown sandbox control."})

    def _page(self):
        rows = []
        with self.state.lock:
            qrs = list(reversed(self.state.qrs.items()))
            paid = set(self.state.transactions)
            mode = self.state.mode
        for md5, entry in qrs:
            info = entry["info"]
            amount = f"{info.get('amount')} {info.get('currency')}" if info else "?"
            expires = info.get("expires_ms")
            left = int((expires / 1000 - time.time()) // 60) if expires else None
            status = (
                "Paid"
                if md5 in paid
                else (f"{left} min left" if left is not None and left >= 0 else "Expired")
            )
            button = (
                "<span class=paid>✓ Paid</span>"
                if md5 in paid
                else f"<form method=post action='/sandbox/pay-form/'><input type=hidden name=md5 value='{md5}'>"
                f"<button>Pay {html.escape(amount)}</button></form>"
            )
            rows.append(
                f"<tr><td>{html.escape(str(info.get('bill_number') or '-'))}</td><td>{html.escape(amount)}</td>"
                f"<td>{html.escape(str(info.get('account_id') or '-'))}</td><td>{status}</td><td>{button}</td>"
                f"<td><code>{md5[:10]}…</code></td></tr>"
            )
        table = (
            "".join(rows)
            or "<tr><td colspan=6>No QR codes yet. Check out in the shop to make one.</td></tr>"
        )
        return f"""<!doctype html><html lang=en><head><meta charset=utf-8>
<meta name=viewport content="width=device-width, initial-scale=1"><title>Bakong sandbox</title>
<style>body{{font:16px system-ui,sans-serif;margin:2rem auto;max-width:960px;padding:0 1rem;color:#1b1f24}}
table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ddd;padding:.5rem;text-align:left}}
button{{background:#e1232e;color:#fff;border:0;border-radius:6px;padding:.5rem .9rem;font-weight:600;cursor:pointer}}
.paid{{color:#1e7b4a;font-weight:700}}.note{{background:#fff7e6;border:1px solid #f3d9a4;padding:.75rem;border-radius:8px}}
textarea{{width:100%;min-height:5rem}}</style></head><body>
<h1>Bakong sandbox</h1>
<p class=note>A local stand-in for the Bakong Open API (mode: <b>{mode}</b>). "Pay" pays a KHQR as a banking app would: the amount, currency and receiving account come from the code.</p>
<table><thead><tr><th>Bill</th><th>Amount</th><th>To</th><th>Status</th><th></th><th>md5</th></tr></thead><tbody>{table}</tbody></table>
<h2>Pay any KHQR</h2><form method=post action='/sandbox/pay-form/'><label for=qr>KHQR string</label>
<textarea id=qr name=qr required></textarea><p><button>Pay this code</button></p></form>
<script>setTimeout(function(){{location.reload()}},5000)</script></body></html>"""


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"Cannot encode {type(value)}")


def make_server(
    host="127.0.0.1",
    port=8001,
    token="sandbox-token",  # noqa: S107
    verbose=False,
    email=DEFAULT_REGISTERED_EMAIL,
):
    """A ready-to-run sandbox server; ``server.state`` is its state, ``serve_forever()`` runs it.
    ``email`` is the address registered with "Bakong": ``/v1/renew_token`` answers a token
    for it only."""
    state = SandboxState(token, emails=[email])
    handler = type("BoundSandboxHandler", (SandboxHandler,), {"state": state})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    server.state = state
    server.verbose = verbose
    return server


def add_arguments(parser, default_token):
    """The options shared by ``manage.py bakong_sandbox`` and ``python -m``."""
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument(
        "--token",
        default=default_token,
        help="The bearer token the sandbox accepts (default: BAKONG_API_TOKEN).",
    )
    parser.add_argument(
        "--email",
        default=DEFAULT_REGISTERED_EMAIL,
        help="The e-mail registered with the sandbox: /v1/renew_token answers a token "
        f"for it only (default: {DEFAULT_REGISTERED_EMAIL}).",
    )


def serve(host, port, token, email=DEFAULT_REGISTERED_EMAIL, verbose=False, write=print):
    """Run the sandbox until interrupted."""
    server = make_server(host, port, token, verbose=verbose, email=email)
    write(f"Bakong sandbox on http://{host}:{port}/ (pay QR codes at /sandbox/)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m devtools.bakong_sandbox",
        description="Run a local server that speaks the Bakong Open API, with a page to pay "
        "QR codes.",
    )
    add_arguments(parser, os.environ.get("BAKONG_API_TOKEN") or "sandbox-token")
    parser.add_argument("-v", "--verbose", action="store_true", help="Log every request.")
    options = parser.parse_args(argv)
    serve(
        options.host,
        options.port,
        options.token,
        email=options.email,
        verbose=options.verbose,
        write=lambda line: print(line, flush=True),  # noqa: T201
    )


if __name__ == "__main__":
    main()
