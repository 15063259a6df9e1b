"""Error reports reach a Sentry-protocol server over HTTP from gunicorn (the production
settings, docker/gunicorn.conf.py) and from the worker, carry the request id, and hold no
personal data; without SENTRY_DSN nothing is sent. The shopper still gets the shop's 500 page.
"""

import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests
from django.conf import settings as django_settings

from tests.observability.sentry_standin import SentryStandIn

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = django_settings.BASE_DIR
PHONE, EMAIL, ADDRESS = "012 345 678", "sokha.chan@example.com", "Street 240, Daun Penh"
SESSION_COOKIE, CLIENT_IP = "q8v0sessioncookievalue7731", "203.0.113.77"


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """Collected static files, as the image has them (the pages name them from the manifest)."""
    root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=production_env(STATIC_ROOT=str(root)),
        check=True,
        capture_output=True,
        timeout=600,
    )
    return root


@pytest.fixture
def standin():
    server = SentryStandIn().start()
    yield server
    server.stop()


def production_env(**extra):
    database = django_settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "website.settings.production",
        "SECRET_KEY": "error-report-test-secret-key-0123456789-abcdefghijkl",
        "ALLOWED_HOSTS": "localhost",
        "DB_NAME": database["NAME"],
        "DB_USER": database["USER"],
        "DB_PASSWORD": database["PASSWORD"],
        "DB_HOST": database["HOST"] or "127.0.0.1",
        "DB_PORT": str(database["PORT"] or 3306),
        "REDIS_URL": "redis://127.0.0.1:6379/9",
        "BAKONG_API_BASE_URL": "http://127.0.0.1:9",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    for name in ("DATABASE_URL", "SENTRY_DSN", "SENTRY_DSN_FILE"):
        if name not in extra:
            env.pop(name, None)
    return env


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    def __init__(self, tmp_path, static_root, **env):
        self.port = free_port()
        self.log_path = tmp_path / "gunicorn.log"
        self.env = production_env(
            DJANGO_SETTINGS_MODULE="tests.observability.error_settings",
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            GUNICORN_WORKERS="1",
            STATIC_ROOT=str(static_root),
            **env,
        )

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
        while time.monotonic() < deadline:
            try:
                requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2)
                return self
            except requests.ConnectionError:
                assert self.process.poll() is None, self.log_path.read_text()
                time.sleep(0.3)
        raise TimeoutError(self.log_path.read_text())

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(30)
        self.log.close()

    def post_failing_form(self, language="km", request_id="3b1f9a0c7d2e4f6a8b9c0d1e2f3a4b5c"):
        return requests.post(
            f"http://127.0.0.1:{self.port}/{language}/test-failure/?email={EMAIL}",
            data={"phone": PHONE, "email": EMAIL, "address": ADDRESS},
            cookies={"sessionid": SESSION_COOKIE},
            headers={
                "Host": "localhost",
                "X-Forwarded-Proto": "https",  # as nginx says it
                "X-Forwarded-For": CLIENT_IP,
                "X-Real-IP": CLIENT_IP,
                "X-Request-ID": request_id,
            },
            timeout=30,
            allow_redirects=False,
        )


def test_a_failing_page_is_reported_once_with_its_request_id_and_no_personal_data(
    standin, tmp_path, static_root
):
    with Gunicorn(
        tmp_path, static_root, SENTRY_DSN=standin.dsn(), SHOP_RELEASE="shop@1.4.2"
    ) as gunicorn:
        response = gunicorn.post_failing_form()
        events = standin.wait_for_events(1)
        time.sleep(1)  # anything sent twice would be here by now
        events = standin.events()

    # The shopper gets the shop's own 500 page, in their language, with a reference.
    assert response.status_code == 500
    assert "មានបញ្ហាកើតឡើងនៅខាងយើង" in response.text  # "Something went wrong on our side"
    assert response.headers["X-Request-ID"] == "3b1f9a0c7d2e4f6a8b9c0d1e2f3a4b5c"
    assert "3b1f9a0c7d2e4f6a8b9c0d1e2f3a4b5c" in response.text
    assert "<title>" in response.text  # the page, not the plain-words fallback

    assert len(events) == 1, events
    event = events[0]
    assert event["tags"]["request_id"] == "3b1f9a0c7d2e4f6a8b9c0d1e2f3a4b5c"
    assert event["exception"]["values"][-1]["type"] == "ZeroDivisionError"
    assert event["environment"] == "production"
    assert event["release"] == "shop@1.4.2"
    assert event["request"]["url"].endswith("/km/test-failure/")
    assert event["request"]["method"] == "POST"

    # Nothing that identifies the shopper, anywhere in what was sent.
    sent = standin.raw()
    for private in (PHONE, EMAIL, "sokha.chan", ADDRESS, SESSION_COOKIE, CLIENT_IP):
        assert private not in sent, private
    assert "data" not in event["request"]
    assert "cookies" not in event["request"]
    assert not {"cookie", "x-forwarded-for", "x-real-ip"} & {
        name.lower() for name in event["request"].get("headers", {})
    }
    assert not event.get("user", {}).keys() - {"id"}
    for frame in event["exception"]["values"][-1]["stacktrace"]["frames"]:
        assert "vars" not in frame  # no local variables
    # The standard wire protocol: the envelope endpoint with the DSN's key.
    path, auth, _header, _items = standin.envelopes[0]
    assert path == "/api/1/envelope/"
    assert "sentry_key=publickey" in auth


def test_without_a_dsn_nothing_is_sent(standin, tmp_path, static_root):
    with Gunicorn(tmp_path, static_root) as gunicorn:
        response = gunicorn.post_failing_form(language="en")
        time.sleep(2)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert standin.requests == []


def test_a_failing_worker_task_is_reported(standin):
    env = production_env(SENTRY_DSN=standin.dsn(), SENTRY_ENVIRONMENT="staging")
    enqueue = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from tests.observability.failing_tasks import fail_in_worker; "
            "fail_in_worker.enqueue()",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert enqueue.returncode == 0, enqueue.stderr
    worker = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shop_worker",
            "--batch",
            "--no-scheduler",
            "--no-startup-delay",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    events = standin.wait_for_events(1, timeout=5)
    assert len(events) == 1, (events, worker.stderr)
    event = events[0]
    assert event["environment"] == "staging"
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert "courier" in event["exception"]["values"][-1]["value"]
    assert "request_id" not in event.get("tags", {})
