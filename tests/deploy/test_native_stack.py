"""The deployment, verified without Docker: the same processes compose runs, started natively
on loopback from the project's own config files (see native_stack.py), against MariaDB."""

import gzip
import hashlib
import os
import re
import subprocess
import time

import pytest
import requests

from tests.deploy.native_stack import ROOT, NativeStack

DATABASE = "shop_native"


def mysql(statement):
    subprocess.run(
        [
            "mysql",
            "-h",
            os.environ.get("DB_HOST", "127.0.0.1"),
            "-u",
            os.environ.get("DB_USER", "root"),
            "-e",
            statement,
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "MYSQL_PWD": os.environ.get("DB_PASSWORD", "")},
    )


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if not os.environ.get("DB_NAME"):
        pytest.skip("needs MariaDB configured with DB_NAME (CI does)")
    mysql(f"DROP DATABASE IF EXISTS {DATABASE}")
    mysql(f"CREATE DATABASE {DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    stack = NativeStack(tmp_path_factory.mktemp("native"), DATABASE)
    try:
        stack.prepare()
        stack.start_gunicorns()
        stack.start_worker()
        stack.start_nginx()
        yield stack
    finally:
        stack.stop()
        mysql(f"DROP DATABASE IF EXISTS {DATABASE}")


@pytest.fixture(scope="module")
def browser_session(stack):
    session = requests.Session()
    session.trust_env = False  # REQUESTS_CA_BUNDLE would otherwise replace our certificate
    session.verify = str(stack.cert)
    return session


def shell(stack, code):
    return stack.run("shell", "--no-imports", "-c", code).stdout.strip()


def test_home_page_over_https_through_nginx(stack, browser_session):
    response = browser_session.get(stack.https + "/en/")
    assert response.status_code == 200
    assert "Angkor Market" in response.text
    assert response.headers["Server"] == "nginx"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_one_request_id_from_nginx_through_gunicorn_to_the_shops_log(stack, browser_session):
    path = "/en/no-such-page-for-request-ids/"
    # A client's own id is not trusted: nginx gives the request a fresh one.
    response = browser_session.get(stack.https + path, headers={"X-Request-ID": "forged-by-client"})
    assert response.status_code == 404
    request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id), request_id

    def lines(name):
        return [line for line in stack.log(name).splitlines() if request_id in line]

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        nginx = lines("nginx")
        web = lines("gunicorn0") + lines("gunicorn1")
        if nginx and len(web) >= 2:
            break
        time.sleep(0.2)
    assert any(f'"GET {path} HTTP/1.1" 404' in line for line in nginx), nginx
    assert any(
        f'"GET {path} HTTP/1.0" 404' in line or f'"GET {path} HTTP/1.1" 404' in line
        for line in web
        if "rid=" in line
    ), web  # gunicorn's access line
    assert any(
        f"WARNING django.request [{request_id}] Not Found: {path}" in line for line in web
    ), web
    assert "forged-by-client" not in stack.log("gunicorn0") + stack.log("gunicorn1")


def test_static_files_come_from_nginx_gzipped_and_cached(stack, browser_session):
    home = browser_session.get(stack.https + "/en/").text
    css = re.search(r'href="(/static/css/shop\.[0-9a-f]{12}\.css)"', home).group(1)
    response = browser_session.get(
        stack.https + css, headers={"Accept-Encoding": "gzip"}, stream=True
    )
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b"--brand" in gzip.decompress(response.raw.read())
    # Served by nginx itself: neither gunicorn saw the request.
    assert css not in stack.log("gunicorn0") + stack.log("gunicorn1")


def test_http_is_redirected_to_https(stack):
    response = requests.get(stack.http + "/food-drink/?page=2", allow_redirects=False, timeout=5)
    assert response.status_code == 301
    assert response.headers["Location"] == stack.https + "/food-drink/?page=2"


def test_nginx_answers_its_own_health_check_once_https_is_on(stack):
    response = requests.get(stack.http + "/nginx-healthz", timeout=10)
    assert (response.status_code, response.text) == (200, "ok\n")


def test_django_treats_the_request_as_secure(stack, browser_session):
    response = browser_session.get(stack.https + "/api/cart/")
    cookie = next(c for c in browser_session.cookies if c.name == "csrftoken")
    assert cookie.secure
    robots = browser_session.get(stack.https + "/robots.txt").text  # from request.is_secure()
    # nginx passes the host name without the port (a real shop listens on 443).
    assert "Sitemap: https://localhost/sitemap.xml" in robots
    assert response.status_code == 200


def test_login_is_rate_limited_by_nginx(stack):
    statuses = [
        requests.post(
            stack.https + "/en/accounts/login/", data={}, verify=str(stack.cert), timeout=5
        ).status_code
        for _ in range(15)
    ]
    assert 429 in statuses
    assert statuses[0] != 429


def test_the_admin_login_is_rate_limited_by_nginx(stack):
    statuses = [
        requests.post(
            stack.https + "/admin/login/", data={}, verify=str(stack.cert), timeout=5
        ).status_code
        for _ in range(15)
    ]
    assert 429 in statuses
    assert statuses[0] != 429


def test_internal_endpoints_are_not_public(stack, browser_session):
    for path in ("/readyz", "/readyz/", "/metrics", "/METRICS", "//metrics", "/metrics/x"):
        response = browser_session.get(stack.https + path)
        assert response.status_code == 404, path
        assert "database" not in response.text
    # gunicorn itself still answers the health check that calls it directly.
    direct = requests.get(f"http://127.0.0.1:{stack.gunicorn_ports[0]}/readyz", timeout=5)
    assert direct.json()["status"] == "ok"


def test_other_host_names_are_sent_to_the_shops_own(stack):
    for host in ("www.localhost", "evil.example", "127.0.0.1"):
        response = requests.get(
            stack.https + "/food-drink/?page=2",
            headers={"Host": host},
            verify=str(stack.cert),  # names localhost; SNI and Host differ on purpose
            allow_redirects=False,
            timeout=5,
        )
        assert response.status_code == 301, host
        assert response.headers["Location"] == "https://localhost/food-drink/?page=2"


def test_large_bodies_are_refused_by_nginx_outside_the_admin(stack, browser_session):
    body = b"x" * (2 * 1024 * 1024)
    for path in ("/api/cart/add/", "/en/checkout/", "/en/accounts/login/"):
        response = browser_session.post(
            stack.https + path, data=body, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 413, path
    # The admin takes photo uploads: the body reaches Django (which asks for a CSRF token).
    upload = browser_session.post(stack.https + "/admin/images/multiple/add/", data=body)
    assert upload.status_code != 413


def test_ports_in_the_host_header_reach_django_as_one_host(stack, browser_session):
    anonymous = requests.Session()
    anonymous.trust_env = False
    anonymous.verify = str(stack.cert)
    anonymous.get(stack.https + "/food-drink/")
    assert anonymous.get(stack.https + "/food-drink/").headers["X-Page-Cache"] == "hit"
    for port in (1, 2, 65535):
        response = anonymous.get(
            stack.https + "/food-drink/", headers={"Host": f"LocalHost:{port}"}
        )
        assert response.status_code == 200, port
        assert response.headers["X-Page-Cache"] == "hit", port


def test_a_cart_survives_requests_alternating_between_two_gunicorns(stack, browser_session):
    token = browser_session.cookies["csrftoken"]
    product_id = int(
        shell(
            stack,
            "from catalog.models import ProductPage; print(ProductPage.objects.get(slug='classic-red-krama').pk)",
        )
    )
    headers = {"X-CSRFToken": token, "Referer": stack.https + "/"}
    for _ in range(4):
        response = browser_session.post(
            stack.https + "/api/cart/add/",
            json={"product_id": product_id, "quantity": 1},
            headers=headers,
        )
        assert response.status_code == 200, response.text
    assert browser_session.get(stack.https + "/api/cart/").json()["item_count"] == 4
    served = [log.count("/api/cart/") for log in (stack.log("gunicorn0"), stack.log("gunicorn1"))]
    assert all(count > 0 for count in served), served


def test_the_worker_sends_the_outbox(stack, browser_session):
    headers = {
        "X-CSRFToken": browser_session.cookies["csrftoken"],
        "Referer": stack.https + "/",
        "Accept-Language": "en",  # as the storefront script sends from an English page
    }
    response = browser_session.post(
        stack.https + "/api/checkout/",
        json={
            "email": "dara@example.com",
            "name": "Sok Dara",
            "phone": "012 345 678",
            "address": "No. 1, Street 240",
            "province": "Phnom Penh",
            "delivery_method": "phnom-penh",
            "currency": "USD",
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    code = "from notifications.models import Notification; print(Notification.objects.filter(state='sent').count())"
    deadline = time.monotonic() + 30
    while shell(stack, code) == "0":
        assert time.monotonic() < deadline, stack.log("worker")[-2000:]
        time.sleep(1)
    assert "is waiting for payment" in stack.log("worker")


def test_pages_still_load_after_one_gunicorn_dies(stack, browser_session):
    stack.kill("gunicorn0")
    statuses = [browser_session.get(stack.https + "/en/").status_code for _ in range(10)]
    assert statuses == [200] * 10


def test_backup_wipe_and_restore_bring_back_the_orders_and_media(stack, tmp_path):
    orders_code = "from checkout.orders import Order; print(sorted(Order.objects.values_list('number', flat=True)))"
    orders = shell(stack, orders_code)
    assert orders != "[]"
    qr_files = sorted((stack.media_root / "qrcodes").glob("*.png"))
    assert qr_files
    digests = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in qr_files}
    env = {**stack.env, "BACKUP_DIR": str(tmp_path), "BACKUP_KEEP": "3"}

    stamp = (
        subprocess.run(
            ["bash", "docker/backup/backup.sh"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )

    mysql(
        f"DROP DATABASE {DATABASE}; CREATE DATABASE {DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    )
    for path in qr_files:
        path.unlink()
    assert (
        "doesn't exist" in stack.run("shell", "--no-imports", "-c", orders_code, check=False).stderr
    )

    subprocess.run(
        ["bash", "docker/backup/restore.sh", stamp],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    assert shell(stack, orders_code) == orders
    restored = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (stack.media_root / "qrcodes").glob("*.png")
    }
    assert restored == digests


def test_with_no_gunicorn_left_shoppers_get_a_bilingual_page_to_come_back_to(
    stack, browser_session
):
    """Last: it stops the stack's gunicorns (the one before stopped the first)."""
    stack.kill("gunicorn0")
    stack.kill("gunicorn1")
    for path in ("/en/", "/km/", "/api/cart/"):
        response = browser_session.get(stack.https + path)
        assert response.status_code == 503, (path, response.status_code)
        assert response.headers["Retry-After"] == "60"
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "Please try again shortly" in response.text
        assert "សូមព្យាយាមម្ដងទៀតបន្តិចទៀត" in response.text
        assert "Content-Security-Policy" in response.headers
    # A form is not tried again (it may have reached a server): the same page, at once.
    form = browser_session.post(
        stack.https + "/api/cart/add/",
        json={"product_id": 1, "quantity": 1},
        headers={"Referer": stack.https + "/en/"},
    )
    assert form.status_code == 503
    assert "Please try again shortly" in form.text
