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


def container_env(bin_dir, delay, **variables):
    """Only what the entrypoint reads (no stray *_FILE variable from the machine's own)."""
    return {"PATH": f"{bin_dir}:{os.environ['PATH']}", "SHOP_STOP_DELAY": delay, **variables}


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


def run_entrypoint(bin_dir, *command, **variables):
    return subprocess.run(
        ["sh", str(ROOT / "docker" / "entrypoint.sh"), *command],
        env=container_env(bin_dir, "0", **variables),
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_secrets_are_read_from_their_files_and_other_file_settings_are_left_alone(
    tmp_path, bin_dir
):
    secret = tmp_path / "shop_secret_key"
    secret.write_text("a-secret-from-docker\n")
    result = run_entrypoint(
        bin_dir,
        "sh",
        "-c",
        'echo "key=$SECRET_KEY file=${SECRET_KEY_FILE:-} heartbeat=$SHOP_WORKER_HEARTBEAT_FILE"',
        SECRET_KEY_FILE=str(secret),
        # A file the worker writes later: a setting, not a secret to read at start.
        SHOP_WORKER_HEARTBEAT_FILE=str(tmp_path / "not-yet-written"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"key=a-secret-from-docker file= heartbeat={tmp_path / 'not-yet-written'}"
    )


def test_a_secret_file_that_cannot_be_read_stops_the_container_with_its_name(tmp_path, bin_dir):
    result = run_entrypoint(bin_dir, "true", DB_PASSWORD_FILE=str(tmp_path / "missing"))
    assert result.returncode == 1
    assert "DB_PASSWORD_FILE names" in result.stderr


def test_the_entrypoint_reads_every_secret_the_settings_read_from_files():
    import re

    settings = (ROOT / "website" / "settings" / "base.py").read_text()
    read_by_settings = set(re.findall(r'env_or_file\("([A-Z0-9_]+)"', settings))
    entrypoint = (ROOT / "docker" / "entrypoint.sh").read_text()
    listed = re.search(r"^for var in (.*?); do", entrypoint, re.S | re.M).group(1)
    assert set(listed.replace("\\", " ").split()) == read_by_settings


def test_a_stop_signal_while_starting_stops_the_container(tmp_path, bin_dir):
    """Waiting for the migrate job (SHOP_WAIT_FOR_MIGRATIONS) can take minutes."""
    slow = bin_dir / "python"
    slow.write_text(
        f'#!/bin/sh\n[ "$1 $2" = "manage.py migrate" ] && exit 1\n'
        f'[ "$1" = manage.py ] && exit 0\nexec {sys.executable} "$@"\n'
    )
    process = subprocess.Popen(
        ["sh", str(ROOT / "docker" / "entrypoint.sh"), "true"],
        env=container_env(bin_dir, "0", SHOP_WAIT_FOR_MIGRATIONS="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert "waiting for the migrate job" in process.stdout.readline()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 143
    finally:
        process.kill()
        process.wait()
