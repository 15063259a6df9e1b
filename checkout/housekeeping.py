"""Housekeeping: deleting rows nobody needs any more, a small batch at a time.

- **Task results**: the worker records every job it runs (django-tasks-db's ``DBTaskResult``),
  a few hundred rows an hour from the periodic jobs alone. Finished results (successful or
  failed) older than ``SHOP_TASK_RESULT_RETENTION_DAYS`` go; waiting and running ones never do.
- **Sessions**: expired sessions (what ``manage.py clearsessions`` deletes), when sessions live
  in the database (the ``db`` and ``cached_db`` engines); other engines clear their own.
- **Guest carts**: carts without an account, untouched (no change to the cart, no line added)
  for ``SHOP_CART_RETENTION_DAYS`` and never less than the session lifetime, so the session
  that pointed at them has expired too. Customers' carts belong to their accounts and stay.
  A cart whose last order was placed within the replay window stays whatever its age.

Each kind is deleted in batches of ``SHOP_HOUSEKEEPING_BATCH_SIZE`` rows, each batch its own
short transaction, so MySQL never holds locks for a large delete. The worker's scheduler runs
it at most once every ``SHOP_HOUSEKEEPING_INTERVAL_SECONDS`` across all workers
(``checkout.tasks.housekeeping_task``); ``manage.py housekeeping`` runs it by hand.
"""

import logging
import time
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from checkout.models import REPLAY_WINDOW, Cart, CartLine

logger = logging.getLogger(__name__)

FINISHED_TASK_STATES = ("SUCCESSFUL", "FAILED")

# What each job cleans, for the management command's report.
LABELS = {
    "task_results": _("finished task results"),
    "sessions": _("expired sessions"),
    "guest_carts": _("abandoned guest carts"),
}


# A run stops starting new batches after this long (the rest waits for the next run), so a
# large backlog never keeps a worker from its other jobs for long.
RUN_TIME_LIMIT_SECONDS = 120


def _delete_in_batches(queryset, batch_size, dry_run, lock=False, deadline=None):
    """Delete the rows of ``queryset`` ``batch_size`` at a time; the number deleted (or that
    would be). Each batch's primary keys are read first and then deleted with the same
    conditions, so a row that stopped matching in between (a cart just used) stays."""
    if dry_run:
        return queryset.count()
    model = queryset.model
    total = 0
    while deadline is None or time.monotonic() < deadline:
        # MySQL cannot DELETE ... WHERE pk IN (SELECT ... LIMIT n): read the keys first.
        # No ORDER BY: the first matching rows will do, and sorting would read them all.
        keys = list(queryset.order_by().values_list("pk", flat=True)[:batch_size])
        if not keys:
            return total
        with transaction.atomic():
            batch = queryset.filter(pk__in=keys)
            if lock:
                keys = list(batch.select_for_update().values_list("pk", flat=True))
                batch = model._default_manager.filter(pk__in=keys)
            batch.delete()
        total += len(keys)
        if len(keys) < batch_size:
            return total
    logger.info(
        "Housekeeping stopped after %s s; the rest waits for the next run", RUN_TIME_LIMIT_SECONDS
    )
    return total


def old_task_results(now):
    from django_tasks_db.models import DBTaskResult

    cutoff = now - timedelta(days=settings.SHOP_TASK_RESULT_RETENTION_DAYS)
    return DBTaskResult.objects.filter(status__in=FINISHED_TASK_STATES, finished_at__lt=cutoff)


def expired_sessions(now):
    """Expired sessions in the database, or ``None`` when sessions are not kept there."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return None
    return store.get_model_class().objects.filter(expire_date__lt=now)


def abandoned_guest_carts(now):
    retention = max(
        timedelta(days=settings.SHOP_CART_RETENTION_DAYS),
        timedelta(seconds=settings.SESSION_COOKIE_AGE),
    )
    cutoff = now - retention
    return (
        Cart.objects.filter(user__isnull=True, updated_at__lt=cutoff)
        .exclude(Exists(CartLine.objects.filter(cart=OuterRef("pk"), added_at__gte=cutoff)))
        .exclude(last_order__created_at__gte=now - REPLAY_WINDOW)
    )


def run_housekeeping(now=None, dry_run=False, batch_size=None):
    """Delete what has outlived its retention; ``{kind: rows deleted}`` (or that would be,
    with ``dry_run``)."""
    now = now or timezone.now()
    batch_size = batch_size or settings.SHOP_HOUSEKEEPING_BATCH_SIZE
    deadline = time.monotonic() + RUN_TIME_LIMIT_SECONDS
    counts = {}
    counts["task_results"] = _delete_in_batches(
        old_task_results(now), batch_size, dry_run, deadline=deadline
    )
    sessions = expired_sessions(now)
    if sessions is not None:
        counts["sessions"] = _delete_in_batches(sessions, batch_size, dry_run, deadline=deadline)
    elif not dry_run:
        import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    counts["guest_carts"] = _delete_in_batches(
        abandoned_guest_carts(now), batch_size, dry_run, lock=True, deadline=deadline
    )
    if not dry_run and any(counts.values()):
        logger.info(
            "Housekeeping deleted %s",
            ", ".join(f"{count} {LABELS[kind]}" for kind, count in counts.items()),
        )
    return counts
