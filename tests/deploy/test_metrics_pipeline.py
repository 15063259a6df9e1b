"""Metrics and alerts end to end, with the real programs: gunicorn (docker/gunicorn.conf.py,
several workers, multiprocess metrics) and the shop's worker on MariaDB, Debian's
``prometheus`` scraping both with the bearer token (docker/prometheus/prometheus.yml, its
DNS discovery replaced by the loopback addresses), and ``prometheus-alertmanager``
(docker/alertmanager/alertmanager.yml, its SMTP server replaced by an aiosmtpd server in
this test) e-mailing the owner when a shipped alert rule fires on a real condition: a message
the worker cannot send (its SMTP server is down) grows old in the outbox."""

import os
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from email import message_from_bytes

import pytest
import requests
import yaml
from aiosmtpd.controller import Controller

from tests.deploy.native_stack import ROOT, NativeStack, free_port, wait_for
from tests.deploy.test_native_stack import mysql

DATABASE = "shop_metrics_pipeline"
TOKEN = "pipeline-scrape-token-0123456789"
WORKERS = 3
REQUESTS = 36


def tool(name):
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (bin/setup --dev installs it)")
    return path


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's name)
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture(scope="module")
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    if not os.environ.get("DB_NAME"):
        pytest.skip("needs MariaDB configured with DB_NAME (CI does)")
    tool("prometheus")
    tool("prometheus-alertmanager")
    mysql(f"DROP DATABASE IF EXISTS {DATABASE}")
    mysql(f"CREATE DATABASE {DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    stack = NativeStack(tmp_path_factory.mktemp("metrics"), DATABASE)
    stack.web_port, stack.worker_port = free_port(), free_port()
    stack.multiprocess_dir = stack.dir / "prometheus-multiproc"
    stack.env.update(
        {
            "METRICS_TOKEN": TOKEN,
            "GUNICORN_WORKERS": str(WORKERS),
            "GUNICORN_BIND": f"127.0.0.1:{stack.web_port}",
            "PROMETHEUS_MULTIPROC_DIR": str(stack.multiprocess_dir),
            "WORKER_METRICS_ADDR": "127.0.0.1",
            "WORKER_METRICS_PORT": str(stack.worker_port),
            "SHOP_WORKER_HEARTBEAT_FILE": str(stack.dir / "heartbeat"),
            # The shop's mail server is down: the worker cannot send, the outbox grows old.
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(free_port()),
            "EMAIL_USE_TLS": "False",
            "METRICS_DISK_PATHS": str(stack.dir),
        }
    )
    try:
        stack.run("migrate", "--noinput")
        stack.run("createcachetable")
        stack.run("collectstatic", "--noinput")
        # Queued two hours ago and never sent: what an owner must hear about.
        stack.run(
            "shell",
            "-c",
            "from datetime import timedelta; from django.utils import timezone; "
            "from notifications.models import Notification as N; "
            "N.objects.create(event_key='pipeline', channel='email', recipient='a@example.com',"
            " kind='owner_order_paid', body_text='x',"
            " created_at=timezone.now() - timedelta(hours=2))",
        )
        stack.start("gunicorn", [*python_m("gunicorn"), "--config", "docker/gunicorn.conf.py"])
        wait_for(f"http://127.0.0.1:{stack.web_port}/healthz")
        stack.start_worker()
        yield stack
    finally:
        stack.stop()
        mysql(f"DROP DATABASE IF EXISTS {DATABASE}")


def python_m(module):
    return [sys.executable, "-m", module]


def scrape(url, token=TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(url, headers={**headers, "Host": "10.0.1.7:8000"}, timeout=10)


def samples(text, name):
    """``{labels: value}`` of the samples named ``name`` in an exposition text."""
    found = {}
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            labels, _, number = line.rpartition(" ")
            found[labels[len(name) :]] = float(number)
    return found


def test_figures_add_up_across_gunicorn_workers(shop):
    metrics_url = f"http://127.0.0.1:{shop.web_port}/metrics"
    assert scrape(metrics_url, token=None).status_code == 401
    assert scrape(metrics_url, token="wrong").status_code == 403

    def missing_page(_):
        # A fresh connection each time, several at once: every worker gets some.
        return requests.get(
            f"http://127.0.0.1:{shop.web_port}/en/no-such-page-{_}/",
            # As nginx forwards it (plain HTTP would be redirected to HTTPS).
            headers={"Host": "localhost", "X-Forwarded-Proto": "https", "Connection": "close"},
            allow_redirects=False,
            timeout=30,
        ).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert set(pool.map(missing_page, range(REQUESTS))) == {404}

    answer = scrape(metrics_url)
    assert answer.status_code == 200
    counted = samples(answer.text, "shop_http_responses_total")
    assert counted['{method="GET",status="4xx"}'] == REQUESTS
    counting_processes = {
        path.name for path in shop.multiprocess_dir.glob("counter_*.db") if path.stat().st_size
    }
    assert len(counting_processes) >= 2, counting_processes  # the sum is over workers
    # Every scrape, whichever worker answers it, sees the same total.
    for _ in range(WORKERS * 2):
        again = samples(scrape(metrics_url).text, "shop_http_responses_total")
        assert again['{method="GET",status="4xx"}'] == REQUESTS


def prometheus_config(shop, directory, alertmanager_port):
    """docker/prometheus/prometheus.yml with loopback targets instead of Swarm's DNS."""
    config = yaml.safe_load((ROOT / "docker" / "prometheus" / "prometheus.yml").read_text())
    token_file = directory / "metrics_token"
    token_file.write_text(TOKEN + "\n")
    config["global"].update(scrape_interval="1s", scrape_timeout="1s", evaluation_interval="1s")
    # The shipped OutboxStuck rule, with its `for:` shortened so the test need not wait 5 min.
    rules = yaml.safe_load((ROOT / "docker" / "prometheus" / "alerts.yml").read_text())
    for group in rules["groups"]:
        group["rules"] = [rule for rule in group["rules"] if rule["alert"] == "OutboxStuck"]
        for rule in group["rules"]:
            rule["for"] = "2s"
    rules["groups"] = [group for group in rules["groups"] if group["rules"]]
    (directory / "alerts.yml").write_text(yaml.safe_dump(rules))
    config["rule_files"] = [str(directory / "alerts.yml")]
    config["alerting"]["alertmanagers"][0]["static_configs"] = [
        {"targets": [f"127.0.0.1:{alertmanager_port}"]}
    ]
    ports = {"web": shop.web_port, "worker": shop.worker_port}
    jobs = []
    for job in config["scrape_configs"]:
        if job["job_name"] not in ports:
            continue
        assert job["authorization"]["type"] == "Bearer"
        job["authorization"]["credentials_file"] = str(token_file)
        del job["dns_sd_configs"]
        job["static_configs"] = [{"targets": [f"127.0.0.1:{ports[job['job_name']]}"]}]
        jobs.append(job)
    config["scrape_configs"] = jobs
    path = directory / "prometheus.yml"
    path.write_text(yaml.safe_dump(config))
    return path


def alertmanager_config(directory, smtp_port):
    """docker/alertmanager/alertmanager.yml sending through this test's SMTP server, fast."""
    config = yaml.safe_load((ROOT / "docker" / "alertmanager" / "alertmanager.yml").read_text())
    config["global"]["smtp_smarthost"] = f"127.0.0.1:{smtp_port}"
    config["global"]["smtp_require_tls"] = False
    for key in ("smtp_auth_username", "smtp_auth_password_file"):
        config["global"].pop(key)
    config["route"].update(group_wait="1s", group_interval="1s")
    path = directory / "alertmanager.yml"
    path.write_text(yaml.safe_dump(config))
    return path


def query(port, expression):
    answer = requests.get(
        f"http://127.0.0.1:{port}/api/v1/query", params={"query": expression}, timeout=5
    ).json()
    return answer["data"]["result"]


def wait_until(check, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"{what} did not happen in {timeout} s")


def test_prometheus_scrapes_both_and_the_owner_gets_an_alert_email(shop, smtp, tmp_path):
    controller, inbox = smtp
    prometheus_port, alertmanager_port = free_port(), free_port()
    shop.start(
        "alertmanager",
        [
            tool("prometheus-alertmanager"),
            f"--config.file={alertmanager_config(tmp_path, controller.port)}",
            f"--storage.path={tmp_path / 'alertmanager-data'}",
            f"--web.listen-address=127.0.0.1:{alertmanager_port}",
            "--cluster.listen-address=",
        ],
    )
    shop.start(
        "prometheus",
        [
            tool("prometheus"),
            f"--config.file={prometheus_config(shop, tmp_path, alertmanager_port)}",
            f"--storage.tsdb.path={tmp_path / 'prometheus-data'}",
            f"--web.listen-address=127.0.0.1:{prometheus_port}",
        ],
    )
    wait_for(f"http://127.0.0.1:{prometheus_port}/-/ready", timeout=30)

    def both_up():
        up = {r["metric"]["job"]: r["value"][1] for r in query(prometheus_port, "up")}
        return up == {"web": "1", "worker": "1"}

    wait_until(both_up, 30, "Prometheus scraping web and worker with the token")
    # The worker's own figures and the shop-wide ones, from its endpoint.
    beat = query(prometheus_port, "time() - shop_worker_heartbeat_timestamp_seconds")
    assert beat and float(beat[0]["value"][1]) < 30
    backlog = query(prometheus_port, "shop_outbox_unsent_messages")
    assert backlog and backlog[0]["value"][1] == "1"
    assert query(prometheus_port, 'shop_filesystem_free_bytes{job="worker"}')

    def alert_mail():
        return [
            (to, message)
            for to, message in inbox.messages
            if "OutboxStuck" in message["Subject"] and "FIRING" in message["Subject"]
        ]

    to, message = wait_until(alert_mail, 60, "The OutboxStuck e-mail")[0]
    assert to == ["owner@example.com"]  # the receiver in alertmanager.yml
    body = message.get_payload(decode=True) or b"".join(
        part.get_payload(decode=True) or b"" for part in message.walk()
    )
    assert b"E-mails or Telegram messages have waited" in body
