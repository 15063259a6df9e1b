"""Health endpoints for load balancers and compose: /healthz (the process answers) and
/readyz (the database answers, every migration is applied, and the cache answers).

A health check inside a container calls the app as ``http://127.0.0.1:8000/readyz``, so its
Host header is ``127.0.0.1:8000``, while production ``ALLOWED_HOSTS`` holds only the shop's
domain. ``HealthCheckMiddleware``, first in ``MIDDLEWARE``, answers exactly these two paths
(GET and HEAD) before anything reads the Host header or redirects to HTTPS; every other
request, these paths with other methods included, goes through Django's host validation.
"""

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

# A key nobody writes: reading it is one round trip to the cache server.
CACHE_PROBE_KEY = "health:readyz-probe"


@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


def _database_problem():
    """Why the database is not ready (a dict for the reply), or None."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:  # noqa: BLE001  (any database failure means "not ready")
        return {"status": "unavailable", "database": str(error)[:200]}
    if pending:
        return {"status": "migrating", "pending_migrations": len(pending)}
    return None


def _cache_problem():
    """Why the shared cache (Redis, or the cache table) cannot be used, or None."""
    try:
        cache.get(CACHE_PROBE_KEY)
    except Exception as error:  # noqa: BLE001  (any cache failure means "not ready")
        return {"status": "unavailable", "cache": str(error)[:200]}
    return None


@never_cache
def readyz(request):
    problems = [problem for problem in (_database_problem(), _cache_problem()) if problem]
    if problems:
        reply = {}
        for problem in reversed(problems):  # the database's status wins
            reply.update(problem)
        return JsonResponse(reply, status=503)
    return JsonResponse({"status": "ok"})


HEALTH_VIEWS = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    """Answer ``GET``/``HEAD`` ``/healthz`` and ``/readyz`` whatever the Host header says.

    Must come first in ``MIDDLEWARE``: SecurityMiddleware (the HTTPS redirect),
    CommonMiddleware and the page cache all read ``request.get_host()``, which rejects a
    host outside ``ALLOWED_HOSTS`` with 400.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = HEALTH_VIEWS.get(request.path_info)
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)
