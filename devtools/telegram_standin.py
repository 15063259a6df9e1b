"""A local stand-in for the Telegram Bot API's sendMessage, for development and tests.

``python -m devtools.telegram_standin --port 8002`` (with TELEGRAM_API_BASE_URL pointing at
it and TELEGRAM_BOT_TOKEN matching ``--token``) prints every message the shop sends;
``server.messages`` holds them in tests, and ``server.fail_next`` makes the next requests
answer 500 as an outage would.
"""

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class TelegramHandler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def _reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        server = self.server
        parts = self.path.strip("/").split("/")
        if len(parts) != 2 or not parts[0].startswith("bot") or parts[1] != "sendMessage":
            return self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        if parts[0][3:] != server.token:
            return self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        with server.lock:
            if server.fail_next > 0:
                server.fail_next -= 1
                return self._reply(
                    500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}
                )
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return self._reply(400, {"ok": False, "error_code": 400, "description": "Bad Request"})
        if not body.get("chat_id") or not body.get("text"):
            return self._reply(
                400,
                {
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: message text is empty",
                },
            )
        with server.lock:
            server.messages.append(body)
            message_id = len(server.messages)
        if server.echo:
            print(f"Telegram to {body['chat_id']}:\n{body['text']}\n", flush=True)  # noqa: T201
        return self._reply(
            200,
            {
                "ok": True,
                "result": {
                    "message_id": message_id,
                    "chat": {"id": body["chat_id"]},
                    "text": body["text"],
                },
            },
        )


def make_server(host="127.0.0.1", port=8002, token="sandbox-bot-token", echo=False):  # noqa: S107
    server = ThreadingHTTPServer((host, port), TelegramHandler)
    server.daemon_threads = True
    server.token = token
    server.messages = []
    server.fail_next = 0
    server.lock = threading.Lock()
    server.echo = echo
    return server


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m devtools.telegram_standin",
        description="Run a local stand-in for the Telegram Bot API's sendMessage.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8002)
    parser.add_argument("--token", default="sandbox-bot-token", help="The bot token it accepts.")
    options = parser.parse_args(argv)
    server = make_server(options.host, options.port, options.token, echo=True)
    print(f"Telegram stand-in on http://{options.host}:{options.port}/", flush=True)  # noqa: T201
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
