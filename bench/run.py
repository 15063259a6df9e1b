"""The benchmark harness: MariaDB with the demo catalog plus generated products, gunicorn from
the project's own config (4 sync workers), wrk as the load generator, and a table of
requests per second and latency per endpoint, each also as a ratio to a baseline (a minimal
Django view without the database, /healthz, served by the same gunicorn).

    python bench/run.py                 # full run: 1,000 then 10,000 products
    python bench/run.py --smoke         # a few seconds, for CI: the harness still works
    python bench/run.py --shoppers 1000 # the locust shopper scenario (see --shopper-minutes)
    python bench/run.py --faults        # MariaDB killed and restarted under load, long
    python bench/run.py --only cart --reuse-database --profile   # one endpoint, py-spy

Results go to bench/results/<name>.json and .md; --update-benchmarks rewrites BENCHMARKS.md.
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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
        env={**os.environ, "MYSQL_PWD": os.environ.get("DB_PASSWORD", "")},
    )


def lua_string(value):
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal here


def write_script(path, requests_):
    lines = ["requests = {"]
    for r in requests_:
        headers = ", ".join(
            f"[{lua_string(k)}] = {lua_string(v)}" for k, v in r.get("headers", {}).items()
        )
        body = lua_string(r["body"]) if r.get("body") else "nil"
        lines.append(
            f"  {{method = {lua_string(r['method'])}, path = {lua_string(r['path'])}, headers = {{{headers}}}, body = {body}}},"
        )
    lines.append("}")
    lines.append((ROOT / "bench" / "report.lua").read_text())
    path.write_text("\n".join(lines))


class Bench:
    def __init__(self, database, workdir, duration, connections):
        self.database = database
        self.dir = workdir
        self.duration = duration
        self.connections = connections
        self.port = free_port()
        self.sandbox_port = free_port()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "website.settings.production",
            "SECRET_KEY": "benchmark-secret-key-not-for-production-0123456789abcdef",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "False",
            # Plain HTTP on loopback (no nginx/TLS here): browsers' cookies must travel.
            "SESSION_COOKIE_SECURE": "False",
            "CSRF_COOKIE_SECURE": "False",
            "DB_NAME": database,
            "DB_USER": os.environ.get("DB_USER", "root"),
            "DB_HOST": os.environ.get("DB_HOST", "127.0.0.1"),
            "STATIC_ROOT": str(workdir / "static"),
            # Kept with the database it belongs to, so --reuse-database finds its images.
            "MEDIA_ROOT": str(RESULTS / f"media-{database}"),
            "SERVE_MEDIA": "True",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "BAKONG_API_BASE_URL": f"http://127.0.0.1:{self.sandbox_port}",
            "BAKONG_API_TOKEN": "sandbox-token",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": os.environ.get("GUNICORN_WORKERS", "4"),
            "GUNICORN_ACCESS_LOG": "/dev/null",
            # A shared cache for the 4 workers, as production has with REDIS_URL.
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5"),
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("DATABASE_URL", None)
        self.processes = []

    def manage(self, *args):
        subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, check=True, timeout=3600
        )

    def prepare(self, products, fresh):
        if fresh:
            mysql(f"DROP DATABASE IF EXISTS {self.database}")
        mysql(
            f"CREATE DATABASE IF NOT EXISTS {self.database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        )
        self.manage("migrate", "--noinput", "-v0")
        self.manage("createcachetable")
        self.manage("collectstatic", "--noinput", "-v0")
        self.manage("load_demo", "--products", str(products), "-v0")

    def start(self):
        subprocess.run(
            ["redis-cli", "-u", self.env["REDIS_URL"], "FLUSHDB"], check=False, capture_output=True
        )
        # The Bakong stand-in without Django: production settings do not install devtools.
        self.processes.append(
            subprocess.Popen(
                [
                    PYTHON,
                    "-m",
                    "devtools.bakong_sandbox",
                    "--port",
                    str(self.sandbox_port),
                    "--token",
                    "sandbox-token",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
        self.processes.append(
            subprocess.Popen(
                [PYTHON, "-m", "gunicorn", "--config", "docker/gunicorn.conf.py"],
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=open(self.dir / "gunicorn.log", "w"),  # noqa: SIM115
                start_new_session=True,
            )
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError((self.dir / "gunicorn.log").read_text()[-3000:])
            time.sleep(0.3)

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
        self.processes = []

    def fixtures(self, sessions, payments):
        out = subprocess.run(
            [PYTHON, "bench/prepare.py", str(sessions), str(payments)],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=3600,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])

    def worker_memory_mb(self):
        """Resident memory of each gunicorn worker (children of the master), in MB."""
        master = self.processes[1].pid
        children = subprocess.run(
            ["pgrep", "-P", str(master)], capture_output=True, text=True
        ).stdout.split()
        sizes = []
        for pid in children:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def profile(self, endpoint):
        """Start py-spy on one worker for the next measurement; returns the running process."""
        worker = subprocess.run(
            ["pgrep", "-P", str(self.processes[1].pid)], capture_output=True, text=True
        ).stdout.split()[0]
        out = self.dir / f"profile-{re.sub(r'[^a-z0-9]+', '-', endpoint.lower()).strip('-')}.txt"
        process = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "py-spy"),
                "record",
                "--pid",
                worker,
                "--format",
                "raw",
                "--rate",
                "200",
                "--duration",
                str(self.duration + 2),
                "--output",
                str(out),
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        process.output = out
        return process

    @staticmethod
    def profile_summary(process, top=12):
        """The functions (and files) a worker spent its samples in, inclusive, from py-spy's
        collapsed stacks: where an endpoint's time goes."""
        process.wait(timeout=120)
        inclusive, total = {}, 0
        for line in process.output.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            count = int(count)
            total += count
            seen = set()
            for frame in stack.split(";"):
                name = (
                    frame.split(" (")[0]
                    + " ("
                    + frame.split(" (")[-1]
                    .split(":")[0]
                    .split("/site-packages/")[-1]
                    .split("/work/main/")[-1]
                )
                if name not in seen:
                    seen.add(name)
                    inclusive[name] = inclusive.get(name, 0) + count
        ranked = sorted(inclusive.items(), key=lambda item: -item[1])
        return {
            "samples": total,
            "top": [(name, round(100 * count / total, 1)) for name, count in ranked[:top]]
            if total
            else [],
            "file": str(process.output),
        }

    def warm_up(self, requests_):
        """One request per distinct page first: the first view of a page makes its image
        renditions, which is not what a steady shop spends its time on."""
        for path in {r["path"] for r in requests_ if r["method"] == "GET"}:
            requests.get(
                f"http://127.0.0.1:{self.port}{path}",
                timeout=60,
                headers=requests_[0].get("headers") or {},
            )

    def measure(self, name, requests_, connections=None):
        if "uncached" not in name:
            self.warm_up(requests_)
        script = self.dir / f"{name.replace(' ', '_').replace('/', '_')}.lua"
        write_script(script, requests_)
        result = subprocess.run(
            [
                "wrk",
                "-t",
                "2",
                "-c",
                str(connections or self.connections),
                "-d",
                f"{self.duration}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                f"http://127.0.0.1:{self.port}",
            ],
            capture_output=True,
            text=True,
            timeout=self.duration + 60,
        )
        line = next((l for l in result.stdout.splitlines() if l.startswith("BENCH ")), None)  # noqa: E741
        if line is None:
            raise RuntimeError(result.stdout + result.stderr)
        data = json.loads(line[len("BENCH ") :])
        seconds = data["duration_us"] / 1e6
        return {
            "endpoint": name,
            "rps": round(data["requests"] / seconds, 1),
            "p50_ms": round(data["p50_us"] / 1000, 1),
            "p95_ms": round(data["p95_us"] / 1000, 1),
            "p99_ms": round(data["p99_us"] / 1000, 1),
            "errors": data["errors"],
            "requests": data["requests"],
        }


SEARCH_TERMS = ["basket", "pepper", "krama", "coffee", "soap", "silk", "tea", "bowl"]


def scenario(bench, fixtures):
    cookie = fixtures["session_cookie"]
    csrf_cookie, csrf = fixtures["csrf_cookie"], fixtures["csrf"]

    def session_headers(key, json_body=False):
        headers = {
            "Cookie": f"{cookie}={key}; {csrf_cookie}={csrf}",
            "X-CSRFToken": csrf,
            "Referer": f"http://127.0.0.1:{bench.port}/",
        }
        if json_body:
            headers["Content-Type"] = "application/json"
        return headers

    get = lambda path: [{"method": "GET", "path": path}]  # noqa: E731
    adds = [
        {
            "method": "POST",
            "path": "/api/cart/add/",
            "headers": session_headers(key, True),
            "body": json.dumps(
                {
                    "product_id": fixtures["product_ids"][
                        (i * 7 + turn) % len(fixtures["product_ids"])
                    ],
                    "quantity": 1,
                }
            ),
        }
        # Each cart gets ten different products in turn, so no line reaches the most of one
        # item a shopper may order.
        for turn in range(10)
        for i, key in enumerate(fixtures["cart_sessions"])
    ]
    checkout_body = json.dumps(
        {
            "email": "bench@example.com",
            "name": "Bench Shopper",
            "phone": "012 345 678",
            "address": "No. 1, Street 240",
            "province": "Phnom Penh",
            "delivery_method": "phnom-penh",
            "currency": "USD",
        }
    )
    checkouts = [
        {
            "method": "POST",
            "path": "/api/checkout/",
            "headers": session_headers(key, True),
            "body": checkout_body,
        }
        for key in fixtures["checkout_sessions"]
    ]
    polls = [
        {"method": "GET", "path": f"/api/payments/{p['md5']}/?token={p['token']}"}
        for p in fixtures["payments"]
    ]
    carts = [
        {"method": "GET", "path": "/en/cart/", "headers": session_headers(key)}
        for key in fixtures["cart_sessions"][:50]
    ]
    return [
        ("baseline /healthz", get("/healthz")),
        # Database round trip and cache ping; the migration check runs once per process.
        ("readiness /readyz", get("/readyz")),
        ("home /en/", get("/en/")),
        ("category (24 a page)", get(fixtures["category_url"])),
        ("product page", get(fixtures["product_url"])),
        ("search", [{"method": "GET", "path": f"/en/search/?q={term}"} for term in SEARCH_TERMS]),
        # Every URL new (an ignored parameter differs), so none is in the page cache yet: what
        # a search nobody made before costs.
        (
            "search, uncached",
            [
                {
                    "method": "GET",
                    "path": f"/en/search/?q={SEARCH_TERMS[n % len(SEARCH_TERMS)]}&n={n}",
                }
                for n in range(20000)
            ],
        ),
        ("POST /api/cart/add/", adds),
        ("cart page", carts),
        ("POST /api/checkout/", checkouts),
        ("payment status", polls),
    ]


def markdown(run):
    lines = [
        f"Run {run['started']} on {run['machine']} ({run['cpus']} cores, load generator on the same machine); "
        f"gunicorn {run['workers']} sync workers; wrk {run['connections']} connections, {run['duration']} s per endpoint.",
        "",
    ]
    for label, rows in run["sets"].items():
        baseline = rows[0]["rps"]
        lines += [
            f"### {label}",
            "",
            "| endpoint | req/s | × baseline | p50 ms | p95 ms | p99 ms | errors |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for row in rows:
            lines.append(
                f"| {row['endpoint']} | {row['rps']} | {row['rps'] / baseline:.2f} | {row['p50_ms']} | "
                f"{row['p95_ms']} | {row['p99_ms']} | {row['errors']} |"
            )
        memory = run["memory_mb"].get(label)
        if memory:
            lines += [
                "",
                f"gunicorn worker memory after the run: {', '.join(f'{m:.0f}' for m in memory)} MB",
            ]
        lines.append("")
    return "\n".join(lines)


def run_faults(args):
    """The database-restart fault scenario (tests/deploy/db_restart.py), long: shoppers for
    --fault-seconds, MariaDB killed a third of the way in and started again after
    --outage-seconds. Prints the report; --update-benchmarks writes it to BENCHMARKS.md."""
    sys.path.insert(0, str(ROOT))
    from tests.deploy import db_restart

    workdir = RESULTS / "work-faults"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    third = args.fault_seconds / 3
    report = db_restart.run(
        workdir,
        shoppers=args.fault_shoppers,
        before=third,
        outage=args.outage_seconds,
        after=args.fault_seconds - third - args.outage_seconds,
        stock=5000,
    )
    (RESULTS / "faults.json").write_text(json.dumps(report, indent=2))
    adds_up = all(row["adds_up"] for row in report["stock"].values())
    phases = report["phases"]
    lines = [
        f"Run {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} on {platform.node()}: "
        f"{report['shoppers']} shopper threads (add to cart, check out) against gunicorn "
        f"(4 workers) for {report['seconds']:.0f} s; MariaDB killed with SIGKILL and started "
        f"again after {report['outage_seconds']} s.",
        "",
        "| phase | requests | answered (200/201/409) | failed |",
        "|---|---:|---:|---:|",
    ]
    for name, label in (
        ("before", "before the kill"),
        ("outage", "outage (and 2 s after)"),
        ("after", "after recovery"),
    ):
        row = phases[name]
        lines.append(f"| {label} | {row['requests']} | {row['ok']} | {row['failed']} |")
    lines += [
        "",
        f"- last failed request ended {report['last_failure_after_restart']} s after the "
        "restart (negative: before MariaDB answered again); gunicorn was not restarted: master "
        f"alive {report['gunicorn_master_alive']}, workers timed out or crashed "
        f"{report['workers_timed_out_or_crashed']}, workers replaced after max_requests "
        f"(normal recycling) {report['workers_recycled']}",
        f"- orders confirmed to shoppers: {report['orders_confirmed']} "
        f"({report['orders_confirmed_after_recovery']} after recovery), in the database: "
        f"{report['orders_in_database']}, missing: {len(report['confirmed_orders_missing'])}, "
        f"inconsistent: {len(report['inconsistent_orders'])}",
        f"- stock adds up for every item (initial = held by orders + remaining): {adds_up}; "
        f"{report['units_sold_or_reserved']} of {report['units_initial']} units sold or reserved",
    ]
    text = "\n".join(lines)
    print(text)
    if args.update_benchmarks:
        _replace_section("<!-- faults -->", "<!-- /faults -->", text)
    return report


def _replace_section(start, end, text):
    document = (ROOT / "BENCHMARKS.md").read_text()
    before, found, rest = document.partition(start)
    if not found:
        raise SystemExit(f"BENCHMARKS.md has no {start} section")
    _, _, after = rest.partition(end)
    (ROOT / "BENCHMARKS.md").write_text(f"{before}{start}\n{text}\n{end}{after}")


def run_shoppers(args):
    """The locust shopper scenario against the benchmark stack, with worker memory sampled
    every minute (a soak when run long enough)."""
    import csv

    workdir = RESULTS / "work-shoppers"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    bench = Bench(args.database, workdir, 0, 0)
    if args.reuse_database:
        bench.manage("collectstatic", "--noinput", "-v0")
    else:
        bench.prepare(args.products[-1], fresh=True)
    bench.start()
    memory = []
    try:
        bench.warm_up([{"method": "GET", "path": "/"}])
        memory.append((0, bench.worker_memory_mb()))
        locust = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "locust",
                "-f",
                "bench/locustfile.py",
                "--headless",
                "-u",
                str(args.shoppers),
                "-r",
                str(max(1, args.shoppers // 50)),
                "-t",
                f"{args.shopper_minutes}m",
                "--host",
                f"http://127.0.0.1:{bench.port}",
                "--csv",
                str(workdir / "shoppers"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            stdout=open(workdir / "locust.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        minute = 0
        while locust.poll() is None:
            time.sleep(60)
            minute += 1
            memory.append((minute, bench.worker_memory_mb()))
        with open(workdir / "shoppers_failures.csv") as failures:
            status_5xx = sum(
                int(row["Occurrences"])
                for row in csv.DictReader(failures)
                if re.search(r"\b5\d\d\b", row["Error"])
            )
        with open(workdir / "shoppers_stats.csv") as stats:
            rows = list(csv.DictReader(stats))
    finally:
        bench.stop()
    lines = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} ({os.cpu_count()} cores, locust on the "
        f"same machine): {args.shoppers} shoppers, 5 to 15 s between steps, {args.shopper_minutes} minutes, "
        f"gunicorn 4 sync workers, page cache in Redis.",
        "",
        "| request | count | failures | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | "
            f"{row['95%']} | {row['99%']} | {float(row['Max Response Time']):.0f} |"
        )
    lines += [
        "",
        f"5xx answers: {status_5xx}",
        "",
        "gunicorn worker memory (MB) by minute: "
        + "; ".join(f"{m}: {', '.join(f'{x:.0f}' for x in sizes)}" for m, sizes in memory),
    ]
    report = "\n".join(lines)
    (RESULTS / "shoppers.md").write_text(report)
    print(report)
    if args.update_benchmarks:
        _replace_section("<!-- shoppers -->", "<!-- /shoppers -->", report)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="a few seconds, to check the harness")
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--products", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--database", default="shop_bench")
    parser.add_argument("--name", default=None)
    parser.add_argument("--update-benchmarks", action="store_true")
    parser.add_argument(
        "--shoppers", type=int, default=0, help="run the locust scenario with N shoppers"
    )
    parser.add_argument("--shopper-minutes", type=int, default=5)
    parser.add_argument("--reuse-database", action="store_true", help="skip preparing the database")
    parser.add_argument(
        "--faults", action="store_true", help="the database-restart fault scenario, long"
    )
    parser.add_argument("--fault-seconds", type=float, default=90)
    parser.add_argument("--outage-seconds", type=float, default=10)
    parser.add_argument("--fault-shoppers", type=int, default=16)
    parser.add_argument(
        "--only", action="append", default=[], help="measure only endpoints whose name has this"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="sample one gunicorn worker with py-spy during each endpoint (bench/results/)",
    )
    args = parser.parse_args()
    if args.faults:
        RESULTS.mkdir(exist_ok=True)
        return run_faults(args)
    if args.shoppers:
        RESULTS.mkdir(exist_ok=True)
        return run_shoppers(args)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")
    if args.smoke:
        args.duration, args.products, args.connections = 1, [0], 4
    name = args.name or ("smoke" if args.smoke else "latest")
    workdir = RESULTS / f"work-{name}"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    run = {
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": platform.node(),
        "cpus": os.cpu_count(),
        "connections": args.connections,
        "duration": args.duration,
        "workers": int(os.environ.get("GUNICORN_WORKERS", "4")),
        "sets": {},
        "memory_mb": {},
    }
    for index, products in enumerate(args.products):
        bench = Bench(args.database, workdir, args.duration, args.connections)
        label = f"{products + 40:,} products"
        print(f"== preparing {label}", flush=True)
        if args.reuse_database:
            bench.manage("collectstatic", "--noinput", "-v0")
        else:
            bench.prepare(products, fresh=index == 0)
        sessions = 20 if args.smoke else 400
        fixtures = bench.fixtures(sessions, 20 if args.smoke else 200)
        bench.start()
        try:
            rows = []
            for endpoint, requests_ in scenario(bench, fixtures):
                wanted = endpoint.startswith("baseline") or any(p in endpoint for p in args.only)
                if args.only and not wanted:
                    continue
                if endpoint == "POST /api/checkout/" and not args.smoke:
                    # Each checkout empties a cart: give this run fresh ones.
                    fresh = bench.fixtures(3000, 0)
                    requests_ = dict(scenario(bench, fresh))["POST /api/checkout/"]
                profiler = bench.profile(endpoint) if args.profile else None
                row = bench.measure(endpoint, requests_)
                if profiler is not None:
                    row["profile"] = bench.profile_summary(profiler)
                rows.append(row)
                print(
                    f"{label:>16} | {row['endpoint']:<22} {row['rps']:>8} req/s  p50 {row['p50_ms']:>6} ms  "
                    f"p95 {row['p95_ms']:>6} ms  p99 {row['p99_ms']:>6} ms  errors {row['errors']}",
                    flush=True,
                )
            run["sets"][label] = rows
            run["memory_mb"][label] = bench.worker_memory_mb()
        finally:
            bench.stop()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(run, indent=2))
    report = markdown(run)
    (RESULTS / f"{name}.md").write_text(report)
    print()
    print(report)
    if args.update_benchmarks:
        _replace_section("<!-- results -->", "<!-- /results -->", report)


if __name__ == "__main__":
    main()
