"""docker/entrypoint.sh's stop delay (SHOP_STOP_DELAY), run as the container runs it: sh as
the main process, its command a small HTTP server that says when it is asked to stop.

The entrypoint's Django steps (waiting for the database, `check --deploy`) are not what is
tested here: a `python` placed first on PATH answers them, and only them, with success.
"""

import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SERVER = textwrap.dedent(
    """
    import http.server, signal, sys, threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)

    def stop(signum, frame):
        print("server: stop signal", flush=True)
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    print("server: ready", flush=True)
    server.serve_forever()
    print("server: stopped", flush=True)
    """
)


@pytest.fixture
def bin_dir(tmp_path):
    """`python manage.py …` succeeds without a database; any other `python` is the real one."""
    directory = tmp_path / "bin"
    directory.mkdir()
    fake = directory / "python"
    fake.write_text(f'#!/bin/sh\n[ "$1" = manage.py ] && exit 0\nexec {sys.executable} "$@"\n')
    fake.chmod(0o755)
    (tmp_path / "server.py").write_text(SERVER)
    return directory


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def container_env(bin_dir, delay):
    """Only what the entrypoint reads (no stray *_FILE variable from the machine's own)."""
    return {"PATH": f"{bin_dir}:{os.environ['PATH']}", "SHOP_STOP_DELAY": delay}


def start(tmp_path, bin_dir, delay):
    port = free_port()
    env = container_env(bin_dir, delay)
    process = subprocess.Popen(
        [
            "sh",
            str(ROOT / "docker" / "entrypoint.sh"),
            "python",
            str(tmp_path / "server.py"),
            str(port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout.readline().strip() == "server: ready"
    return process, f"http://127.0.0.1:{port}/"


def answers(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status == 200 and response.read() == b"ok"


def test_the_server_answers_for_the_delay_after_the_stop_signal_then_stops_gracefully(
    tmp_path, bin_dir
):
    process, url = start(tmp_path, bin_dir, "3")
    try:
        assert answers(url)
        process.send_signal(signal.SIGTERM)
        # The entrypoint says it is draining; the server has not been told to stop yet.
        assert "answering for 3s more" in process.stdout.readline()
        assert answers(url)
        time.sleep(1)
        assert answers(url)
        assert process.poll() is None
        # Then the server gets the stop signal, stops, and the container exits cleanly.
        assert process.stdout.readline().strip() == "server: stop signal"
        assert process.stdout.readline().strip() == "server: stopped"
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        process.wait()


def test_without_a_delay_the_command_replaces_the_shell(tmp_path, bin_dir):
    """Compose and one server: the stop signal reaches the server at once (exec)."""
    process, url = start(tmp_path, bin_dir, "0")
    try:
        assert answers(url)
        process.send_signal(signal.SIGTERM)
        assert process.stdout.readline().strip() == "server: stop signal"
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        process.wait()


def test_a_server_that_exits_by_itself_passes_its_status_on(tmp_path, bin_dir):
    env = container_env(bin_dir, "5")
    result = subprocess.run(
        ["sh", str(ROOT / "docker" / "entrypoint.sh"), "sh", "-c", "exit 3"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 3, result.stderr
