"""gunicorn settings for the web containers (and the native deployment test).

Sync workers, 4 by default (GUNICORN_WORKERS); requests longer than GUNICORN_TIMEOUT are
killed; workers are recycled now and then so memory cannot creep. The application is loaded
once, in the master, before the workers are forked: a recycled worker is ready at once
instead of importing Django and Wagtail again (seconds of CPU, during which the other workers
carry its share; with all four recycled at about the same time, shoppers waited). The access
log goes to stdout with the request time in milliseconds.
"""

import os

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
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
wsgi_app = "website.wsgi:application"


def when_ready(server):
    """The master loaded the application; workers must not share its database connections
    (loading opens none, but make sure)."""
    from django.db import connections

    connections.close_all()
