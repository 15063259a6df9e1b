"""Internal endpoints: /healthz (the process answers) and /readyz (the shop can serve).

They are meant for whatever runs next to the shop (compose's and the orchestrator's health
checks, a load balancer, Prometheus' scrape of ``/metrics``), which calls gunicorn directly, as
``http://127.0.0.1:8000/readyz``: its Host header is ``127.0.0.1:8000`` while production
``ALLOWED_HOSTS`` holds only the shop's domain, and it speaks plain HTTP. So
``InternalEndpointsMiddleware``, first in ``MIDDLEWARE``, answers these paths (GET and HEAD)
before anything reads the Host header or redirects to HTTPS. One table, ``ENDPOINTS``, lists
them; every other request goes through Django's host validation.

What is internal stays internal: nginx answers 404 for these paths on the public server (only
``/healthz``, which says nothing, is proxied), and the app itself answers an internal-only
endpoint only when the request did not come through nginx, which always adds
``X-Forwarded-For``. A request that fails that test is handled like any other path (a 404).

/readyz answers 200 when the database answers and every migration is applied, also when the
cache is down (the shop then serves uncached, see ``kernel.cache``): its reply says
``"status": "degraded"`` and names the cache. It answers 503 only when the database cannot be
used. Error texts go to the log, never into the reply.
"""

import logging

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from kernel import metrics as shop_metrics

logger = logging.getLogger(__name__)

# A key nobody writes: reading it is one round trip to the cache server.
CACHE_PROBE_KEY = "health:readyz-probe"

# Once this process has seen every migration applied, it stays so: migrations are applied
# before a release's processes start, never under them. Loading the migration graph costs
# about 150 ms, too much for every health check.
_migrations_done = False


@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


def _database_state():
    """``"ok"``, ``"migrating"`` or ``"unavailable"``."""
    global _migrations_done
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if not _migrations_done:
            executor = MigrationExecutor(connection)
            if executor.migration_plan(executor.loader.graph.leaf_nodes()):
                return "migrating"
            _migrations_done = True
    except Exception as error:  # noqa: BLE001  (any database failure means "not ready")
        logger.warning("readyz: the database is unavailable: %s", error)
        return "unavailable"
    return "ok"


def _cache_state():
    """``"ok"`` or ``"unavailable"`` (Redis, or the cache table)."""
    try:
        ping = getattr(cache, "ping", None)
        if ping is not None:
            ping()  # kernel.cache.ShopRedisCache: asks Redis whatever its breaker says
        else:
            cache.get(CACHE_PROBE_KEY)
    except Exception as error:  # noqa: BLE001  (any cache failure means "serving uncached")
        logger.warning("readyz: the cache is unavailable: %s", error)
        return "unavailable"
    return "ok"


@never_cache
def readyz(request):
    database, shared_cache = _database_state(), _cache_state()
    if database != "ok":
        status, code = database, 503
    elif shared_cache != "ok":
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse(
        {"status": status, "database": database, "cache": shared_cache}, status=code
    )


@never_cache
def metrics(request):
    """Prometheus' scrape of this web task: every gunicorn worker's figures, only with the
    bearer token ``METRICS_TOKEN`` (404 while none is configured, 401/403 otherwise)."""
    status = shop_metrics.authorization_status(
        request.META.get("HTTP_AUTHORIZATION"), shop_metrics.metrics_token()
    )
    if status != 200:
        response = HttpResponse(
            shop_metrics.REPLIES[status], status=status, content_type="text/plain"
        )
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body, content_type = shop_metrics.exposition(shop_metrics.registry_for_scrape())
    return HttpResponse(body, content_type=content_type)


# path: (view, internal only).
ENDPOINTS = {
    "/healthz": (healthz, False),
    "/readyz": (readyz, True),
    "/metrics": (metrics, True),
}


def came_through_proxy(request):
    return "HTTP_X_FORWARDED_FOR" in request.META


class InternalEndpointsMiddleware:
    """Answer ``GET``/``HEAD`` on the paths in ``ENDPOINTS`` whatever the Host header says.

    Must come first in ``MIDDLEWARE``: SecurityMiddleware (the HTTPS redirect),
    CommonMiddleware and the page cache all read ``request.get_host()``, which rejects a
    host outside ``ALLOWED_HOSTS`` with 400.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        endpoint = ENDPOINTS.get(request.path_info)
        if endpoint is not None and request.method in ("GET", "HEAD"):
            view, internal_only = endpoint
            if not (internal_only and came_through_proxy(request)):
                return view(request)
        return self.get_response(request)
