"""The shop's Prometheus metrics: their definitions, safe ways to move them, and how they are
served (docs/operations.md, "Metrics and alerts").

Every figure is defined here, in the lowest layer, and moved where its event happens
(checkout, notifications, the page cache, the worker). Counters of business events move only
when the transaction that made the event commits (``inc_on_commit``): a rolled-back or retried
transaction counts nothing, and idempotent repeats (a payment noticed twice) are not events.

gunicorn runs several worker processes, so the web figures use prometheus_client's
multiprocess mode: each process writes its values to files in ``PROMETHEUS_MULTIPROC_DIR``
and ``/metrics`` adds them up (``registry_for_scrape``). Without that variable (runserver,
tests, the background worker) the process's own registry is served. Figures read from the
database at scrape time (the outbox, the token, backups, disks) are computed by the worker's
endpoint only (``website.worker_metrics``), once for the whole shop, not once per web task.

Metrics never break what they measure: every update goes through a helper that logs the first
failure (an unwritable multiprocess directory, a full disk) and carries on.
"""

import hmac
import logging
import os
import shutil
import socketserver
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.conf import settings
from django.db import transaction
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)


# --- multiprocess mode, or this process alone ------------------------------------------------


def _multiprocess_dir():
    """The directory prometheus_client's multiprocess mode uses, ``""`` when the variable is
    set but empty, or ``None`` when it is not set."""
    for name in ("PROMETHEUS_MULTIPROC_DIR", "prometheus_multiproc_dir"):
        if name in os.environ:
            return os.environ[name]
    return None


def _usable(directory):
    try:
        with tempfile.TemporaryFile(dir=directory):
            return True
    except (OSError, TypeError):
        return False


MULTIPROCESS_DIR = _multiprocess_dir()
MULTIPROCESS = MULTIPROCESS_DIR is not None and bool(MULTIPROCESS_DIR) and _usable(MULTIPROCESS_DIR)
if MULTIPROCESS_DIR is not None and not MULTIPROCESS:
    # prometheus_client chose its file-backed values from the variable alone; they would fail
    # on the first update. Count in this process instead (its /metrics then shows only its
    # own figures) and say so once.
    logger.error(
        "PROMETHEUS_MULTIPROC_DIR=%r is not a writable directory: metrics count per process",
        MULTIPROCESS_DIR,
    )
    values.ValueClass = values.MutexValue


# --- the figures ---------------------------------------------------------------------------

HTTP_RESPONSES = Counter(
    "shop_http_responses",
    "Responses of the web processes, by request method and status class (2xx...5xx).",
    ["method", "status"],
)
HTTP_DURATION = Histogram(
    "shop_http_request_duration_seconds",
    "Time the web processes took to answer a request.",
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
PAGE_CACHE = Counter(
    "shop_page_cache_lookups",
    "Storefront page-cache lookups: hit (served from the cache) or miss (rendered).",
    ["result"],
)
ORDERS_PLACED = Counter(
    "shop_orders_placed", "Orders placed, by payment method (khqr, cod).", ["payment_method"]
)
ORDERS_PAID = Counter(
    "shop_orders_paid",
    "Orders that became paid, by payment method (khqr, cod).",
    ["payment_method"],
)
KHQR_PAYMENTS = Counter(
    "shop_khqr_payments",
    "KHQR payments that changed state: paid (confirmed), late, mismatch (wrong amount or "
    "currency), expired (unpaid).",
    ["outcome"],
)
PAYMENT_SWEEPS = Counter(
    "shop_payment_sweeps",
    "Runs of the worker's payment sweep: ok, or failed (Bakong could not be asked).",
    ["result"],
)
BAKONG_DURATION = Histogram(
    "shop_bakong_request_duration_seconds",
    "Time the Bakong Open API took to answer, by API call.",
    ["endpoint"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30),
)
BAKONG_ERRORS = Counter(
    "shop_bakong_errors",
    "Bakong calls that failed: unavailable (timeout, 5xx, 429, not its reply), unauthorized "
    "(token), refused.",
    ["endpoint", "kind"],
)
NOTIFICATIONS = Counter(
    "shop_notifications_sent",
    "Outbox messages the worker tried to send, by channel and result (sent, failed).",
    ["channel", "result"],
)
STOCKOUTS = Counter(
    "shop_stockouts",
    "Times an item (a product or one of its variants) reached 0 in stock: by a sale or by hand.",
    ["cause"],
)
WORKER_HEARTBEAT = Gauge(
    "shop_worker_heartbeat_timestamp_seconds",
    "Unix time the background worker's loop last went round.",
    multiprocess_mode="max",
)


# --- moving them without ever breaking a request ---------------------------------------------

_failing = threading.Event()


def _safely(update):
    try:
        update()
    except Exception as error:  # noqa: BLE001  (a metric must never break what it measures)
        if not _failing.is_set():
            _failing.set()
            logger.error("Could not update a metric (further failures are not logged): %s", error)


def inc(metric, amount=1, **labels):
    """Add ``amount`` to a counter now."""
    _safely(lambda: (metric.labels(**labels) if labels else metric).inc(amount))


def inc_on_commit(metric, amount=1, **labels):
    """Add to a counter when the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: inc(metric, amount, **labels))


def observe(metric, value, **labels):
    _safely(lambda: (metric.labels(**labels) if labels else metric).observe(value))


def set_gauge(metric, value, **labels):
    _safely(lambda: (metric.labels(**labels) if labels else metric).set(value))


class timed:
    """``with timed(BAKONG_DURATION, endpoint=name):`` observes the block's duration."""

    def __init__(self, metric, **labels):
        self.metric, self.labels = metric, labels

    def __enter__(self):
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc_info):
        observe(self.metric, time.perf_counter() - self.started, **self.labels)
        return False


METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def status_class(code):
    return f"{code // 100}xx" if 100 <= code < 600 else "other"


class ResponseMetricsMiddleware:
    """Count every response by method and status class, and time it. Sits right after
    ``InternalEndpointsMiddleware``, so health checks and scrapes are not counted, while
    everything else is, rejected Host headers (400) and errors (500) included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in METHODS else "other"
        inc(HTTP_RESPONSES, method=method, status=status_class(response.status_code))
        observe(HTTP_DURATION, time.perf_counter() - started)
        return response


# --- serving them --------------------------------------------------------------------------


def registry_for_scrape():
    """What a scrape of this process answers: every gunicorn worker's figures in
    multiprocess mode, else this process's own registry."""
    if not MULTIPROCESS:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=MULTIPROCESS_DIR)
    return registry


def metrics_token():
    return getattr(settings, "METRICS_TOKEN", "") or ""


def authorization_status(header, token):
    """The HTTP status a scrape gets: 404 when no token is configured (metrics are off),
    401 without a bearer token, 403 with a wrong one, 200 with the right one (compared in
    constant time)."""
    if not token:
        return 404
    scheme, _, given = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return 401
    ok = hmac.compare_digest(
        given.strip().encode("utf-8", "replace"), token.encode("utf-8", "replace")
    )
    return 200 if ok else 403


REPLIES = {404: b"Not found.\n", 401: b"A bearer token is needed.\n", 403: b"Wrong token.\n"}


def exposition(registry):
    """``(body, content type)`` of the text format for ``registry``."""
    return generate_latest(registry), CONTENT_TYPE_LATEST


def metrics_wsgi_app(registry, token):
    """A WSGI application serving ``registry`` behind the same bearer token as ``/metrics``."""

    def app(environ, start_response):
        status = authorization_status(environ.get("HTTP_AUTHORIZATION"), token)
        if environ.get("PATH_INFO", "/") not in ("/", "/metrics"):
            status = 404
        if status != 200:
            headers = [("Content-Type", "text/plain; charset=utf-8")]
            if status == 401:
                headers.append(("WWW-Authenticate", 'Bearer realm="metrics"'))
            start_response(f"{status} {'Unauthorized' if status == 401 else 'Refused'}", headers)
            return [REPLIES.get(status, REPLIES[404])]
        try:
            body, content_type = exposition(registry)
        except Exception:  # noqa: BLE001  (a broken collector: say so, keep serving)
            logger.exception("Could not collect the metrics")
            start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
            return [b"Could not collect the metrics; see the log.\n"]
        start_response("200 OK", [("Content-Type", content_type)])
        return [body]

    return app


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002  (the stdlib's signature)
        pass


def serve_metrics(addr, port, registry, token):
    """Serve ``registry`` on ``addr:port`` in a daemon thread (the background worker's
    endpoint); returns the server (``server.server_port`` is the port)."""
    server = make_server(
        addr,
        port,
        metrics_wsgi_app(registry, token),
        server_class=_ThreadingServer,
        handler_class=_QuietHandler,
    )
    threading.Thread(target=server.serve_forever, name="shop-metrics", daemon=True).start()
    return server


# --- figures read at scrape time from files on this machine ------------------------------------


def newest_backup_time(backup_dir):
    """When the newest complete backup set in ``backup_dir`` was made (its ``backup-<stamp>.ok``
    manifest, written last), or ``None`` if there is none."""
    newest = None
    for manifest in Path(backup_dir).glob("backup-*.ok"):
        stamp = manifest.name[len("backup-") : -len(".ok")]
        try:
            made = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()
        except ValueError:
            continue
        newest = made if newest is None else max(newest, made)
    return newest


def file_gauges(backup_dir, disk_paths):
    """Gauges for the newest backup in ``backup_dir`` and the free space of ``disk_paths``,
    for a custom collector; a path that is not there is left out."""
    families = []
    if backup_dir and os.path.isdir(backup_dir):
        backup = GaugeMetricFamily(
            "shop_backup_last_success_timestamp_seconds",
            "Unix time of the newest complete backup set (its .ok manifest) in BACKUP_DIR.",
        )
        made = newest_backup_time(backup_dir)
        backup.add_metric([], made if made is not None else 0)
        families.append(backup)
    free = GaugeMetricFamily(
        "shop_filesystem_free_bytes", "Free space where the shop keeps files.", labels=["path"]
    )
    size = GaugeMetricFamily(
        "shop_filesystem_size_bytes", "Size of the filesystem holding the path.", labels=["path"]
    )
    for path in disk_paths:
        try:
            usage = shutil.disk_usage(path)
        except OSError:
            continue
        free.add_metric([str(path)], usage.free)
        size.add_metric([str(path)], usage.total)
    return [*families, free, size]
