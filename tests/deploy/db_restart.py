"""The database restarted under load: a private MariaDB server is killed (SIGKILL, the
harshest restart) while shoppers add to carts and check out through gunicorn, then started
again on the same data directory. Used by tests/deploy/test_database_restart.py (short, in
CI) and by ``bench/run.py --faults`` (long).

What it reports: requests and failures before the kill, during the outage and after the
database came back; whether gunicorn's master and workers are the same processes as before;
every order a shopper was told about, checked in the database; and the stock accounting,
item by item: initial = sold or reserved (in live orders) + remaining.
"""

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
# Units held by orders whose state keeps their stock (reserved or sold); cancelled, expired
# and refunded orders gave theirs back.
HELD_UNITS_SQL = (
    "SELECT l.product_id, SUM(l.quantity) FROM checkout_orderline l "
    "JOIN checkout_order o ON o.id = l.order_id WHERE o.status IN "
    "('awaiting_payment', 'paid', 'processing', 'shipped', 'delivered') GROUP BY l.product_id"
)

SEED = """
import json, sys
import django
django.setup()
from decimal import Decimal
from wagtail.models import Site
from catalog.inventory import set_stock
from checkout.models import DeliveryMethod
from tests.factories import home_page, make_category, make_product
from kernel.models import ShopSettings

home_page()
ShopSettings.for_site(Site.objects.get(is_default_site=True)).save()
DeliveryMethod.objects.get_or_create(
    code="phnom-penh", defaults={"label": "Phnom Penh", "fee": Decimal("1.50")}
)
category = make_category(title="Fault test")
stock = int(sys.argv[1])
products = [
    make_product(category, title=f"Item {n}", price=f"{n + 2}.50", stock=stock)
    for n in range(int(sys.argv[2]))
]
print(json.dumps({"products": [p.pk for p in products], "stock": stock}))
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateMariaDB:
    """A MariaDB server of our own (data directory, port), so the test can kill it without
    touching the server everything else uses."""

    def __init__(self, workdir, *options):
        self.dir = Path(workdir)
        self.datadir = self.dir / "data"
        self.port = free_port()
        self.process = None
        self.options = options  # more server options (TLS certificates, say)

    def install(self):
        self.dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "mariadb-install-db",
                "--no-defaults",
                f"--datadir={self.datadir}",
                "--user=root",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self, timeout=60):
        server = "/usr/sbin/mariadbd" if Path("/usr/sbin/mariadbd").exists() else "mariadbd"
        self.process = subprocess.Popen(
            [
                server,
                "--no-defaults",
                f"--datadir={self.datadir}",
                "--user=root",
                f"--port={self.port}",
                "--bind-address=127.0.0.1",
                f"--socket={self.dir / 'mysqld.sock'}",
                f"--pid-file={self.dir / 'mysqld.pid'}",
                f"--log-error={self.dir / 'error.log'}",
                "--innodb-buffer-pool-size=128M",
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_unicode_ci",
                "--max-connections=200",
                *self.options,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ping():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError("MariaDB did not start:\n" + self.error_log()[-3000:])

    def ping(self):
        result = subprocess.run(
            ["mysqladmin", "-uroot", "-h127.0.0.1", f"-P{self.port}", "ping"],
            capture_output=True,
            timeout=10,
        )
        return result.returncode == 0

    def kill(self):
        """SIGKILL: no clean shutdown, InnoDB recovers from its redo log at the next start."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def query(self, statement, database="shop"):
        """Rows of a SELECT, as lists of strings."""
        out = subprocess.run(
            ["mysql", "-uroot", "-h127.0.0.1", f"-P{self.port}", "-N", "-B", database, "-e"]
            + [statement],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        return [line.split("\t") for line in out.splitlines() if line]

    def error_log(self):
        path = self.dir / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""


@dataclass
class Outcome:
    started: float
    ended: float
    step: str
    status: int  # 0: no HTTP answer (connection refused or reset)
    order: str = ""


@dataclass
class Timeline:
    killed: float = 0.0
    back: float = 0.0
    outcomes: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome):
        with self.lock:
            self.outcomes.append(outcome)

    def answered(self):
        """How many requests got a 2xx answer so far."""
        with self.lock:
            return sum(1 for outcome in self.outcomes if 200 <= outcome.status < 300)


CHECKOUT = {
    "email": "fault@example.com",
    "name": "Fault Test",
    "phone": "012 345 678",
    "address": "No. 1, Street 240",
    "province": "Phnom Penh",
    "delivery_method": "phnom-penh",
    "currency": "USD",
}


def _call(session, timeline, step, method, url, **kwargs):
    started = time.monotonic()
    try:
        response = session.request(method, url, timeout=15, **kwargs)
        status = response.status_code
    except requests.RequestException:
        response, status = None, 0
    order = ""
    if response is not None and status == 201 and step == "checkout":
        order = response.json()["order"]["number"]
    timeline.add(Outcome(started, time.monotonic(), step, status, order))
    return status


def shopper(base, products, timeline, stop, seed):
    """Loop: a new browser session adds one or two items and checks out."""
    rng = random.Random(seed)
    while not stop.is_set():
        session = requests.Session()

        def call(step, method, path, session=session, **kwargs):
            return _call(session, timeline, step, method, base + path, **kwargs)

        if call("cart", "GET", "/api/cart/") != 200:
            time.sleep(0.2)
            continue
        headers = {"X-CSRFToken": session.cookies.get("csrftoken", ""), "Referer": base + "/"}
        added = False
        for product in rng.sample(products, rng.choice((1, 2))):
            body = {"product_id": product, "quantity": rng.randint(1, 3)}
            added |= call("add", "POST", "/api/cart/add/", json=body, headers=headers) == 200
        if added:
            call("checkout", "POST", "/api/checkout/", json=CHECKOUT, headers=headers)


def _children(pid):
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return sorted(int(p) for p in out.split())


def run(
    workdir,
    shoppers=8,
    before=4.0,
    outage=3.0,
    after=6.0,
    products=6,
    stock=40,
    log=print,
    warm=20,
):
    """Run the scenario; returns the report (a dict). Raises if the stack cannot start."""
    workdir = Path(workdir)
    db = PrivateMariaDB(workdir / "mariadb")
    gunicorn = None
    try:
        db.install()
        db.start()
        subprocess.run(
            [
                "mysql",
                "-uroot",
                "-h127.0.0.1",
                f"-P{db.port}",
                "-e",
                "CREATE DATABASE shop CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
            ],
            check=True,
            timeout=30,
        )
        port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "website.settings.production",
            "SECRET_KEY": "fault-test-secret-key-not-for-production-0123456789abcdef",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "False",
            "SESSION_COOKIE_SECURE": "False",
            "CSRF_COOKIE_SECURE": "False",
            "DB_NAME": "shop",
            "DB_USER": "root",
            "DB_PASSWORD": "",
            "DB_HOST": "127.0.0.1",
            "DB_PORT": str(db.port),
            "DB_COLLATION": "utf8mb4_unicode_ci",
            "MEDIA_ROOT": str(workdir / "media"),
            "STATIC_ROOT": str(workdir / "static"),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "BAKONG_API_BASE_URL": "http://127.0.0.1:9",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": "4",
            "GUNICORN_ACCESS_LOG": "/dev/null",
            "REDIS_URL": os.environ.get("FAULT_REDIS_URL", "redis://127.0.0.1:6379/8"),
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("DATABASE_URL", None)
        subprocess.run(
            ["redis-cli", "-u", env["REDIS_URL"], "FLUSHDB"], capture_output=True, check=False
        )

        def manage(*args):
            return subprocess.run(
                [PYTHON, *args],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
                timeout=600,
            ).stdout

        log("migrating the private database")
        manage("manage.py", "migrate", "--noinput", "-v0")
        manage("manage.py", "collectstatic", "--noinput", "-v0")
        seeded = json.loads(manage("-c", SEED, str(stock), str(products)).strip().splitlines()[-1])
        initial = {int(pk): seeded["stock"] for pk in seeded["products"]}

        gunicorn_log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115
        gunicorn = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "--config", "docker/gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=gunicorn_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(base + "/readyz", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or gunicorn.poll() is not None:
                raise RuntimeError((workdir / "gunicorn.log").read_text()[-3000:])
            time.sleep(0.3)
        workers_before = _children(gunicorn.pid)

        timeline, stop = Timeline(), threading.Event()
        threads = [
            threading.Thread(
                target=shopper, args=(base, list(initial), timeline, stop, n), daemon=True
            )
            for n in range(shoppers)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(before)
        # The outage is meant to hit a shop under load: on a busy machine the workers' first
        # requests (each loads the URLconf and the views' libraries) can take most of
        # ``before``, so wait (up to a minute more) until ``warm`` requests were answered.
        warmed_by = time.monotonic() + 60
        while timeline.answered() < warm and time.monotonic() < warmed_by:
            time.sleep(0.2)
        log(f"killing MariaDB (SIGKILL) after {time.monotonic() - started:.1f} s of load")
        timeline.killed = time.monotonic()
        db.kill()
        time.sleep(outage)
        db.start()
        timeline.back = time.monotonic()
        log(f"MariaDB back after {timeline.back - timeline.killed:.1f} s")
        time.sleep(after)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        ended = time.monotonic()

        ready = requests.get(base + "/readyz", timeout=5).status_code
        report = _report(db, timeline, initial, started, ended)
        gunicorn_log.flush()
        log_text = (workdir / "gunicorn.log").read_text(errors="replace")
        report.update(
            gunicorn_master_alive=gunicorn.poll() is None,
            # gunicorn replaces a worker after max_requests (normal); a timeout or a crash is not.
            workers_recycled=log_text.count("Autorestarting worker"),
            workers_timed_out_or_crashed=sum(
                log_text.count(marker)
                for marker in ("WORKER TIMEOUT", "was sent SIGKILL", "exited with code")
            ),
            workers_before=workers_before,
            workers_after=_children(gunicorn.pid),
            readyz_after=ready,
            shoppers=shoppers,
        )
        return report
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            gunicorn.wait(timeout=30)
        db.stop()


def _report(db, timeline, initial, started, ended):
    recovery_grace = 2.0  # requests begun this soon after the restart may meet stale sockets

    def phase(outcome):
        if outcome.ended < timeline.killed:
            return "before"
        if outcome.started > timeline.back + recovery_grace:
            return "after"
        return "outage"

    phases = {name: {"requests": 0, "ok": 0, "failed": 0} for name in ("before", "outage", "after")}
    failures = {}
    for outcome in timeline.outcomes:
        counts = phases[phase(outcome)]
        counts["requests"] += 1
        # 409: sold out or not enough left, a correct answer; anything else 4xx or 5xx or no
        # answer at all is a failure.
        good = outcome.status in (200, 201, 409)
        counts["ok" if good else "failed"] += 1
        if not good:
            key = f"{phase(outcome)}:{outcome.step}:{outcome.status}"
            failures[key] = failures.get(key, 0) + 1

    failed_at = [
        o.ended - timeline.back for o in timeline.outcomes if o.status not in (200, 201, 409)
    ]
    confirmed = [o.order for o in timeline.outcomes if o.order]
    orders = {
        number: (status, total, subtotal, fee, int(lines), line_sum)
        for number, status, total, subtotal, fee, lines, line_sum in db.query(
            "SELECT o.number, o.status, o.total, o.subtotal, o.delivery_fee, COUNT(l.id), "
            "COALESCE(SUM(l.line_total), 0) FROM checkout_order o "
            "LEFT JOIN checkout_orderline l ON l.order_id = o.id GROUP BY o.id"
        )
    }
    missing = [n for n in confirmed if n not in orders]
    inconsistent = [
        n
        for n, (_, total, subtotal, fee, lines, line_sum) in orders.items()
        if lines == 0
        or Decimal(line_sum) != Decimal(subtotal)
        or Decimal(subtotal) + Decimal(fee) != Decimal(total)
    ]
    held = {int(pk): int(qty) for pk, qty in db.query(HELD_UNITS_SQL)}
    remaining = {
        int(pk): int(qty)
        for pk, qty in db.query("SELECT product_id, quantity FROM catalog_stockrecord")
        if int(pk) in initial
    }
    accounting = {
        pk: {
            "initial": initial[pk],
            "held": held.get(pk, 0),
            "remaining": remaining.get(pk),
            "adds_up": initial[pk] == held.get(pk, 0) + remaining.get(pk, -1),
        }
        for pk in initial
    }
    return {
        "seconds": round(ended - started, 1),
        "outage_seconds": round(timeline.back - timeline.killed, 1),
        "phases": phases,
        "failures": failures,
        # When the last failed request ended, in seconds after the database was back.
        "last_failure_after_restart": round(max(failed_at), 2) if failed_at else None,
        "orders_confirmed": len(confirmed),
        "orders_confirmed_unique": len(set(confirmed)),
        "orders_in_database": len(orders),
        "orders_confirmed_after_recovery": sum(
            1 for o in timeline.outcomes if o.order and o.started > timeline.back
        ),
        "confirmed_orders_missing": missing,
        "inconsistent_orders": inconsistent,
        "stock": accounting,
        "units_sold_or_reserved": sum(held.values()),
        "units_initial": sum(initial.values()),
    }
