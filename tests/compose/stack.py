"""The shop's docker compose stack on a real Docker engine, as an operator runs it.

A copy of the repository (the files git tracks, plus new ones it does not ignore) goes into a
folder of its own; ``.env`` is written from ``.env.example`` the way docs/operations.md tells an
operator to (every ``change-me`` replaced by a random secret, ``ALLOWED_HOSTS`` left as the
shop's domain only); the unchanged ``docker-compose.yml`` runs with one override file,
``override.yml`` beside this module, for what a real deployment would not have: ports on
loopback, a self-signed certificate instead of Let's Encrypt, and stand-ins for Bakong and
the mail server. The images the compose file names are local stand-ins built from Debian
packages by tests/deploy/standins/build.sh.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path

import requests
import urllib3

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
DOMAIN = "shop.example.com"

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_repository(target):
    """The files a clone has, plus new files not yet committed (not ignored ones)."""
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, files):
        source = ROOT / name.decode()
        if source.is_file():
            destination = target / name.decode()
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)


def operator_env(example, overrides):
    """.env as docs/operations.md says to make it: copy .env.example, replace every
    placeholder with a real value, and set what differs on this server."""
    lines = []
    for line in example.splitlines():
        key, sep, value = line.partition("=")
        if sep and not line.startswith("#"):
            if key in overrides:
                value = overrides.pop(key)
            elif value.startswith("change-me"):
                value = secrets.token_urlsafe(48)
            line = f"{key}={value}"
        lines.append(line)
    lines += [f"{key}={value}" for key, value in overrides.items()]
    return "\n".join(lines) + "\n"


class Stack:
    def __init__(self, workdir, name="shoptest"):
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.http_port = free_port()
        self.https_port = free_port()
        self.bakong_port = free_port()
        self.files = ["docker-compose.yml", "override.yml"]

    # --- setting up ---------------------------------------------------------------------

    def prepare(self, **env_overrides):
        copy_repository(self.dir)
        shutil.copy(HERE / "override.yml", self.dir / "override.yml")
        overrides = {
            "SERVER_NAME": DOMAIN,
            "LETSENCRYPT_EMAIL": "owner@example.com",
            # Bakong and Gmail cannot be reached from here: their stand-ins (override.yml).
            "BAKONG_API_BASE_URL": "http://bakong:8001",
            "EMAIL_HOST": "smtp",
            "EMAIL_PORT": "1025",
            "EMAIL_USE_TLS": "False",
            # As an operator who wants the metrics and alerts (the monitoring profile).
            "METRICS_TOKEN": secrets.token_urlsafe(32),
            **env_overrides,
        }
        env_text = operator_env((self.dir / ".env.example").read_text(), overrides)
        (self.dir / ".env").write_text(env_text)
        (self.dir / ".env").chmod(0o600)
        self.load_env()

    def load_env(self):
        self.env = dict(
            line.split("=", 1)
            for line in (self.dir / ".env").read_text().splitlines()
            if line and not line.startswith("#") and "=" in line
        )

    def compose(self, *args, check=True, timeout=900, files=None, env=None):
        command = ["docker", "compose", "-p", self.name]
        for file in files or self.files:
            command += ["-f", file]
        result = subprocess.run(
            command + list(args),
            cwd=self.dir,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={
                **os.environ,
                "TEST_HTTP_PORT": str(self.http_port),
                "TEST_HTTPS_PORT": str(self.https_port),
                "TEST_BAKONG_PORT": str(self.bakong_port),
                **(env or {}),
            },
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"docker compose {' '.join(args)} failed ({result.returncode}):\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )
        return result

    def down(self, volumes=True):
        if not (self.dir / "docker-compose.yml").exists():
            subprocess.run(
                ["docker", "compose", "-p", self.name, "down", "--remove-orphans", "-v"],
                capture_output=True,
            )
            return
        self.compose(
            "--profile",
            "letsencrypt",
            "--profile",
            "monitoring",
            "down",
            "--remove-orphans",
            *(["-v"] if volumes else []),
            check=False,
        )

    # --- looking at it --------------------------------------------------------------------

    def containers(self, service=None):
        """[{Service, Name, State, Health, ID...}] of the running project's containers."""
        args = ["ps", "--all", "--format", "json"] + ([service] if service else [])
        out = self.compose(*args).stdout.strip()
        if not out:
            return []
        if out.startswith("["):
            return json.loads(out)
        return [json.loads(line) for line in out.splitlines()]

    def inspect(self, container, template):
        return subprocess.run(
            ["docker", "inspect", "-f", template, container],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    def wait_healthy(self, services, timeout=300):
        deadline = time.monotonic() + timeout
        while True:
            states = {c["Service"]: (c["State"], c.get("Health", "")) for c in self.containers()}
            waiting = [s for s in services if states.get(s, ("missing", ""))[1] != "healthy"]
            if not waiting:
                return states
            if time.monotonic() > deadline:
                logs = self.compose("logs", "--tail", "40", *waiting, check=False).stdout
                raise AssertionError(f"not healthy: {waiting}: {states}\n{logs[-6000:]}")
            time.sleep(2)

    def logs(self, *services):
        return self.compose("logs", "--no-color", *services, check=False).stdout

    def exec(self, service, *command, check=True, user=None):
        args = ["exec", "-T"] + (["-u", user] if user else []) + [service, *command]
        return self.compose(*args, check=check)

    def shell(self, code):
        """Python run by Django's shell in the web container; what it prints."""
        return self.exec(
            "web", "python", "manage.py", "shell", "--no-imports", "-c", code
        ).stdout.strip()

    def sql(self, statement):
        result = self.exec(
            "db",
            "sh",
            "-c",
            f'MYSQL_PWD="$MYSQL_ROOT_PASSWORD" mysql -uroot -N -B "$MYSQL_DATABASE" -e "{statement}"',
        )
        return result.stdout.strip()

    # --- talking to it like a browser -----------------------------------------------------

    @property
    def https(self):
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def http(self):
        return f"http://127.0.0.1:{self.http_port}"

    def session(self):
        """A browser for https://shop.example.com/ that connects to the loopback port (the
        certificate is self-signed; redirects are not followed, so nothing ever leaves for
        the real shop.example.com)."""
        session = NoRedirectSession()
        session.trust_env = False
        session.verify = False
        session.headers["Host"] = DOMAIN
        session.headers["Referer"] = f"https://{DOMAIN}/"
        return session

    def install_certificate(self, workdir):
        """What certbot's first issue does: the certificate and key in the certbot_certs
        volume under live/<domain>/ (self-signed here: Let's Encrypt is unreachable)."""
        certs = Path(workdir) / "certs"
        certs.mkdir(exist_ok=True)
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", f"/CN={DOMAIN}", "-addext", f"subjectAltName=DNS:{DOMAIN}",
                "-keyout", str(certs / "privkey.pem"), "-out", str(certs / "fullchain.pem"),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        subprocess.run(
            [
                "docker", "run", "--rm", "--entrypoint", "sh",
                "-v", f"{self.name}_certbot_certs:/etc/letsencrypt",
                "-v", f"{certs}:/src:ro",
                "certbot/certbot:v5.5.0", "-c",
                f"mkdir -p /etc/letsencrypt/live/{DOMAIN} && "
                f"cp /src/fullchain.pem /src/privkey.pem /etc/letsencrypt/live/{DOMAIN}/ && "
                f"chmod 700 /etc/letsencrypt/live",
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        return certs / "fullchain.pem"


class NoRedirectSession(requests.Session):
    """Redirects are answers to look at, never followed: they name https://shop.example.com/,
    which must not be reached."""

    def request(self, method, url, **kwargs):
        kwargs.setdefault("allow_redirects", False)
        return super().request(method, url, **kwargs)


def wait_for(predicate, timeout, message, interval=1):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(message() if callable(message) else message)
        time.sleep(interval)
