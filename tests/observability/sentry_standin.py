"""A stand-in for Sentry's ingestion API, for tests: a real HTTP server on loopback that the
shop's sentry-sdk sends its envelopes to (``SENTRY_DSN=http://key@127.0.0.1:<port>/1``).

It accepts ``POST /api/<project>/envelope/`` (newline-separated JSON: the envelope header,
then for each item a header and a payload of ``length`` bytes or up to the next newline) and
the older ``POST /api/<project>/store/`` (one event as JSON), compressed with gzip, deflate or
brotli as the SDK chooses, and keeps what it received in memory.
"""

import gzip
import json
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    import brotli
except ImportError:  # the SDK only uses brotli when it is installed
    brotli = None


def decompress(body, encoding):
    encoding = (encoding or "").strip().lower()
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    if encoding == "br":
        return brotli.decompress(body)
    return body


def parse_envelope(data):
    """``(header, [(item_header, payload_bytes), ...])`` of one envelope."""
    header_line, _, rest = data.partition(b"\n")
    header = json.loads(header_line)
    items = []
    while rest.strip():
        item_line, _, rest = rest.partition(b"\n")
        item_header = json.loads(item_line)
        length = item_header.get("length")
        if length is None:
            payload, _, rest = rest.partition(b"\n")
        else:
            payload, rest = rest[:length], rest[length:]
            rest = rest.removeprefix(b"\n")
        items.append((item_header, payload))
    return header, items


class SentryStandIn:
    def __init__(self):
        self.envelopes = []  # (path, auth header, envelope header, items)
        self.requests = []  # (method, path) of every request, answered or not
        self._lock = threading.Lock()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with standin._lock:
                    standin.requests.append(("POST", self.path))
                parts = self.path.strip("/").split("/")
                if len(parts) != 3 or parts[0] != "api" or parts[2] not in ("envelope", "store"):
                    self.send_error(404)
                    return
                data = decompress(body, self.headers.get("Content-Encoding"))
                if parts[2] == "store":
                    header, items = {}, [({"type": "event"}, data)]
                else:
                    header, items = parse_envelope(data)
                with standin._lock:
                    standin.envelopes.append(
                        (self.path, self.headers.get("X-Sentry-Auth", ""), header, items)
                    )
                answer = json.dumps({"id": header.get("event_id", "")}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def dsn(self, project=1):
        return f"http://publickey@127.0.0.1:{self.port}/{project}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def events(self):
        """Every error event received (items of type ``event``), decoded."""
        with self._lock:
            return [
                json.loads(payload)
                for _path, _auth, _header, items in self.envelopes
                for item_header, payload in items
                if item_header.get("type") == "event"
            ]

    def raw(self):
        """Everything received, as text: for checking what must never be in it."""
        with self._lock:
            return "\n".join(
                payload.decode("utf-8", "replace")
                for _path, _auth, _header, items in self.envelopes
                for _item_header, payload in items
            )

    def wait_for_events(self, count, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.events()) >= count:
                return self.events()
            time.sleep(0.1)
        return self.events()
