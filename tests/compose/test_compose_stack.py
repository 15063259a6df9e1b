"""The unchanged docker-compose.yml on a real Docker engine, run as docs/operations.md tells an
operator to run it (see stack.py). The tests run in order and share one stack: first start,
certificate, shopping over HTTPS, admin, backups while selling, restore, scale-out, upgrade,
down and up, a database crash, and the development compose file.

Needs a Docker engine, Compose v2 and the stand-in images: `.ci/run compose` sets everything
up; then `SHOP_COMPOSE_TESTS=1 .venv/bin/pytest tests/compose`.
"""

import json
import os
import re
import shutil
import signal
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.compose.stack import DOMAIN, Stack, free_port, wait_for

LONG_RUNNING = ["db", "redis", "web", "worker", "nginx"]
BACKUP_SECONDS = 45  # the backup service's interval in this test (.env, as an operator sets it)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    # SHOP_COMPOSE_REUSE=<folder>: carry on with a stack a run left (SHOP_COMPOSE_KEEP=1),
    # for working on one test at a time.
    reuse = os.environ.get("SHOP_COMPOSE_REUSE")
    # Outside pytest's temporary folders, which a later pytest run deletes while the
    # stack's bind mounts still point there.
    folder = Path(reuse or os.environ.get("SHOP_COMPOSE_DIR", "/var/tmp/shop-compose-test"))
    stack = Stack(folder)
    if reuse:
        stack.load_env()
    else:
        stack.down()  # anything left by an interrupted run
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        stack.prepare(BACKUP_INTERVAL_SECONDS=str(BACKUP_SECONDS), BACKUP_KEEP="50")
    try:
        stack.compose("build", timeout=1800)
        stack.compose("up", "-d", timeout=900)
        yield stack
    finally:
        if os.environ.get("SHOP_COMPOSE_KEEP") != "1":
            stack.down()
        else:
            print(f"\nThe stack is left running: SHOP_COMPOSE_REUSE={stack.dir}")


@pytest.fixture(scope="module")
def shopper(stack):
    return stack.session()


_products = []


def product_ids(stack):
    """Five products without variants, stocked for every checkout the tests make."""
    if not _products:
        code = (
            "from catalog.models import ProductPage; from catalog.inventory import set_stock;"
            "products = list(ProductPage.objects.live().filter(variants__isnull=True).order_by('pk')[:5]);"
            "[set_stock(p, 100000) for p in products];"
            "print(' '.join(str(p.pk) for p in products))"
        )
        _products.extend(int(pk) for pk in stack.shell(code).split())
    return _products


def checkout(stack, session, product_id, quantity=1):
    """Browse, add to cart over the JSON API, check out: the payment the API answers."""
    assert session.get(stack.https + "/api/cart/").status_code == 200
    headers = {"X-CSRFToken": session.cookies["csrftoken"]}
    added = session.post(
        stack.https + "/api/cart/add/",
        json={"product_id": product_id, "quantity": quantity},
        headers=headers,
    )
    assert added.status_code == 200, added.text
    placed = session.post(
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
    assert placed.status_code == 201, placed.text
    return placed.json()


def orders(stack):
    return stack.sql("SELECT number FROM checkout_order ORDER BY number").split()


def media_digests(stack):
    listing = stack.exec(
        "web", "sh", "-c", "cd /srv/media && find . -type f ! -path './.*' -exec sha256sum {} +"
    ).stdout
    return dict(reversed(line.split(maxsplit=1)) for line in listing.splitlines())


# --- first start ------------------------------------------------------------------------


def test_every_long_running_service_becomes_healthy(stack):
    states = stack.wait_healthy(LONG_RUNNING, timeout=420)
    migrate = next(c for c in stack.containers("migrate"))
    assert migrate["State"] == "exited" and "Exited (0)" in migrate["Status"]
    assert states["backup"][0] == "running"
    # The health checks prove something: the web check reached the database through Django
    # with ALLOWED_HOSTS holding the domain only, the worker's loop is going round.
    assert stack.env["ALLOWED_HOSTS"] == f"{DOMAIN},www.{DOMAIN}"
    assert "worker_health" in stack.inspect(
        f"{stack.name}-worker-1", "{{json .Config.Healthcheck}}"
    )


def test_each_service_gets_only_its_own_secrets(stack):
    def environment(service):
        return stack.exec(service, "env").stdout

    secret = {
        name: stack.env[name]
        for name in (
            "SECRET_KEY",
            "DB_ROOT_PASSWORD",
            "EMAIL_HOST_PASSWORD",
            "BAKONG_API_TOKEN",
            "METRICS_TOKEN",
        )
    }
    web, nginx, backup = environment("web"), environment("nginx"), environment("backup")
    assert secret["SECRET_KEY"] in web and secret["BAKONG_API_TOKEN"] in web
    assert secret["DB_ROOT_PASSWORD"] not in web
    for value in secret.values():
        assert value not in nginx
        assert value not in backup
    assert stack.env["DB_PASSWORD"] in backup


def test_metrics_and_alerts_on_one_server_with_the_monitoring_profile(stack):
    """docker compose --profile monitoring: Prometheus scrapes the web container and the
    worker with the token from .env, and node-exporter for the server's own disks; it loads
    the alert rules and reaches Alertmanager."""
    stack.compose(
        "--profile", "monitoring", "up", "-d", "prometheus", "alertmanager", "node-exporter"
    )  # fmt: skip

    def ask(path):
        result = stack.exec(
            "web", "curl", "-fsS", f"http://prometheus:9090/api/v1/{path}", check=False
        )
        return json.loads(result.stdout)["data"] if result.returncode == 0 else None

    def targets():
        data = ask("targets?state=active")
        if not data:
            return None
        return {
            job: sorted(t["health"] for t in data["activeTargets"] if t["labels"]["job"] == job)
            for job in ("web", "worker", "node")
        }

    expected = {"web": ["up"], "worker": ["up"], "node": ["up"]}
    wait_for(
        lambda: targets() == expected,
        180,
        lambda: f"targets: {targets()}\n" + stack.logs("prometheus")[-3000:],
        interval=3,
    )
    rules = {rule["name"] for group in ask("rules")["groups"] for rule in group["rules"]}
    assert {"ShopDown", "WorkerStalled", "BackupTooOld", "DiskAlmostFull"} <= rules
    assert {"ServerDiskAlmostFull", "ServerMissing"} <= rules
    managers = wait_for(
        lambda: ask("alertmanagers")["activeAlertmanagers"],
        60,
        lambda: stack.logs("prometheus", "alertmanager")[-3000:],
    )
    assert managers[0]["url"].startswith("http://alertmanager:9093/")
    # The worker reports the backups' folder (mounted read-only) for BackupTooOld and the disk.
    series = ask("series?match%5B%5D=shop_filesystem_free_bytes")
    assert any(s.get("path") == "/backups" for s in series), series
    # node-exporter reads the server's own disks: its root filesystem, not the container's
    # files nor memory, which is what ServerDiskAlmostFull watches.
    disks = wait_for(
        lambda: ask("series?match%5B%5D=node_filesystem_avail_bytes%7Bjob%3D%22node%22%7D"),
        60,
        "node-exporter reports no filesystem",
    )
    assert any(d["mountpoint"] == "/" for d in disks), disks
    assert not any(d["mountpoint"].startswith("/etc/") for d in disks), disks
    # Nothing but loopback can reach them on the server.
    for service in ("prometheus", "alertmanager"):
        published = stack.compose("port", service, "9090" if service == "prometheus" else "9093")
        assert published.stdout.strip().startswith("127.0.0.1:"), published.stdout


def test_without_a_certificate_nginx_serves_the_acme_challenge_over_plain_http(stack):
    import requests

    stack.exec("nginx", "test", "!", "-s", f"/etc/letsencrypt/live/{DOMAIN}/fullchain.pem")
    # certbot's webroot challenge: a file certbot writes into the shared webroot volume.
    token = "compose-test-token"
    subprocess.run(
        [
            "docker", "run", "--rm", "--entrypoint", "sh", "-v", f"{stack.name}_certbot_www:/w",
            "certbot/certbot:v5.5.0", "-c",
            f"mkdir -p /w/.well-known/acme-challenge && echo {token}.key > /w/.well-known/acme-challenge/{token}",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    challenge = requests.get(
        f"{stack.http}/.well-known/acme-challenge/{token}", headers={"Host": DOMAIN}, timeout=5
    )
    assert challenge.status_code == 200 and challenge.text.strip() == f"{token}.key"
    page = requests.get(
        stack.http + "/", headers={"Host": DOMAIN}, timeout=5, allow_redirects=False
    )
    assert page.status_code == 503 and "being set up" in page.text
    with pytest.raises(requests.ConnectionError):
        requests.get(stack.https + "/", timeout=5, verify=False)  # noqa: S501


def test_nginx_moves_to_https_by_itself_once_the_certificate_exists(stack, tmp_path_factory):
    import requests

    nginx_started = stack.inspect(f"{stack.name}-nginx-1", "{{.State.StartedAt}}")
    stack.install_certificate(tmp_path_factory.mktemp("certs"))

    def https_up():
        try:
            response = requests.get(
                stack.https + "/healthz",
                headers={"Host": DOMAIN},
                verify=False,  # noqa: S501 (self-signed)
                allow_redirects=False,
                timeout=3,
            )
            return response.status_code == 200
        except requests.ConnectionError:
            return False

    wait_for(https_up, 30, lambda: stack.logs("nginx")[-3000:])
    # Any other host name (here the address) is sent to the shop's own name.
    other = requests.get(
        stack.https + "/food-drink/",
        verify=False,  # noqa: S501 (self-signed)
        allow_redirects=False,
        timeout=5,
    )
    assert other.status_code == 301
    assert other.headers["Location"] == f"https://{DOMAIN}/food-drink/"

    # Plain HTTP now redirects. nginx reloads gracefully: for a moment after HTTPS answers, an
    # old worker may still take a connection on port 80 with the "being set up" page.
    def http_redirects():
        response = requests.get(
            stack.http + "/food-drink/?page=2",
            headers={"Host": DOMAIN},
            allow_redirects=False,
            timeout=5,
        )
        return response if response.status_code == 301 else None

    redirect = wait_for(http_redirects, 15, lambda: stack.logs("nginx")[-3000:])
    assert redirect.headers["Location"] == f"https://{DOMAIN}/food-drink/?page=2"
    # Reloaded, not restarted.
    assert stack.inspect(f"{stack.name}-nginx-1", "{{.State.StartedAt}}") == nginx_started


def test_demo_catalog_and_admin_user(stack):
    stack.exec("web", "python", "manage.py", "load_demo")
    stack.shell(
        "from django.contrib.auth import get_user_model; User = get_user_model();"
        "user, _ = User.objects.get_or_create(username='owner', defaults={'email': 'owner@example.com'});"
        "user.is_staff = user.is_superuser = True; user.set_password('compose-admin-password'); user.save()"
    )
    assert len(product_ids(stack)) >= 3


# --- the shop through nginx ---------------------------------------------------------------


def test_shopping_over_https_through_nginx_ends_with_a_receipt(stack, shopper):
    import requests

    home = shopper.get(stack.https + "/en/")
    assert home.status_code == 200 and home.headers["Server"] == "nginx"
    assert home.headers["Strict-Transport-Security"].startswith("max-age=")
    sitemap = shopper.get(stack.https + "/en/sitemap.xml").text
    product_url = next(u for u in re.findall(r"<loc>([^<]+)</loc>", sitemap) if u.count("/") >= 5)
    path = "/" + product_url.split("/", 3)[3]
    assert shopper.get(stack.https + path).status_code == 200

    placed = checkout(stack, shopper, product_ids(stack)[0], quantity=2)
    payment = placed["payment"]
    qr = shopper.get(stack.https + payment["image_url"].split(DOMAIN, 1)[-1])
    assert qr.status_code == 200 and qr.headers["Content-Type"] == "image/png"
    assert qr.content.startswith(b"\x89PNG")
    assert f"/media/qrcodes/{payment['md5']}.png" not in stack.logs("web")  # nginx served it

    # The shopper's banking app pays the code (the Bakong stand-in, as a wallet would).
    paid = requests.post(
        f"http://127.0.0.1:{stack.bakong_port}/sandbox/pay/", json={"qr": payment["qr"]}, timeout=10
    )
    assert paid.status_code == 200, paid.text

    def status():
        return shopper.get(stack.https + f"/api/payments/{payment['md5']}/").json()["status"]

    wait_for(lambda: status() == "paid", 60, lambda: f"still {status()}")
    receipt = shopper.get(stack.https + placed["order"]["url"].split(DOMAIN, 1)[1])
    assert receipt.status_code == 200
    assert "Paid" in receipt.text or "paid" in receipt.text

    # The worker sent the receipt e-mail through the mail server.
    def receipt_sent():
        mail = stack.logs("smtp")
        return " accepted" in mail and "to=dara@example.com" in mail and "refused" not in mail

    wait_for(receipt_sent, 120, lambda: stack.logs("worker")[-3000:])


def admin_login(stack, code=""):
    admin = stack.session()
    login = admin.get(stack.https + "/admin/login/")
    assert login.status_code == 200
    response = admin.post(
        stack.https + "/admin/login/",
        data={
            "username": "owner",
            "password": "compose-admin-password",
            "code": code,
            "csrfmiddlewaretoken": admin.cookies["csrftoken"],
            "next": "/admin/",
        },
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    return admin


def test_an_admin_logs_in_with_two_factor_authentication(stack):
    from tests.factories import totp_code

    # First login: the admin is sent to set up an authenticator app before anything else.
    first = admin_login(stack)
    setup = first.get(stack.https + "/admin/", allow_redirects=False)
    assert setup.status_code == 302
    # In the shop's own language (Shop settings: the owner's language, Khmer by default).
    assert setup.headers["Location"].startswith("/km/accounts/2fa/totp/activate/")

    # The owner scans the code (here: the secret is set as the app would learn it).
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    stack.shell(
        "from django.contrib.auth import get_user_model;"
        "from allauth.mfa.totp.internal.auth import TOTP;"
        f"TOTP.activate(get_user_model().objects.get(username='owner'), '{secret}')"
    )
    admin = admin_login(stack, code=totp_code(secret))
    dashboard = admin.get(stack.https + "/admin/")
    assert dashboard.status_code == 200 and "Dashboard" in dashboard.text


# --- backups --------------------------------------------------------------------------------


def complete_backups(stack):
    folder = stack.dir / "backups"
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".ok"))


def test_the_backup_service_writes_backups_on_its_schedule_while_the_shop_sells(stack):
    ids = product_ids(stack)
    errors, placed = [], []
    stop = threading.Event()

    def sell():
        while not stop.is_set():
            try:
                placed.append(checkout(stack, stack.session(), ids[len(placed) % len(ids)]))
            except Exception as error:  # noqa: BLE001
                errors.append(repr(error))
            time.sleep(3.5)  # under nginx's checkout limit (20 a minute per address)

    before = complete_backups(stack)
    seller = threading.Thread(target=sell)
    seller.start()
    try:
        wait_for(
            lambda: len(complete_backups(stack)) >= len(before) + 1,
            BACKUP_SECONDS * 3 + 60,
            lambda: stack.logs("backup")[-3000:],
        )
    finally:
        stop.set()
        seller.join()
    assert not errors, errors[:3]
    assert placed
    folder = stack.dir / "backups"
    assert not list(folder.glob("*.partial")), stack.logs("backup")[-2000:]
    assert "Backup failed" not in stack.logs("backup")
    # The service's health check sees the recent backup.
    assert stack.exec("backup", "sh", "docker/backup/healthcheck.sh", check=False).returncode == 0
    # Readable by the backup's own user only, never by everyone on the server.
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
        assert path.stat().st_uid != 0, path  # written as "shop", not root


def test_backups_never_go_into_the_image(stack):
    assert list((stack.dir / "backups").iterdir())
    stack.compose("build", "web", timeout=900)
    listing = subprocess.run(
        ["docker", "run", "--rm", "--entrypoint", "ls", "angkor-market:latest", "-a", "/app"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert "manage.py" in listing
    assert "backups" not in listing and ".env" not in listing


def test_restore_with_the_documented_commands_brings_back_the_backups_orders_and_media(stack):
    stamp = re.sub(r"^backup-|\.ok$", "", complete_backups(stack)[-1])
    # Wait until nothing sells, then take a fresh backup to compare with exactly.
    stack.compose("run", "--rm", "backup", "bash", "docker/backup/backup.sh", timeout=300)
    stamp = re.sub(r"^backup-|\.ok$", "", complete_backups(stack)[-1])
    saved_orders, saved_media = orders(stack), media_digests(stack)
    assert saved_orders and any(name.startswith("./qrcodes/") for name in saved_media)

    # Life goes on after the backup: a new order with its QR image, a table from nowhere.
    checkout(stack, stack.session(), product_ids(stack)[0])
    stack.sql("CREATE TABLE stray_after_backup (id INT)")
    assert orders(stack) != saved_orders

    # docs/operations.md: stop web and worker, restore, start again.
    stack.compose("stop", "web", "worker")
    restored = stack.compose(
        "run", "--rm", "backup", "bash", "docker/backup/restore.sh", stamp, timeout=600
    )
    assert restored.returncode == 0
    stack.compose("up", "-d")
    stack.wait_healthy(LONG_RUNNING, timeout=300)
    assert orders(stack) == saved_orders
    assert media_digests(stack) == saved_media
    assert "stray_after_backup" not in stack.sql("SHOW TABLES")


# --- scaling, upgrading, restarting ---------------------------------------------------------


def test_scale_out_to_three_web_containers_with_nginx_left_running(stack, shopper):
    nginx_started = stack.inspect(f"{stack.name}-nginx-1", "{{.State.StartedAt}}")
    stack.compose("up", "-d", "--scale", "web=3", "--no-recreate")
    stack.wait_healthy(LONG_RUNNING, timeout=300)
    webs = [c["Name"] for c in stack.containers("web")]
    assert len(webs) == 3
    marker = f"spread-{time.time_ns()}"

    def served_by_all():
        for _ in range(30):
            shopper.get(stack.https + f"/api/cart/?{marker}")
        counts = [
            subprocess.run(["docker", "logs", name], capture_output=True, text=True).stdout.count(
                marker
            )
            for name in webs
        ]
        return all(counts) and counts

    # nginx re-reads Docker's DNS every 10 seconds.
    wait_for(served_by_all, 60, "nginx did not spread requests over the three containers")
    assert stack.inspect(f"{stack.name}-nginx-1", "{{.State.StartedAt}}") == nginx_started
    stack.compose("up", "-d", "--scale", "web=1", "--no-recreate")


def test_an_upgrade_with_a_migration_keeps_the_data(stack, shopper):
    saved_orders = orders(stack)
    media = media_digests(stack)
    # A code change with a migration, as a `git pull` would bring.
    migrations = stack.dir / "website" / "migrations"
    latest = sorted(p.stem for p in migrations.glob("0*.py"))[-1]
    (migrations / "0999_upgrade_probe.py").write_text(
        "from django.db import migrations\n\n\n"
        "class Migration(migrations.Migration):\n"
        f"    dependencies = [('website', '{latest}')]\n"
        "    operations = [migrations.RunSQL(\n"
        "        'CREATE TABLE upgrade_probe (id INT PRIMARY KEY)', 'DROP TABLE upgrade_probe')]\n"
    )
    base = stack.dir / "templates" / "base.html"
    base.write_text(base.read_text().replace("</body>", "<!-- release-2 --></body>"))

    stack.compose("build", timeout=1200)
    stack.compose("up", "-d", timeout=600)
    stack.wait_healthy(LONG_RUNNING, timeout=420)
    assert "upgrade_probe" in stack.sql("SHOW TABLES")
    wait_for(lambda: "release-2" in shopper.get(stack.https + "/?v=2").text, 60, "old code served")
    assert orders(stack) == saved_orders
    assert media_digests(stack) == media


def test_down_and_up_keep_orders_and_media(stack):
    saved_orders, media = orders(stack), media_digests(stack)
    stack.compose("down")
    stack.compose("up", "-d", timeout=600)
    stack.wait_healthy(LONG_RUNNING, timeout=420)
    assert orders(stack) == saved_orders
    assert media_digests(stack) == media


def test_the_database_crashing_under_load_recovers_without_restarting_web(stack):
    web = f"{stack.name}-web-1"
    web_started = stack.inspect(web, "{{.State.StartedAt}}")
    gunicorn_master = stack.exec("web", "cat", "/proc/1/stat").stdout.split()[0]
    ids = product_ids(stack)
    results, stop = [], threading.Event()

    def load():
        session = stack.session()
        while not stop.is_set():
            try:
                # /readyz is internal (nginx answers 404); a search with a parameter no page
                # reads is rendered fresh, from the database, every time.
                for path in ("/api/cart/", f"/en/search/?q=krama&fresh={len(results)}"):
                    status = session.get(stack.https + path, timeout=10).status_code
                    results.append((time.monotonic(), status))
            except Exception:  # noqa: BLE001
                results.append((time.monotonic(), 0))
            time.sleep(0.2)

    worker = threading.Thread(target=load)
    worker.start()
    try:
        time.sleep(3)
        pid = int(stack.inspect(f"{stack.name}-db-1", "{{.State.Pid}}"))
        os.kill(pid, signal.SIGKILL)  # the server process dies as in a crash (OOM, power)
        killed_at = time.monotonic()
        stack.wait_healthy(["db"], timeout=180)
        wait_for(
            lambda: any(t > killed_at and s == 200 for t, s in results[-5:]),
            120,
            lambda: f"the shop never recovered: {results[-10:]}",
        )
    finally:
        stop.set()
        worker.join()
    # The server really crashed and came back as a new process (MariaDB's crash recovery
    # takes about a second here, so the load may or may not catch it down).
    assert int(stack.inspect(f"{stack.name}-db-1", "{{.State.Pid}}")) != pid
    failures = sum(1 for t, s in results if t > killed_at and s != 200)
    print(f"requests during the outage: {failures} failed of {len(results)}")
    # The same web container and gunicorn master served throughout.
    assert stack.inspect(web, "{{.State.StartedAt}}") == web_started
    assert stack.exec("web", "cat", "/proc/1/stat").stdout.split()[0] == gunicorn_master
    assert int(stack.inspect(f"{stack.name}-db-1", "{{.RestartCount}}")) >= 1
    # Shopping works again.
    checkout(stack, stack.session(), ids[0])


# --- local development ----------------------------------------------------------------------


def test_the_development_compose_file_comes_up(stack, tmp_path_factory):
    """docker-compose.dev.yml as the architecture sheet draws it: Django's server on 8000,
    MySQL on 3306, configured from .env.local (published on other loopback ports here,
    because this machine's own MariaDB has 3306)."""
    import requests

    dev = Stack(stack.dir, name="shopdev")
    django_port, mysql_port = free_port(), free_port()
    (stack.dir / "dev-ports.yml").write_text(
        "services:\n"
        "  db:\n"
        f'    ports: !override\n      - "127.0.0.1:{mysql_port}:3306"\n'
        "  web:\n"
        f'    ports: !override\n      - "127.0.0.1:{django_port}:8000"\n'
    )
    local = (stack.dir / ".env.local.example").read_text()
    (stack.dir / ".env.local").write_text(local)
    files = ["docker-compose.yml", "docker-compose.dev.yml", "dev-ports.yml"]
    try:
        dev.compose("--env-file", ".env.local", "-f", files[0], "-f", files[1], "-f", files[2],
                    "up", "-d", "db", "web", "worker", files=[], timeout=900)  # fmt: skip

        def home():
            try:
                return (
                    requests.get(f"http://127.0.0.1:{django_port}/", timeout=5).status_code == 200
                )
            except requests.ConnectionError:
                return False

        wait_for(home, 300, lambda: dev.compose("--env-file", ".env.local", "-f", files[0], "-f", files[1], "logs", "--tail", "50", files=[], check=False).stdout[-4000:])  # fmt: skip
        ping = subprocess.run(
            ["mysqladmin", "-h", "127.0.0.1", "-P", str(mysql_port), "-u", "shop", "ping"],
            capture_output=True,
            text=True,
            env={**os.environ, "MYSQL_PWD": dict(
                line.split("=", 1) for line in local.splitlines() if line and not line.startswith("#") and "=" in line
            )["DB_PASSWORD"]},
        )  # fmt: skip
        assert "alive" in ping.stdout, ping.stderr
    finally:
        dev.compose("--env-file", ".env.local", "-f", files[0], "-f", files[1], "-f", files[2],
                    "down", "-v", "--remove-orphans", files=[], check=False)  # fmt: skip
