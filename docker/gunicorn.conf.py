"""gunicorn settings for the web containers (and the native deployment test).

Sync workers, 4 by default (GUNICORN_WORKERS); requests longer than GUNICORN_TIMEOUT are
killed; workers are recycled now and then so memory cannot creep. The application is loaded
once, in the master, before the workers are forked: a recycled worker is ready at once
instead of importing Django and Wagtail again (seconds of CPU, during which the other workers
carry its share; with all four recycled at about the same time, shoppers waited). The access
log goes to stdout with the request time in milliseconds.
"""

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))  # nginx keeps upstream connections
preload_app = True
# Memory stays flat (see BENCHMARKS.md); recycling is a safety net, spread out by the jitter.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "5000"))
# Only nginx reaches gunicorn (the port is not published), so its forwarded headers are trusted.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Ends with the request id nginx gave the request (X-Request-ID), as in nginx's and Django's lines.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" rid=%({x-request-id}i)s'
wsgi_app = "website.wsgi:application"

# Metrics from every worker (kernel/metrics.py): prometheus_client's multiprocess mode keeps
# each worker's figures in files in PROMETHEUS_MULTIPROC_DIR, and /metrics adds them up. It
# must be set before the application is loaded: a directory of this server's own when the
# environment names none (two servers on one machine must not share one).
_own_metrics_dir = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _own_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="shop-metrics-")
else:  # it must exist before the application is loaded (which happens before on_starting)
    with contextlib.suppress(OSError):  # kernel/metrics.py logs it and counts per process
        os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)


def when_ready(server):
    """The master loaded the application; workers must not share its database connections
    (loading opens none, but make sure)."""
    from django.db import connections

    connections.close_all()


def on_starting(server):
    """A new server starts its figures from zero: the files of the last run's workers go
    (Prometheus sees a restarted target). A directory that cannot be used is logged, and the
    workers then count on their own (kernel/metrics.py)."""
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    try:
        for leftover in directory.glob("*.db"):
            leftover.unlink(missing_ok=True)
    except OSError as error:
        server.log.error("Cannot prepare PROMETHEUS_MULTIPROC_DIR %s: %s", directory, error)


def child_exit(server, worker):
    """A worker that exits (recycled, killed) stops counting in the live gauges."""
    from prometheus_client import multiprocess

    try:
        multiprocess.mark_process_dead(worker.pid)
    except OSError as error:
        server.log.warning("Could not mark worker %s dead for metrics: %s", worker.pid, error)


def on_exit(server):
    if _own_metrics_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
