"""/healthz and /readyz as compose calls them: gunicorn from the project's config, the
production settings configured from .env.example (ALLOWED_HOSTS holds only the shop's
domain), and a health check that sends ``Host: 127.0.0.1:8000``. Every other path keeps
Django's host validation and the HTTPS redirect. /readyz names the cache when Redis
cannot be reached."""

import os
import re
import signal
import subprocess
import sys
import time

import pytest
import requests
from django.conf import settings as django_settings

from tests.deploy.native_stack import ROOT, free_port

# gunicorn reads the test database, which must be committed to be seen from another process.
pytestmark = pytest.mark.django_db(transaction=True)

HEALTH_CHECK_HOST = {"Host": "127.0.0.1:8000"}  # what curl inside the web container sends


def env_example():
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.match(r"^([A-Z_]+)=(.*)$", line)
        if match:
            values[match.group(1)] = match.group(2)
    return values


class Gunicorn:
    """gunicorn started as the web container starts it, on the test database."""

    def __init__(self, tmp_path, redis_url):
        database = django_settings.DATABASES["default"]
        self.port = free_port()
        self.log_path = tmp_path / f"gunicorn-{self.port}.log"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DB_", "DATABASE_", "DJANGO_", "REDIS_"))
        }
        self.env.update(env_example())
        self.env.update(
            {
                "DJANGO_SETTINGS_MODULE": "website.settings.production",
                "SECRET_KEY": "health-test-secret-key-Vq9Lm2Zx7Rt0Kp5Wn8Hd3-0123456789",
                "DB_NAME": database["NAME"],
                "DB_USER": database["USER"],
                "DB_PASSWORD": database["PASSWORD"],
                "DB_HOST": database["HOST"] or "127.0.0.1",
                "DB_PORT": str(database["PORT"] or 3306),
                "DB_COLLATION": database["TEST"]["COLLATION"],
                "REDIS_URL": redis_url,
                "GUNICORN_BIND": f"127.0.0.1:{self.port}",
                "GUNICORN_WORKERS": "1",
                "PYTHONUNBUFFERED": "1",
            }
        )
        assert self.env["ALLOWED_HOSTS"] == "shop.example.com,www.shop.example.com"
        self.process = None

    def __enter__(self):
        self.log = open(self.log_path, "w")  # noqa: SIM115  (closed in __exit__)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "docker/gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(self.url("/healthz"), headers=HEALTH_CHECK_HOST, timeout=2)
                return self
            except requests.ConnectionError:
                pass
            assert self.process.poll() is None, self.log_path.read_text()
            assert time.monotonic() < deadline, self.log_path.read_text()
            time.sleep(0.2)

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.close()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def request(self, method, path, host="127.0.0.1:8000"):
        return requests.request(
            method, self.url(path), headers={"Host": host}, timeout=10, allow_redirects=False
        )


def test_health_checks_answer_any_host_and_nothing_else_does(mysql_only, tmp_path):
    with Gunicorn(tmp_path, redis_url="redis://127.0.0.1:6379/7") as web:
        for path in ("/healthz", "/readyz"):
            for method in ("GET", "HEAD"):
                response = web.request(method, path)
                assert response.status_code == 200, (method, path, response.text)
            assert web.request("GET", path).json() == {"status": "ok"}
            # Plain HTTP from the health check: no redirect to HTTPS for these two paths.
            assert web.request("GET", path, host="shop.example.com").status_code == 200
        assert web.request("GET", "/readyz?probe=1").status_code == 200

        # Everything else still meets Django's host validation...
        for method, path in (
            ("GET", "/"),
            ("GET", "/healthz/"),
            ("GET", "/readyzz"),
            ("POST", "/healthz"),
            ("GET", "/api/cart/"),
        ):
            assert web.request(method, path).status_code == 400, (method, path)
        assert web.request("GET", "/", host="127.0.0.1").status_code == 400
        # ...and the shop's own domain over plain HTTP is still sent to HTTPS.
        redirect = web.request("GET", "/", host="shop.example.com")
        assert redirect.status_code == 301
        assert redirect.headers["Location"] == "https://shop.example.com/"


def test_readyz_names_the_cache_when_redis_refuses_connections(mysql_only, tmp_path):
    closed = free_port()  # nothing listens there
    with Gunicorn(tmp_path, redis_url=f"redis://127.0.0.1:{closed}/0") as web:
        response = web.request("GET", "/readyz")
        assert response.status_code == 503, response.text
        body = response.json()
        assert body["status"] == "unavailable"
        assert f"127.0.0.1:{closed}" in body["cache"]
        assert "database" not in body
        assert response.headers["Cache-Control"].startswith("max-age=0")
        # The process itself is alive: /healthz does not need the cache.
        assert web.request("GET", "/healthz").status_code == 200
