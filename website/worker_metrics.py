"""The background worker's metrics endpoint: its own counters (payment sweeps, Bakong calls,
messages sent, the heartbeat) and the figures about the shop as a whole, read when Prometheus
scrapes: the outbox backlog and the age of its oldest unsent message, when the Bakong token
runs out, the newest backup, free disk space.

Those shop-wide figures are computed here only, not by every web task, so each is one series
per worker task (alert rules take the ``max`` over them). The endpoint listens on
``WORKER_METRICS_ADDR:WORKER_METRICS_PORT`` (an internal port, never published) and answers
only with the bearer token ``METRICS_TOKEN``; without a token it does not start.
"""

import logging
import threading

from django.conf import settings
from django.db import connections
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily

from checkout.khqr.token import token_expiry
from kernel import metrics
from notifications.models import Notification

logger = logging.getLogger(__name__)

UNSENT = (Notification.State.PENDING, Notification.State.SENDING)


def outbox_gauges(now=None):
    now = now or timezone.now()
    summary = Notification.objects.filter(state__in=UNSENT).aggregate(
        count=Count("pk"), oldest=Min("created_at")
    )
    backlog = GaugeMetricFamily(
        "shop_outbox_unsent_messages", "E-mails and Telegram messages waiting to be sent."
    )
    backlog.add_metric([], summary["count"])
    age = GaugeMetricFamily(
        "shop_outbox_oldest_unsent_age_seconds",
        "Age of the oldest message still waiting to be sent (0 when none waits).",
    )
    oldest = summary["oldest"]
    age.add_metric([], max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
    return [backlog, age]


def token_gauges():
    expiry = token_expiry(settings.BAKONG_API_TOKEN or "")
    if expiry is None:
        return []  # no token, or not a JWT: nothing to say (the dashboard says the same)
    family = GaugeMetricFamily(
        "shop_bakong_token_expiry_timestamp_seconds",
        "Unix time the Bakong API token (its JWT exp claim) runs out.",
    )
    family.add_metric([], expiry.timestamp())
    return [family]


def disk_paths():
    paths = list(settings.METRICS_DISK_PATHS)
    if not paths:
        if settings.MEDIA_STORAGE == "local":
            paths.append(settings.MEDIA_ROOT)
        if settings.METRICS_BACKUP_DIR:
            paths.append(settings.METRICS_BACKUP_DIR)
    return paths


class ShopStateCollector:
    """Shop-wide gauges computed at scrape time. A part that fails (the database is down) is
    logged and left out; the rest is still served."""

    def describe(self):
        return []  # computed at scrape time only, never at registration

    def collect(self):
        parts = (
            outbox_gauges,
            token_gauges,
            lambda: metrics.file_gauges(settings.METRICS_BACKUP_DIR, disk_paths()),
        )
        families = []
        for part in parts:
            try:
                families += part()
            except Exception:  # noqa: BLE001  (a scrape must not fail for one figure)
                logger.exception("Could not compute a metric for the scrape")
        # The scrape runs in the endpoint's own thread: its database connection goes now.
        connections.close_all()
        return families


_started = threading.Lock()
_server = None


def start_metrics_endpoint():
    """Start the worker's endpoint once per process; ``None`` when it is off or its port is
    taken (logged; the worker carries on without it)."""
    global _server
    with _started:
        if _server is not None:
            return _server
        token = metrics.metrics_token()
        if not token:
            logger.info("METRICS_TOKEN is not set: the worker's metrics endpoint is off")
            return None
        try:
            server = metrics.serve_metrics(
                settings.WORKER_METRICS_ADDR, settings.WORKER_METRICS_PORT, REGISTRY, token
            )
        except OSError as error:
            logger.error(
                "Cannot serve the worker's metrics on %s:%s: %s",
                settings.WORKER_METRICS_ADDR,
                settings.WORKER_METRICS_PORT,
                error,
            )
            return None
        REGISTRY.register(ShopStateCollector())
        logger.info(
            "Worker metrics on %s:%s/metrics", settings.WORKER_METRICS_ADDR, server.server_port
        )
        _server = server
        return server
