"""Health endpoints for load balancers and compose: /healthz (the process answers) and
/readyz (the database answers and every migration is applied)."""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:  # noqa: BLE001  (any database failure means "not ready")
        return JsonResponse({"status": "unavailable", "database": str(error)[:200]}, status=503)
    if pending:
        return JsonResponse({"status": "migrating", "pending_migrations": len(pending)}, status=503)
    return JsonResponse({"status": "ok"})
