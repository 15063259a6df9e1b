"""/metrics on a web task and the worker's metrics endpoint: answered to Prometheus whatever
the Host header, only with the bearer token, never through nginx; and the figures they serve
(responses by status class, page-cache hits and misses, the outbox, the token, backups)."""

import base64
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
from django.test import Client
from django.utils import timezone
from prometheus_client import REGISTRY

from kernel import metrics
from notifications.models import Notification
from tests.deploy.native_stack import ROOT
from tests.factories import make_category, make_product
from website.management.commands.shop_worker import Heartbeat
from website.worker_metrics import ShopStateCollector

TOKEN = "scrape-token-0123456789"
SCRAPER = {"HTTP_HOST": "10.0.1.7:8000"}  # Prometheus calls each task by its address


def value(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def test_without_a_configured_token_metrics_are_not_there(settings):
    settings.METRICS_TOKEN = ""
    response = Client().get("/metrics", **SCRAPER, HTTP_AUTHORIZATION="Bearer anything")
    assert response.status_code == 404
    assert b"shop_" not in response.content


def test_a_scrape_needs_the_right_bearer_token(token):
    scraper = Client()
    missing = scraper.get("/metrics", **SCRAPER)
    assert missing.status_code == 401
    assert missing["WWW-Authenticate"].startswith("Bearer")
    for header in ("Bearer wrong-token", f"Basic {TOKEN}", "Bearer ", TOKEN, "Bearer ä€"):
        response = scraper.get("/metrics", **SCRAPER, HTTP_AUTHORIZATION=header)
        assert response.status_code in (401, 403), header
        assert b"shop_" not in response.content
    good = scraper.get("/metrics", **SCRAPER, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert good.status_code == 200
    assert good["Content-Type"].startswith("text/plain; version=")
    assert b"# TYPE shop_orders_placed_total counter" in good.content
    assert "no-cache" in good["Cache-Control"]


@pytest.mark.django_db
def test_nothing_internal_through_nginx(token, shop):
    response = Client().get(
        "/metrics",
        HTTP_HOST="localhost",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
        HTTP_AUTHORIZATION=f"Bearer {TOKEN}",
    )
    assert response.status_code == 404
    assert b"shop_" not in response.content


@pytest.mark.django_db
def test_responses_are_counted_by_method_and_status_class(token, shop):
    before_404 = value("shop_http_responses_total", method="GET", status="4xx")
    before_400 = value("shop_http_responses_total", method="POST", status="4xx")
    before_2xx = value("shop_http_responses_total", method="GET", status="2xx")
    shopper = Client()
    assert shopper.get("/en/no-such-page/").status_code == 404
    bad = shopper.post("/api/cart/add/", data="{", content_type="application/json")
    assert bad.status_code == 400
    # The scrape itself and health checks are not counted.
    Client().get("/metrics", **SCRAPER, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    Client().get("/healthz", **SCRAPER)
    assert value("shop_http_responses_total", method="GET", status="4xx") == before_404 + 1
    assert value("shop_http_responses_total", method="POST", status="4xx") == before_400 + 1
    assert value("shop_http_responses_total", method="GET", status="2xx") == before_2xx


@pytest.mark.django_db
def test_page_cache_hits_and_misses_are_counted(shop, settings):
    settings.SHOP_PAGE_CACHE_SECONDS = 300
    product = make_product(make_category(title="Pepper"), title="Kampot Pepper", price="8.90")
    hits, misses = (value("shop_page_cache_lookups_total", result=r) for r in ("hit", "miss"))
    visitor = Client()
    assert visitor.get(product.url)["X-Page-Cache"] == "miss"
    assert visitor.get(product.url)["X-Page-Cache"] == "hit"
    assert visitor.get(product.url)["X-Page-Cache"] == "hit"
    assert value("shop_page_cache_lookups_total", result="miss") == misses + 1
    assert value("shop_page_cache_lookups_total", result="hit") == hits + 2


def test_the_worker_heartbeat_is_a_metric(tmp_path):
    Heartbeat(tmp_path / "beat").beat()
    assert abs(value("shop_worker_heartbeat_timestamp_seconds") - time.time()) < 5


def jwt_expiring(at):
    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'HS256'})}.{part({'exp': int(at.timestamp())})}.c2lnbmF0dXJl"


@pytest.fixture
def worker_endpoint():
    registry = metrics.CollectorRegistry()
    registry.register(ShopStateCollector())
    server = metrics.serve_metrics("127.0.0.1", 0, registry, TOKEN)
    yield f"http://127.0.0.1:{server.server_port}/metrics"
    server.shutdown()
    server.server_close()


def scrape(url, token=TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(url, headers=headers, timeout=10)


# The endpoint reads the database from its own thread: the rows must be committed.
@pytest.mark.django_db(transaction=True)
def test_the_worker_endpoint_serves_shop_wide_figures(worker_endpoint, settings, tmp_path):
    expiry = datetime.now(tz=UTC).replace(microsecond=0) + timedelta(days=9)
    settings.BAKONG_API_TOKEN = jwt_expiring(expiry)
    backups = tmp_path / "backups"
    backups.mkdir()
    for stamp in ("20260101T030000Z", "20260102T030000Z"):
        (backups / f"backup-{stamp}.ok").write_text("manifest\n")
    (backups / "backup-20260103T030000Z.partial").write_text("")  # incomplete: not counted
    settings.METRICS_BACKUP_DIR = str(backups)
    settings.METRICS_DISK_PATHS = [str(tmp_path), str(tmp_path / "not-mounted")]
    old = timezone.now() - timedelta(minutes=40)
    for index, state in enumerate(("pending", "sending", "sent")):
        Notification.objects.create(
            event_key=f"test:{index}",
            channel="email",
            recipient="owner@example.com",
            kind="owner_order_paid",
            state=state,
            created_at=old - timedelta(minutes=index),
        )

    assert scrape(worker_endpoint, token=None).status_code == 401
    assert scrape(worker_endpoint, token="wrong").status_code == 403
    response = scrape(worker_endpoint)
    assert response.status_code == 200
    text = response.text
    figures = {
        line.split(" ")[0]: float(line.split(" ")[1])
        for line in text.splitlines()
        if line and not line.startswith("#")
    }
    assert figures["shop_outbox_unsent_messages"] == 2
    assert 41 * 60 - 5 < figures["shop_outbox_oldest_unsent_age_seconds"] < 41 * 60 + 60
    assert figures["shop_bakong_token_expiry_timestamp_seconds"] == expiry.timestamp()
    newest = datetime(2026, 1, 2, 3, tzinfo=UTC).timestamp()
    assert figures["shop_backup_last_success_timestamp_seconds"] == newest
    assert figures[f'shop_filesystem_free_bytes{{path="{tmp_path}"}}'] > 0
    assert "not-mounted" not in text
    assert settings.BAKONG_API_TOKEN not in text  # the token's expiry, never the token

    Notification.objects.exclude(state="sent").update(state="sent")
    settings.BAKONG_API_TOKEN = "not-a-jwt"
    text = scrape(worker_endpoint).text
    assert "shop_outbox_oldest_unsent_age_seconds 0.0" in text
    assert "shop_bakong_token_expiry_timestamp_seconds" not in text


def test_an_unwritable_multiprocess_directory_is_logged_and_counting_goes_on(tmp_path):
    missing = tmp_path / "no-such-directory"
    script = (
        "import django; django.setup()\n"
        "from kernel import metrics\n"
        "metrics.inc(metrics.ORDERS_PLACED, payment_method='khqr')\n"
        "print(metrics.MULTIPROCESS, metrics.REGISTRY.get_sample_value("
        "'shop_orders_placed_total', {'payment_method': 'khqr'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "website.settings.test",
            "PROMETHEUS_MULTIPROC_DIR": str(missing),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "1.0"]
    assert "is not a writable directory" in result.stderr
