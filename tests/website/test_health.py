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

    def __init__(self, tmp_path, redis_url, static_root=None):
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
        if static_root is not None:
            self.env["STATIC_ROOT"] = str(static_root)
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


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """Static files collected as the image's build collects them (pages need the manifest)."""
    root = tmp_path_factory.mktemp("static")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "website.settings.production",
        "SECRET_KEY": "health-test-secret-key-Vq9Lm2Zx7Rt0Kp5Wn8Hd3-0123456789",
        "ALLOWED_HOSTS": "shop.example.com",
        "STATIC_ROOT": str(root),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return root


def test_health_checks_answer_any_host_and_nothing_else_does(mysql_only, tmp_path):
    with Gunicorn(tmp_path, redis_url="redis://127.0.0.1:6379/7") as web:
        for path in ("/healthz", "/readyz"):
            for method in ("GET", "HEAD"):
                response = web.request(method, path)
                assert response.status_code == 200, (method, path, response.text)
        assert web.request("GET", "/healthz").json() == {"status": "ok"}
        assert web.request("GET", "/readyz").json() == {
            "status": "ok",
            "database": "ok",
            "cache": "ok",
        }
        for path in ("/healthz", "/readyz"):
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


def test_readyz_says_degraded_when_redis_refuses_connections(mysql_only, tmp_path):
    closed = free_port()  # nothing listens there
    with Gunicorn(tmp_path, redis_url=f"redis://127.0.0.1:{closed}/0") as web:
        response = web.request("GET", "/readyz")
        # Still ready: the shop serves without the cache (kernel.cache fails open).
        assert response.status_code == 200, response.text
        assert response.json() == {"status": "degraded", "database": "ok", "cache": "unavailable"}
        assert response.headers["Cache-Control"].startswith("max-age=0")
        # The reason goes to the log, not to whoever asks.
        assert str(closed) not in response.text
        assert "readyz: the cache is unavailable" in web.log_path.read_text()
        assert web.request("GET", "/healthz").status_code == 200


def test_internal_endpoints_are_not_answered_through_the_proxy(mysql_only, tmp_path, static_root):
    with Gunicorn(tmp_path, "redis://127.0.0.1:6379/7", static_root) as web:
        proxied = {**PUBLIC, "X-Forwarded-For": "203.0.113.9"}
        readyz = requests.get(web.url("/readyz"), headers=proxied, timeout=10)
        assert readyz.status_code == 404
        assert "database" not in readyz.text
        # /healthz says nothing and stays reachable for uptime monitors.
        assert requests.get(web.url("/healthz"), headers=proxied, timeout=10).status_code == 200


# What nginx sends for a shopper's HTTPS request.
PUBLIC = {"Host": "shop.example.com", "X-Forwarded-Proto": "https"}


class RedisServer:
    """A Redis of the test's own, to stop and start again."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.dir = tmp_path / f"redis-{self.port}"
        self.dir.mkdir()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.1)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


class Shopper:
    """A browser over the plain-HTTP hop nginx makes to gunicorn: keeps its cookies itself
    (they are Secure, which requests would not send over http://)."""

    def __init__(self, web):
        self.web, self.cookies = web, {}

    def request(self, method, path, **kwargs):
        headers = {**PUBLIC, "X-Forwarded-For": "203.0.113.9", **kwargs.pop("headers", {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = requests.request(
            method, self.web.url(path), headers=headers, timeout=15, allow_redirects=False, **kwargs
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def add_to_cart(self, product_id):
        return self.request(
            "POST",
            "/api/cart/add/",
            json={"product_id": product_id, "quantity": 1},
            headers={
                "X-CSRFToken": self.cookies["csrftoken"],
                "Referer": "https://shop.example.com/",
            },
        )


def test_the_shop_keeps_selling_while_redis_is_down(
    mysql_only, tmp_path, static_root, shop, delivery
):
    from tests.factories import make_category, make_product

    product = make_product(make_category(title="Pepper"), title="Kampot Pepper", stock=10)
    redis_server = RedisServer(tmp_path).start()
    try:
        with Gunicorn(tmp_path, redis_server.url, static_root) as web:
            visitor, shopper = Shopper(web), Shopper(web)
            first = visitor.request("GET", product.url)
            assert first.headers["X-Page-Cache"] == "miss"
            assert visitor.request("GET", product.url).headers["X-Page-Cache"] == "hit"
            assert shopper.request("GET", "/api/cart/").status_code == 200
            assert shopper.add_to_cart(product.pk).status_code == 200

            redis_server.stop()  # mid-run, with pages, sessions and counters in it
            page = visitor.request("GET", product.url)
            assert page.status_code == 200
            assert page.headers.get("X-Page-Cache") != "hit"
            assert b"Kampot Pepper" in page.content
            assert page.headers["X-Frame-Options"] == "SAMEORIGIN"
            assert visitor.request("GET", "/en/").status_code == 200
            assert visitor.request("GET", "/en/search/?q=pepper").status_code == 200
            # The shopper's cart is read from the database copy of the session.
            added = shopper.add_to_cart(product.pk)
            assert added.status_code == 200, added.text
            assert shopper.request("GET", "/api/cart/").json()["item_count"] == 2
            # Logins and the admin work too (their rate limits fail open to nginx's).
            assert visitor.request("GET", "/en/accounts/login/").status_code == 200
            assert visitor.request("GET", "/admin/login/").status_code == 200
            ready = web.request("GET", "/readyz")
            assert (ready.status_code, ready.json()["status"]) == (200, "degraded")
            assert "serving pages uncached" in web.log_path.read_text()

            redis_server.start()  # an empty Redis, as after a restart without persistence
            time.sleep(6)  # kernel.cache.OUTAGE_RETRY_SECONDS
            assert web.request("GET", "/readyz").json()["status"] == "ok"
            assert visitor.request("GET", product.url).headers["X-Page-Cache"] == "miss"
            assert visitor.request("GET", product.url).headers["X-Page-Cache"] == "hit"
            assert shopper.request("GET", "/api/cart/").json()["item_count"] == 2
            assert "The cache (Redis) is back" in web.log_path.read_text()
    finally:
        redis_server.stop()
