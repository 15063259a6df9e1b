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
import os
import re
import threading
import time
from datetime import UTC, datetime

import boto3
from botocore.config import Config
from django.conf import settings
from django.db import connections
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily

from checkout.khqr.token import token_expiry
from kernel import metrics
from kernel.redact import describe_error
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


_offsite_cache = {"at": None, "families": []}
OFFSITE_LIST_SECONDS = 300
# The listing runs inside a scrape (Prometheus gives up after 10 s): botocore's defaults (60 s
# to connect, 60 s per read, retries) would hold the scrape, and the worker's thread, for
# minutes. One retry.
OFFSITE_CLIENT_CONFIG = Config(
    connect_timeout=3,
    read_timeout=5,
    retries={"total_max_attempts": 2, "mode": "standard"},
)


def offsite_backup_gauges(now=None):
    """When the newest complete off-site backup set was made (its manifest in the bucket), for
    servers that do not hold the backups themselves (several servers: the backup service runs
    on one of them, and its copies go to the bucket). From the same BACKUP_S3_* settings as
    docker/backup/offsite.py (the S3_* ones for what they leave out); listed at most every five
    minutes, as a bucket charges for listing.

    A listing that fails is not tried again before the five minutes are up either: it is
    logged once (a warning, without a traceback), and the last figure listed is served
    meanwhile, so that it ages and BackupTooOld fires if the bucket stays out of reach."""
    bucket = os.environ.get("BACKUP_S3_BUCKET", "")
    if not bucket:
        return []
    now = time.monotonic() if now is None else now
    last = _offsite_cache["at"]
    if last is not None and now - last < OFFSITE_LIST_SECONDS:
        return _offsite_cache["families"]
    _offsite_cache["at"] = now
    try:
        families = _list_offsite_backups(bucket)
    except Exception as error:  # noqa: BLE001  (any failure: the same answer for five minutes)
        logger.warning(
            "Could not list the off-site backups in bucket %s (next try in %s s): %s",
            bucket,
            OFFSITE_LIST_SECONDS,
            describe_error(error),
        )
        return _offsite_cache["families"]
    _offsite_cache["families"] = families
    return families


def _list_offsite_backups(bucket):
    """The gauge of the newest complete set's manifest in the bucket (0: none yet)."""

    def setting(name):
        return os.environ.get(f"BACKUP_S3_{name}") or os.environ.get(f"S3_{name}") or None

    secret = setting("SECRET_ACCESS_KEY")
    if not secret and settings.MEDIA_STORAGE == "s3":
        secret = settings.STORAGES["default"]["OPTIONS"].get("secret_key") or None
    client = boto3.client(
        "s3",
        endpoint_url=setting("ENDPOINT_URL"),
        region_name=setting("REGION"),
        aws_access_key_id=setting("ACCESS_KEY_ID"),
        aws_secret_access_key=secret,
        config=OFFSITE_CLIENT_CONFIG,
    )
    prefix = os.environ.get("BACKUP_S3_PREFIX", "backups/").strip("/") + "/"
    newest = None
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            match = re.fullmatch(r"backup-(\d{8}T\d{6}Z)\.ok", item["Key"][len(prefix) :])
            if match:
                made = datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
                newest = max(newest or made, made)
    family = GaugeMetricFamily(
        "shop_offsite_backup_last_success_timestamp_seconds",
        "Unix time of the newest complete backup set in the off-site bucket (0: none yet).",
    )
    family.add_metric([], newest.timestamp() if newest else 0)
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
        families = []
        for part in (
            outbox_gauges,
            token_gauges,
            lambda: metrics.file_gauges(settings.METRICS_BACKUP_DIR, disk_paths()),
        ):
            families += self._part(part)
        # The scrape runs in the endpoint's own thread: its database connection goes now,
        # before the bucket is asked (a slow listing must not hold a connection).
        connections.close_all()
        families += self._part(offsite_backup_gauges)
        return families

    @staticmethod
    def _part(part):
        try:
            return part()
        except Exception:  # noqa: BLE001  (a scrape must not fail for one figure)
            logger.exception("Could not compute a metric for the scrape")
            return []


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
